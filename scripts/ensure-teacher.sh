#!/usr/bin/env bash
# Prints the default Fashion-MNIST teacher directory ($RGAL_TEACHER_DIR, else
# teachers/fmnist-lenet5-bn). When it is missing, copies the committed reference teacher of the
# benchmarks (studies/teacher, 89.82 %, sha256 c847218a…; why it is committed: its README) after
# checking its checksum, or, with RGAL_TRAIN_TEACHER=1, trains one (10 epochs, seed 0,
# --deterministic: reproducible on one machine, not across CPUs). Progress goes to stderr so
# callers can capture the path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/ensure-dataset.sh >&2
scripts/ensure-jemalloc.sh >&2
teacher="${RGAL_TEACHER_DIR:-teachers/fmnist-lenet5-bn}"
reference=studies/teacher
if [ -f "$teacher/teacher.json" ]; then
  echo "teacher found in $teacher (delete it to restore or retrain it)" >&2
elif [ "${RGAL_TRAIN_TEACHER:-0}" = 1 ]; then
  ./rgal teacher --dataset fashion-mnist --arch lenet5-bn --epochs 10 --seed 0 --deterministic --out "$teacher" >&2
else
  expected="$(sed -n 's/.*"weightsSha256": *"\([0-9a-f]*\)".*/\1/p' "$reference/teacher.json")"
  actual="$(sha256sum "$reference/weights.params" | cut -d' ' -f1)"
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "ensure-teacher: $reference/weights.params does not match the checksum in its teacher.json; restore it with 'git checkout -- $reference' or set RGAL_TRAIN_TEACHER=1 to train one" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$teacher")"
  tmp="$(mktemp -d "$(dirname "$teacher")/.teacher.XXXXXX")"
  cp "$reference/teacher.json" "$reference/weights.params" "$tmp/"
  mv "$tmp" "$teacher"
  echo "reference teacher copied to $teacher (89.82 %, sha256 ${expected:0:8}…; RGAL_TRAIN_TEACHER=1 trains one instead)" >&2
fi
echo "$teacher"

#!/usr/bin/env bash
# Prints the directory of the Fashion-MNIST teacher of architecture ARCH (default lenet5-bn):
# $RGAL_TEACHER_DIR, else teachers/fmnist-ARCH. When it is missing, copies the committed reference
# teacher of the benchmarks (studies/teacher for lenet5-bn, 89.82 %, sha256 c847218a…;
# studies/teacher-ARCH for another; why they are committed: studies/teacher/README.md) after
# checking its checksum, or, with RGAL_TRAIN_TEACHER=1 or when no reference is committed for ARCH,
# trains one (10 epochs, seed 0, --deterministic: reproducible on one machine, not across CPUs).
# Progress goes to stderr so callers can capture the path.
#
#   scripts/ensure-teacher.sh [ARCH]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
arch="${1:-lenet5-bn}"
case "$arch" in
  lenet5-bn) reference=studies/teacher ;;
  lenet5|lenet5-half|lenet5-half-bn) reference="studies/teacher-$arch" ;;
  *) echo "ensure-teacher: no Fashion-MNIST teacher recipe for architecture '$arch'; give lenet5-bn, lenet5-half-bn, lenet5 or lenet5-half" >&2; exit 2 ;;
esac
scripts/ensure-dataset.sh >&2
scripts/ensure-jemalloc.sh >&2
teacher="${RGAL_TEACHER_DIR:-teachers/fmnist-$arch}"
if [ -f "$teacher/teacher.json" ]; then
  found="$(sed -n 's/.*"architecture": *"\([^"]*\)".*/\1/p' "$teacher/teacher.json")"
  if [ "$found" != "$arch" ]; then
    echo "ensure-teacher: $teacher holds a '$found' teacher, not '$arch'; move it away or set RGAL_TEACHER_DIR to another directory" >&2
    exit 1
  fi
  echo "teacher found in $teacher (delete it to restore or retrain it)" >&2
elif [ "${RGAL_TRAIN_TEACHER:-0}" = 1 ] || [ ! -f "$reference/teacher.json" ]; then
  ./rgal teacher --dataset fashion-mnist --arch "$arch" --epochs 10 --seed 0 --deterministic --out "$teacher" >&2
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
  accuracy="$(sed -n 's/.*"testAccuracy": *\([0-9.]*\).*/\1/p' "$reference/teacher.json")"
  echo "reference $arch teacher copied to $teacher (test accuracy $accuracy, sha256 ${expected:0:8}…; RGAL_TRAIN_TEACHER=1 trains one instead)" >&2
fi
echo "$teacher"

#!/usr/bin/env bash
# Prints the default Fashion-MNIST teacher directory ($RGAL_TEACHER_DIR, else
# teachers/fmnist-lenet5-bn), training it first (10 epochs, seed 0, --deterministic: the benchmark recipe, bit-reproducible, weights sha256 ea36b494…) when it
# is missing. Progress goes to stderr so callers can capture the path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/ensure-dataset.sh >&2
scripts/ensure-jemalloc.sh >&2
teacher="${RGAL_TEACHER_DIR:-teachers/fmnist-lenet5-bn}"
if [ ! -f "$teacher/teacher.json" ]; then
  ./rgal teacher --dataset fashion-mnist --arch lenet5-bn --epochs 10 --seed 0 --deterministic --out "$teacher" >&2
else
  echo "teacher found in $teacher (delete it to retrain)" >&2
fi
echo "$teacher"

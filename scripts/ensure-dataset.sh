#!/usr/bin/env bash
# Installs Debian's dataset-fashion-mnist when its files are missing (needs root, as on these machines).
set -euo pipefail
dir=/usr/share/datasets/fashion-mnist
if [ -f "$dir/t10k-images-idx3-ubyte.gz" ] && [ -f "$dir/train-images-idx3-ubyte.gz" ]; then
  exit 0
fi
echo "Fashion-MNIST is missing: installing Debian package dataset-fashion-mnist (apt-get update && apt-get install -y dataset-fashion-mnist)" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "error: installing needs root; run: sudo apt-get install dataset-fashion-mnist" >&2
  exit 1
fi
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >&2
test -f "$dir/t10k-images-idx3-ubyte.gz"

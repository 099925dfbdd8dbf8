#!/usr/bin/env bash
# Installs Debian's libjemalloc2 when missing (see scripts/use-jemalloc.sh for why). Speed only:
# everything works without it, so a failed install warns and exits 0.
set -uo pipefail
[ -f /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "warning: libjemalloc2 is not installed, runs will be slower (sudo apt-get install libjemalloc2)" >&2
  exit 0
fi
echo "installing libjemalloc2 (faster PyTorch on CPU)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq libjemalloc2 >&2 2>/dev/null \
  || { apt-get update -qq >&2 && apt-get install -y -qq libjemalloc2 >&2; } \
  || echo "warning: could not install libjemalloc2, runs will be slower" >&2
exit 0

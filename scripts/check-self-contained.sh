#!/usr/bin/env bash
# Fails when a test source, build file or script refers to a path outside the repository, so that
# a lone clone can run its own tests. Checked:
#   1. references to the project's sibling specification folder (its spec, conformance, ...)
#      or to this machine's work tree (/work/...);
#   2. absolute paths in test sources into one machine's own files (/home, /root, /opt, /work, ...);
#      system locations every user's machine has (/usr/share/datasets, /tmp, /proc) are fine.
# Usage: scripts/check-self-contained.sh [REPO_DIR]   (prints one line per violation, exits 1)
set -euo pipefail
repo="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
cd "$repo"

# what is checked: tracked and untracked-but-not-ignored files (what a clone plus local edits hold)
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  | grep -E '(/src/test/.*\.(java|kt)$|(^|/)pom\.xml$|^scripts/|^\.ci/|^rgal$)' || true)
violations=0
report() { echo "check-self-contained: $1"; violations=$((violations + 1)); }

# the sibling folder's name is spelled in pieces so this script does not match its own patterns
sib="sha""red"
outside="\\.\\./$sib|(^|[^A-Za-z0-9_.-])$sib/(spec|conformance|benchmarks|hooks|DESIGN)|rgal\\.$sib\\.dir|/work/"
for f in "${files[@]}"; do
  [ "$f" = scripts/check-self-contained.sh ] && continue
  [ -f "$f" ] || continue
  while IFS= read -r hit; do
    report "$f:$hit refers outside the repository; copy what it needs into src/test/resources and load it from the class path"
  done < <(grep -nE "$outside" "$f" | cut -d: -f1 || true)
done

# absolute paths into places that hold one machine's files (a home, a work tree, /opt, ...); string
# fragments such as "/spec.json" appended to a temporary directory are not paths on their own
machine='^/(work|home|root|opt|mnt|srv|media|data|scratch|Users|var/lib|usr/local)(/|$)'
for f in "${files[@]}"; do
  [[ "$f" == *.java || "$f" == *.kt ]] || continue
  [ -f "$f" ] || continue
  while IFS=: read -r line literal; do
    path="${literal#\"}"
    [[ "$path" =~ $machine ]] || continue
    report "$f:$line uses the absolute path $path, which a user's clone does not have; use a test resource or a temporary directory"
  done < <(grep -noE '"/[A-Za-z][A-Za-z0-9_./-]*' "$f" || true)
done

if [ "$violations" -gt 0 ]; then
  echo "check-self-contained: $violations reference(s) outside the repository; the tests of a lone clone would fail" >&2
  exit 1
fi
echo "check-self-contained: ${#files[@]} test sources, build files and scripts refer only to the repository and system paths"

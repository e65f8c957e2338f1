#!/usr/bin/env bash
# The whole-corpus figure: ONE `tern ovf validate` process over every OVF descriptor of the
# corpus (shared/reference/ovf and the repository's samples) beside ONE `xmllint --noout`
# (libxml2: well-formedness only) over the same files, in the same run, so both see the
# same machine load. hyperfine runs them when installed (Debian: `apt-get install hyperfine
# libxml2-utils`); otherwise a plain loop of RUNS timed runs each.
#
# Usage: bench/ovf-corpus.sh
#   TERN       the binary to measure (default: builds target/release/tern)
#   RUNS       timed runs per command (default 20)
#   MODE       --lax (default) or --strict
#
# Both commands exit non-zero on this corpus (it holds invalid descriptors on purpose, and
# libxml2 refuses the XenServer file that declares utf-16 over UTF-8 bytes): exit codes
# are ignored, only time counts. Results: BENCHMARKS.md, "OVF validation over the corpus".
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-20}
mode=${MODE:---lax}
if ! command -v xmllint >/dev/null; then
  echo "bench: xmllint is needed (Debian: apt-get install libxml2-utils)" >&2
  exit 2
fi
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi

# shared/reference sits beside the repository (or beside one of its ancestors).
reference=""
dir=$(pwd)
while [ "$dir" != / ]; do
  if [ -d "$dir/shared/reference/ovf" ]; then reference="$dir/shared/reference/ovf"; break; fi
  dir=$(dirname "$dir")
done
files=()
if [ -n "$reference" ]; then
  while IFS= read -r f; do files+=("$f"); done < <(find "$reference" -type f -iname '*.ovf' | sort)
else
  echo "bench: shared/reference/ovf not found; the repository's samples only" >&2
fi
while IFS= read -r f; do files+=("$f"); done < <(find samples/ovf crates/ovf/tests/data -type f -iname '*.ovf' | sort)
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus: ${#files[@]} descriptors, $bytes bytes (reference: ${reference:-none})"
echo "tern: $("$TERN" --version 2>/dev/null || echo "$TERN"); $(xmllint --version 2>&1 | head -1)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

tern_cmd=("$TERN" ovf validate "$mode" "${files[@]}")
xmllint_cmd=(xmllint --noout "${files[@]}")
# What each command makes of the corpus, once.
tern_errors=$("${tern_cmd[@]}" 2>&1 | grep -c ': error\[' || true)
xmllint_errors=$("${xmllint_cmd[@]}" 2>&1 | grep -c 'parser error' || true)
echo "tern ovf validate $mode: $tern_errors error findings; xmllint: $xmllint_errors parser errors"

if command -v hyperfine >/dev/null; then
  quote() { printf '%q ' "$@"; }
  hyperfine --ignore-failure --warmup 3 --runs "$runs" --style basic \
    -n "tern ovf validate $mode" "$(quote "${tern_cmd[@]}")" \
    -n "xmllint --noout" "$(quote "${xmllint_cmd[@]}")"
else
  for name in tern xmllint; do
    if [ "$name" = tern ]; then cmd=("${tern_cmd[@]}"); else cmd=("${xmllint_cmd[@]}"); fi
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "${cmd[@]}" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo "$name: $(( (end - start) / runs / 1000 )) µs per run (mean of $runs)"
  done
fi

#!/usr/bin/env bash
# OVF reader throughput: tern-ovf (one process: parse + byte-identical write + typed view +
# validation, `cargo bench -p tern-ovf --bench roundtrip`) next to Python lxml (one process:
# parse + serialise) and `cot info` (one process per file, as COT is used), on the same
# descriptors. Numbers go to BENCHMARKS.md by hand.
#
# Usage: bench/ovf.sh [DIR...]   (default: samples/ovf and ../shared/reference/ovf/samples)
# Python lxml and COT are optional: set PYTHON to an interpreter that has lxml, and put
# `cot` on PATH (e.g. `python3 -m venv /tmp/v && /tmp/v/bin/pip install lxml cot`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-200}"
if [ "$#" -eq 0 ]; then
  set -- samples/ovf
  [ -d ../shared/reference/ovf/samples ] && set -- "$@" ../shared/reference/ovf/samples
fi

# cargo runs benches from the crate directory: pass absolute paths.
abs=()
for d in "$@"; do abs+=("$(cd "$d" && pwd)"); done
set -- "${abs[@]}"

echo "== tern-ovf"
cargo bench -q -p tern-ovf --bench roundtrip -- "$@" --rounds "$ROUNDS" 2>/dev/null | grep tern-ovf

PYTHON="${PYTHON:-python3}"
if "$PYTHON" -c 'import lxml' 2>/dev/null; then
  echo "== Python lxml (parse + serialise)"
  "$PYTHON" - "$ROUNDS" "$@" <<'PY'
import pathlib, sys, time
from lxml import etree
rounds = int(sys.argv[1])
files = sorted(p for d in sys.argv[2:] for p in pathlib.Path(d).rglob("*.ovf"))
data = []
for p in files:
    b = p.read_bytes()
    try:
        etree.fromstring(b)
        data.append(b)
    except Exception:
        pass  # same rule as tern's bench: only files the parser accepts
size = sum(map(len, data))
start = time.perf_counter()
for _ in range(rounds):
    for b in data:
        etree.tostring(etree.fromstring(b))
secs = time.perf_counter() - start
n = rounds * len(data)
print(f"lxml {etree.__version__} parse+serialise: {len(data)} files ({size} bytes) x {rounds} rounds "
      f"in {secs:.3f} s: {n/secs:.0f} files/s, {rounds*size/1e6/secs:.1f} MB/s")
PY
else
  echo "== Python lxml: not available (set PYTHON=...)"
fi

if command -v cot >/dev/null 2>&1; then
  echo "== cot info (one process per file)"
  files=()
  for d in "$@"; do while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name '*.ovf' | sort); done
  start=$(date +%s.%N)
  ok=0
  for f in "${files[@]}"; do cot info "$f" >/dev/null 2>&1 && ok=$((ok + 1)) || true; done
  end=$(date +%s.%N)
  bytes=$(cat "${files[@]}" | wc -c)
  awk -v n="${#files[@]}" -v ok="$ok" -v b="$bytes" -v s="$start" -v e="$end" \
    'BEGIN { t = e - s; printf "cot info: %d files (%d bytes, exit 0 for %d) in %.3f s: %.1f files/s, %.3f MB/s\n", n, b, ok, t, n / t, b / 1e6 / t }'
else
  echo "== cot: not on PATH"
fi

#!/usr/bin/env bash
# Growth of `tern ovf info|validate|fmt` with the size and shape of a descriptor: generated
# OVF (bench/ovf-shapes.py) with 10k/100k/300k Items on one line and indented, and one
# element with 100k attributes / 50k namespace declarations; time and peak RSS per run
# (`/usr/bin/time`), and the peak RSS as a multiple of the input size. Then the reading
# throughput in one process (`cargo bench -p tern-ovf --bench read`: parse + typed view +
# validation) beside `xmllint --noout` (libxml2, well-formedness only) on the same bytes.
# Inputs are generated under a temporary directory and deleted at the end.
#
# Usage: bench/ovf-shapes.sh
#   TERN     the binary to measure (default: builds target/release/tern)
#   SIZES    Item counts (default "10000 100000 300000")
#   SKIP_READ=1  skips the throughput part
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-10000 100000 300000}
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi
TERN=$(realpath "$TERN")
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovf-shapes.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"

# One run: CPU seconds (user + system: the machine is shared, wall time waits for it), peak
# RSS (MB), RSS / input size.
measure() {
  local input=$1
  shift
  local size
  size=$(stat -c %s "$input")
  /usr/bin/time -f '%U %S %M' -o "$dir/time" "$@" >/dev/null 2>&1 || true
  read -r user sys kb < <(tail -1 "$dir/time")
  awk -v u="$user" -v s="$sys" -v kb="$kb" -v b="$size" \
    'BEGIN { printf "%7.2f s %7.1f MB %5.1fx", u + s, kb / 1024, kb * 1024 / b }'
}

printf '%-28s %10s  %-30s %-30s %-30s\n' shape bytes "info (cpu, rss, rss/input)" validate fmt
row() {
  local name=$1 file=$2
  printf '%-28s %10d ' "$name" "$(stat -c %s "$file")"
  printf ' %-30s' "$(measure "$file" "$TERN" ovf info "$file")"
  printf ' %-30s' "$(measure "$file" "$TERN" ovf validate --lax "$file")"
  printf ' %-30s\n' "$(measure "$file" "$TERN" ovf fmt "$file" -o "$dir/out.ovf")"
  rm -f "$dir/out.ovf"
}
for n in $sizes; do
  for layout in one-line pretty; do
    python3 bench/ovf-shapes.py items "$n" "$layout" >"$dir/items.ovf"
    row "items $n $layout" "$dir/items.ovf"
  done
done
python3 bench/ovf-shapes.py attributes 100000 >"$dir/attrs.ovf"
row "100k attributes" "$dir/attrs.ovf"
python3 bench/ovf-shapes.py namespaces 50000 >"$dir/ns.ovf"
row "50k namespace declarations" "$dir/ns.ovf"
rm -f "$dir"/*.ovf

[ -n "${SKIP_READ:-}" ] && exit 0
# shared/reference/ovf sits beside the repository (or beside one of its ancestors).
reference=""
d=$(pwd)
while [ "$d" != / ]; do
  if [ -d "$d/shared/reference/ovf" ]; then reference="$d/shared/reference/ovf"; break; fi
  d=$(dirname "$d")
done
echo
echo "== reading throughput, one process (parse + typed view + validation) beside xmllint --noout"
python3 bench/ovf-shapes.py items 100000 one-line >"$dir/items-100k-one-line.ovf"
python3 bench/ovf-shapes.py items 100000 pretty >"$dir/items-100k-pretty.ovf"
cargo bench -q -p tern-ovf --bench read -- "$dir"/*.ovf "$(pwd)/samples/ovf" ${reference:+"$reference"} 2>/dev/null

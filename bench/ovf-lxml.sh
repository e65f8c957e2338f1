#!/usr/bin/env bash
# OVF reading + validation in one process: tern-ovf (the lossless Document's parse, the
# compact read-only Tree's parse, and each followed by the typed view and every rule; the
# Tree's is what `tern ovf validate` runs and what the ratio compares;
# `cargo bench -p tern-ovf --bench read -- --tsv`) beside Python lxml (libxml2 parse + XSD
# validation against DSP8023 1.1.1 / 2.0.1, `bench/ovf-lxml.py`) on the same files, in the
# same run, as MB/s of each one's processor time (the machine is shared: wall time waits for
# other processes). Rows: the 20 descriptors of shared/reference/ovf/samples (repeated to
# about 64 MB), samples/ovf, and generated shapes (bench/ovf-shapes.py: 10k and 100k Items,
# one line and indented) written to a temporary directory that is deleted at the end. The
# XSDs are read in place from shared/reference/ovf/xsd.
#
# Usage: bench/ovf-lxml.sh
#   PYTHON   an interpreter with lxml (default: a virtualenv made under /tmp/ovf-lxml-venv
#            with `pip install lxml`); without one the lxml column says SKIPPED
#   ROUNDS   repetitions per row (default: about 64 MB per row, at least 3)
#   TURNS    runs of each side, taking turns; each column keeps its best (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reference=""
d=$(pwd)
while [ "$d" != / ]; do
  if [ -d "$d/shared/reference/ovf" ]; then reference="$d/shared/reference/ovf"; break; fi
  d=$(dirname "$d")
done
if [ -z "$reference" ]; then
  echo "shared/reference/ovf not found beside the repository" >&2
  exit 1
fi
if [ -z "${PYTHON:-}" ]; then
  venv=/tmp/ovf-lxml-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import lxml' 2>/dev/null; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q lxml || true
  fi
  PYTHON="$venv/bin/python"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ovf-lxml.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for n in 10000 100000; do
  python3 bench/ovf-shapes.py items "$n" one-line >"$dir/items-$n-one-line.ovf"
  python3 bench/ovf-shapes.py items "$n" pretty >"$dir/items-$n-pretty.ovf"
done
paths=("$reference/samples" "$(pwd)/samples/ovf" "$dir"/*.ovf)
rounds=${ROUNDS:-0}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %H:%M') UTC"
# Each side runs TURNS times, taking turns (lxml, tern, lxml, tern...), and each column keeps
# its best rate: a shared machine slows whichever run another process lands on, and taking
# turns gives both the same chances.
turns=${TURNS:-3}
tern_rounds=()
[ "$rounds" != 0 ] && tern_rounds=(--rounds "$rounds")
cargo bench -q -p tern-ovf --bench read --no-run 2>/dev/null
have_lxml=false
if "$PYTHON" -c 'import lxml' 2>/dev/null; then
  have_lxml=true
  version=$("$PYTHON" -c 'from lxml import etree; print(etree.__version__, "libxml2", ".".join(map(str, etree.LIBXML_VERSION)))')
else
  version="SKIPPED (no lxml: set PYTHON)"
fi
: >"$dir/lxml.all"
: >"$dir/tern.all"
for _ in $(seq "$turns"); do
  if $have_lxml; then
    "$PYTHON" bench/ovf-lxml.py "$reference/xsd" "$rounds" "${paths[@]}" >>"$dir/lxml.all"
  fi
  cargo bench -q -p tern-ovf --bench read -- --tsv "${tern_rounds[@]}" "${paths[@]}" 2>/dev/null >>"$dir/tern.all"
done
# The best of each column, per row, in the first run's row order.
best() {
  awk -F'\t' 'BEGIN { OFS = "\t" }
    { if (!($1 in row)) { order[++n] = $1; row[$1] = $0; next }
      split(row[$1], b, "\t"); line = $1
      for (i = 2; i <= NF; i++) line = line OFS ((i > 3 && $i + 0 > b[i] + 0) ? $i : b[i])
      row[$1] = line }
    END { for (i = 1; i <= n; i++) print row[order[i]] }' "$1"
}
lxml="$dir/lxml.tsv"
tern="$dir/tern.tsv"
best "$dir/lxml.all" >"$lxml"
best "$dir/tern.all" >"$tern"
echo "lxml: $version; best of $turns turns each"
printf '%-34s %10s %7s %14s %14s %18s %18s %16s %8s\n' input bytes rounds "Document parse" "Tree parse" "Document+valid." "Tree+valid. (CLI)" "lxml parse+XSD" ratio
# Rows in tern's order, joined with lxml's by name (lxml's bytes may differ: each leaves out
# what it cannot parse).
awk -F'\t' 'function key(s) { sub(/ \([0-9]+ files\)$/, "", s); return s }
  NR == FNR { rate[key($1)] = $4; next }
  { l = (key($1) in rate) ? rate[key($1)] : "";
    printf "%-34s %10d %7d %9.1f MB/s %9.1f MB/s %13.1f MB/s %13.1f MB/s %11s MB/s %8s\n", $1, $2, $3, $4, $6, $5, $7,
      (l == "" ? "-" : l), (l == "" ? "-" : sprintf("%.2fx", $7 / l)) }' "$lxml" "$tern"

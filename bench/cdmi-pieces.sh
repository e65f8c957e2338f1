#!/usr/bin/env bash
# A value uploaded to `tern serve` in pieces (plain HTTP PUT with `Content-Range`, in order,
# as `tern deploy --cdmi` does) beside one whole PUT of the same bytes, in the same run; with
# TERN_BASELINE, the same for a second binary (the code before a change) on the same file.
# A partial write should cost its piece, not the value: the piecewise upload's time should
# stay near the whole PUT's, not grow with the square of the pieces.
#
# Usage: bench/cdmi-pieces.sh [SIZE_MIB] [PIECE_MIB]
#   SIZE_MIB       the value (default 1024)
#   PIECE_MIB      one piece (default 8)
#   TERN           the binary measured (default: builds target/release/tern)
#   TERN_BASELINE  a binary measured the same way first (optional)
#   SERVE_ARGS     more `tern serve` arguments (e.g. `--blobs s3://bucket/p --s3-endpoint URL`
#                  for the S3 back end; the blob count is then not shown)
#   BENCH_DIR      scratch directory (default: mktemp -d, removed unless KEEP=1); needs
#                  about 4 × SIZE free
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
piece_mib=${2:-8}
for tool in curl dd cmp; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
server=
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
cleanup() {
  stop
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

bytes=$((size_mib * 1024 * 1024))
pieces=$(((size_mib + piece_mib - 1) / piece_mib))
head -c "$bytes" /dev/urandom >"$work/disk.img"
cat "$work/disk.img" >/dev/null

# start BINARY: a fresh server on its own data directory; sets $base.
start() {
  rm -rf "$work/data"
  # shellcheck disable=SC2086 # SERVE_ARGS is split into arguments on purpose
  "$1" serve --listen 127.0.0.1:0 --data "$work/data" ${SERVE_ARGS:-} >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  base=$(sed -n 's/^listening on //p' "$work/serve.out" | head -1)
  [ -n "$base" ] || { echo "bench: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
  curl -sf -X PUT "$base/bench/" -o /dev/null
}

hwm() { awk '/VmHWM/ {print $2}' "/proc/$server/status"; }

run() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v n="$name" -v s="$start" -v e="$end" -v b="$bytes" -v h="$(hwm)" 'BEGIN {
    t = e - s; printf "  %-16s %8.2f s  %8.1f MB/s  server peak RSS %7.1f MiB\n", n, t, b / t / 1e6, h / 1024 }'
}

whole() {
  curl -sf -T "$work/disk.img" -H 'Content-Type: application/octet-stream' -o /dev/null \
    "$base/bench/whole.img"
}

piecewise() {
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary '' -o /dev/null \
    "$base/bench/pieces.img"
  local i first last
  for ((i = 0; i < pieces; i++)); do
    first=$((i * piece_mib * 1024 * 1024))
    last=$((first + piece_mib * 1024 * 1024 - 1))
    [ "$last" -ge "$bytes" ] && last=$((bytes - 1))
    dd if="$work/disk.img" bs=1M skip=$((i * piece_mib)) count="$piece_mib" status=none |
      curl -sf -X PUT -H 'Content-Type: application/octet-stream' \
        -H "Content-Range: bytes $first-$last/$bytes" --data-binary @- -o /dev/null \
        "$base/bench/pieces.img"
  done
}

check() {
  curl -sf -o "$work/get.out" "$base/bench/$1"
  cmp "$work/disk.img" "$work/get.out" || { echo "bench: $1 read back other bytes" >&2; exit 1; }
  rm -f "$work/get.out"
}

measure() {
  local label=$1 binary=$2
  start "$binary"
  echo "$label ($binary):"
  run "whole PUT" whole
  run "$pieces × ${piece_mib} MiB" piecewise
  check whole.img
  check pieces.img
  if [ -d "$work/data/blobs" ]; then
    echo "  blobs kept for the two values: $(find "$work/data/blobs" -type f | wc -l)"
  fi
  stop
}

echo "tern serve CDMI partial writes: ${size_mib} MiB in ${piece_mib} MiB pieces, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${TERN_BASELINE:-}" ]; then
  measure baseline "$TERN_BASELINE"
fi
measure measured "$TERN"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

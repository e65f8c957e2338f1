#!/usr/bin/env bash
# Streams a large value through `tern serve`'s CDMI side and reports throughput beside `cp` of
# the same file on the same disk (measured in the same run), and the server's peak memory
# (VmHWM from /proc/PID/status). The server must stay flat whatever the size: a value goes
# through the blob store one chunk at a time, both ways.
#
# Usage: bench/cdmi-stream.sh [SIZE_MIB]
#   SIZE_MIB  size of the value (default 1024; 2048 checks the 2 GiB target of issue 17)
#   BENCH_DIR scratch directory on the disk measured (default: a fresh mktemp -d, removed at
#             the end unless KEEP=1); needs about 3 × SIZE free
#   TERN      the binary to measure (default: builds target/release/tern)
#
# What is timed, each over the same bytes:
#   cp        `cp` of the file, then `sync` of the copy (the server fsyncs each blob before 201)
#   put       plain HTTP `PUT /bench/disk.img` (curl -T, application/octet-stream) → 201
#   get       plain HTTP `GET /bench/disk.img` into a file on the same disk
#   cdmi-get  the same value read as `application/cdmi-object` in `?value:A-B` windows of
#             WINDOW_MIB (default 8; Base64 in JSON), timed as HTTP exchanges; the windows are
#             decoded and compared with the file afterwards
#   cdmi-put  one `application/cdmi-object` body (`"value"` in Base64) of the largest value a
#             CDMI JSON body may carry here (the 16 MiB body limit; larger values go as plain
#             HTTP or in ranges), MB/s over the value's bytes
set -euo pipefail
cd "$(dirname "$0")/.."

size_mib=${1:-1024}
window_mib=${WINDOW_MIB:-8}
for tool in curl python3 base64; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench: $tool is needed" >&2
    exit 2
  fi
done
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

bytes=$((size_mib * 1024 * 1024))
# Real bytes (not a sparse file: `cp` would skip the holes).
head -c "$bytes" /dev/urandom >"$work/disk.img"

"$TERN" serve --listen 127.0.0.1:0 --data "$work/data" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/serve.out" | head -1)
[ -n "$base" ] || { echo "bench: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }

hwm() { awk '/VmHWM/ {print $2}' "/proc/$server/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }

# run NAME BYTES CMD...: times CMD, prints seconds and MB/s over BYTES, and the server's
# peak RSS so far.
run() {
  local name=$1 n=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v n="$name" -v s="$start" -v e="$end" -v b="$n" -v h="$(hwm)" 'BEGIN {
    t = e - s; printf "%-9s %8.2f s  %9.1f MB/s  server peak RSS %7.1f MiB\n", n, t, b / t / 1e6, h / 1024 }'
}

echo "tern serve CDMI: ${size_mib} MiB value, binary $TERN, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS at start: $(awk -v r="$(rss)" 'BEGIN {printf "%.1f MiB", r / 1024}')"
cat "$work/disk.img" >/dev/null # the page cache holds the source for every step alike

run cp "$bytes" sh -c 'cp "$1" "$2" && sync "$2"' cp "$work/disk.img" "$work/cp.out"
rm -f "$work/cp.out"

curl -sf -X PUT "$base/bench/" -o /dev/null
run put "$bytes" curl -sf -T "$work/disk.img" -H 'Content-Type: application/octet-stream' \
  -o /dev/null "$base/bench/disk.img"
run get "$bytes" curl -sf -o "$work/get.out" "$base/bench/disk.img"
cmp "$work/disk.img" "$work/get.out" || { echo "bench: GET returned other bytes" >&2; exit 1; }
rm -f "$work/get.out"

# The CDMI reads are timed as HTTP exchanges (each window's JSON kept in a file); decoding
# and checking the bytes come after, untimed (a Python JSON parse of each window costs more
# than the server's answer).
cdmi_get() {
  local window=$((window_mib * 1024 * 1024)) first=0 last n=0
  mkdir -p "$work/windows"
  while [ "$first" -lt "$bytes" ]; do
    last=$((first + window - 1))
    [ "$last" -ge "$bytes" ] && last=$((bytes - 1))
    curl -sf -H 'X-CDMI-Specification-Version: 1.1.1' -H 'Accept: application/cdmi-object' \
      -o "$work/windows/$(printf %06d "$n")" "$base/bench/disk.img?value:$first-$last"
    first=$((last + 1))
    n=$((n + 1))
  done
}
run cdmi-get "$bytes" cdmi_get
for w in "$work"/windows/*; do
  python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["value"])' "$w" |
    base64 -d
  rm -f "$w"
done >"$work/cdmi.out"
cmp "$work/disk.img" "$work/cdmi.out" || { echo "bench: CDMI reads returned other bytes" >&2; exit 1; }
rm -f "$work/cdmi.out"

# The largest value one CDMI body carries: Base64 (4/3) plus the JSON around it under 16 MiB.
inline=$((12 * 1024 * 1024 - 4096))
head -c "$inline" "$work/disk.img" | python3 -c '
import base64, json, sys
json.dump({"mimetype": "application/octet-stream", "valuetransferencoding": "base64",
           "value": base64.b64encode(sys.stdin.buffer.read()).decode()}, sys.stdout)' >"$work/body.json"
run cdmi-put "$inline" curl -sf -X PUT -H 'X-CDMI-Specification-Version: 1.1.1' \
  -H 'Content-Type: application/cdmi-object' --data-binary "@$work/body.json" -o /dev/null \
  "$base/bench/inline.bin"
rm -f "$work/body.json"

echo "server peak RSS (VmHWM) over the run: $(awk -v h="$(hwm)" 'BEGIN {printf "%.1f MiB", h / 1024}')"

#!/usr/bin/env bash
# Streams a multi-GB OVA through `tern ova pack`, `verify` and `unpack` and reports throughput
# and peak memory (max RSS from /usr/bin/time -v). Memory must stay flat whatever the size:
# every member goes through a fixed 256 KiB buffer.
#
# Usage: bench/ova-stream.sh [SIZE_GIB] [sha1|sha256|sha512]
#   SIZE_GIB  size of the disk image (default 4; 9 exercises the >8 GiB base-256 size field)
#   MEMBERS   also time verify and unpack of an OVA of that many tiny members (python3)
#   BENCH_DIR scratch directory (default: a fresh mktemp -d, removed at the end unless KEEP=1)
#   TERN      the binary to measure (default: builds target/release/tern)
#
# The disk is sparse with 1 MiB of random data every 256 MiB, so creating it is cheap while the
# digests still see real data; the page cache makes the numbers CPU-bound (digest + copy).
#
# Measured on the development machine (2 shared cores, release build, 2026-11-22):
#   2 GiB, sha256: pack 6.2-18.6 s (disk-bound, fsync), verify 2.0 s (~1 GB/s), unpack 9-11 s;
#                  max RSS 3.1-3.4 MiB in every step
#   9 GiB, sha1:   pack 77 s, verify 15.6 s (621 MB/s), unpack 35 s; max RSS 3.1-3.2 MiB;
#                  GNU tar lists the 9663676416-byte member (base-256 size field)
# Since 2026-12-06 (digest on a second thread, flushed along the way): see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

size_gib=${1:-4}
algorithm=${2:-sha256}
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is needed for max RSS" >&2
  exit 2
fi
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

bytes=$((size_gib * 1024 * 1024 * 1024))
mkdir -p "$work/src"
cat > "$work/src/bench.ovf" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:id="file1" ovf:href="disk.img" ovf:size="$bytes"/></References>
</Envelope>
XML
truncate -s "$bytes" "$work/src/disk.img"
for ((mib = 0; mib < size_gib * 1024; mib += 256)); do
  dd if=/dev/urandom of="$work/src/disk.img" bs=1M count=1 seek="$mib" conv=notrunc status=none
done

# run NAME CMD...: times CMD, prints wall seconds, MB/s over $bytes and max RSS.
run() {
  local name=$1
  shift
  local log="$work/$name.time"
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$log"
  end=$(date +%s.%N)
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  awk -v n="$name" -v s="$start" -v e="$end" -v b="$bytes" -v r="$rss" 'BEGIN {
    t = e - s; printf "%-7s %8.2f s  %9.1f MB/s  max RSS %7.1f MiB\n", n, t, b / t / 1e6, r / 1024 }'
}

echo "tern ova: ${size_gib} GiB disk, manifest $algorithm, binary $TERN"
# Baselines over the same bytes, in the same run: a plain copy flushed to disk like the OVA
# (`dd conv=fsync`), a copy left in the page cache (`cat`), and the digest alone. Pack reads
# each disk once, digesting while copying: its floor is the copy plus the digest.
cat "$work/src/bench.ovf" "$work/src/disk.img" >/dev/null # warm the page cache
run dd dd if="$work/src/disk.img" of="$work/dd.out" bs=256K conv=fsync status=none
rm -f "$work/dd.out"
run cat sh -c 'cat "$1" "$2" >"$3"' cat "$work/src/bench.ovf" "$work/src/disk.img" "$work/cat.out"
rm -f "$work/cat.out"
if command -v "${algorithm}sum" >/dev/null; then
  run digest "${algorithm}sum" "$work/src/disk.img"
fi
run pack "$TERN" ova pack "$work/src/bench.ovf" -o "$work/bench.ova" --manifest "$algorithm"
run verify "$TERN" ova verify "$work/bench.ova"
run unpack "$TERN" ova unpack "$work/bench.ova" -d "$work/out"
cmp "$work/src/disk.img" "$work/out/disk.img"
if command -v tar >/dev/null; then
  tar -tvf "$work/bench.ova" | sed 's/^/tar -tvf: /'
fi

# MEMBERS=N: an OVA of N tiny members (descriptor, manifest listing them all, N-2 files),
# verified and unpacked with --max-members N (the default limit is 10 000).
if [ -n "${MEMBERS:-}" ] && command -v python3 >/dev/null; then
  python3 - "$MEMBERS" "$work/many.ova" <<'PY'
import hashlib, io, sys, tarfile
n, out = int(sys.argv[1]), sys.argv[2]
names = [f"f{i:06}.img" for i in range(n - 2)]
ovf = (b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
       b'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>')
mf = f"SHA256(many.ovf)= {hashlib.sha256(ovf).hexdigest()}\n" + "".join(
    f"SHA256({m})= {hashlib.sha256(m.encode()).hexdigest()}\n" for m in names)
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    def add(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    add("many.ovf", ovf); add("many.mf", mf.encode())
    for m in names: add(m, m.encode())
PY
  echo "tern ova: $MEMBERS members"
  bytes=$(wc -c <"$work/many.ova") # MB/s over the archive
  run verify-n "$TERN" ova verify "$work/many.ova" --max-members "$MEMBERS"
  run unpack-n "$TERN" ova unpack "$work/many.ova" -d "$work/many" --max-members "$MEMBERS"
fi

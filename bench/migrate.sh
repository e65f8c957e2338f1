#!/usr/bin/env bash
# `tern migrate` of SIZE_GIB of disks between two local `tern serve` processes, against `cp` of
# the same files (then `sync`) in the same run: wall time, throughput, their ratio, and tern
# migrate's peak memory (max RSS from /usr/bin/time -v). The baseline is `cp --sparse=never`:
# the servers store every byte, so it writes every byte too.
#
# Usage: bench/migrate.sh [SIZE_GIB]
#   SIZE_GIB  disk bytes in all, split over the Hadoop sample's two disks (default 4)
#   BENCH_DIR scratch directory (default: a fresh mktemp -d, removed at the end unless KEEP=1)
#   TERN      the binary to measure (default: builds target/release/tern)
#   FORMAT    B's wanted disk format (default: none, the disks are streamed as they are;
#             `qcow2` adds the download, qemu-img convert and upload of each disk)
#
# The disks are sparse files with 1 MiB of random data every 64 MiB, uploaded to A's
# deployment's volumes;
# both servers keep their blobs on the same disk as `cp`'s copy. The migration is `--live-ok`
# (no action delays) and streams each disk through tern as one PUT (B refuses copies from
# another server), then reads B's copy back for the SHA-256: 3 x SIZE bytes cross the
# loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

size_gib=${1:-4}
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time (GNU time) is needed for max RSS" >&2
  exit 2
fi
if [ -z "${TERN:-}" ]; then
  cargo build --release --quiet --bin tern
  TERN=target/release/tern
fi
TERN=$(realpath "$TERN")
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# Starts a server in this shell (not in a `$(…)` subshell, which would lose its pid and
# leave it running after the bench) and waits for its address line.
serve() {
  local name=$1
  shift
  "$TERN" serve --listen 127.0.0.1:0 --data "$work/$name" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    if grep -q "listening on" "$work/$name.log" 2>/dev/null; then break; fi
    sleep 0.1
  done
}
address() { sed -n 's/^listening on //p' "$work/$1.log" | head -n 1; }
serve a
if [ -n "${FORMAT:-}" ]; then serve b --disk-format "$FORMAT"; else serve b; fi
a=$(address a)
b=$(address b)

half=$((size_gib * 1024 / 2))
mkdir -p "$work/src" "$work/cp"
for disk in system hdfs; do
  truncate -s "${half}M" "$work/src/$disk"
  for ((mib = 0; mib < half; mib += 64)); do
    dd if=/dev/urandom of="$work/src/$disk" bs=1M count=1 seek="$mib" conv=notrunc status=none
  done
done

# The import makes the deployment `hadoop`; its File hrefs are data objects of
# /volumes/hadoop/ (what its storages' tern.cdmi.uri name).
curl -sf -o /dev/null -X POST -H 'Content-Type: application/ovf+xml' \
  --data-binary @samples/ovf/hadoop-cluster.ovf "$a/"
for container in volumes/ volumes/hadoop/; do
  curl -sf -o /dev/null -X PUT -H 'X-CDMI-Specification-Version: 1.1.1' \
    -H 'Content-Type: application/cdmi-container' -d '{}' "$a/$container"
done
for disk in system hdfs; do
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    -T "$work/src/$disk" "$a/volumes/hadoop/hadoop-$disk.vmdk"
done

bytes=$((size_gib * 1024 * 1024 * 1024))
sync
start=$(date +%s.%N)
cp --sparse=never "$work/src/system" "$work/src/hdfs" "$work/cp/"
sync
end=$(date +%s.%N)
cp_s=$(echo "$end - $start" | bc -l)

start=$(date +%s.%N)
/usr/bin/time -v "$TERN" --quiet migrate --from "$a" --to "$b" --live-ok \
  --state "$work/state.json" --work-dir "$work" >"$work/migrate.out" 2>"$work/migrate.time" || {
  cat "$work/migrate.out" "$work/migrate.time" >&2
  exit 1
}
end=$(date +%s.%N)
tern_s=$(echo "$end - $start" | bc -l)
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/migrate.time")
grep -E '^(data|verify) ' "$work/migrate.out"

printf 'disks %d GiB: cp+sync %.2f s (%.0f MB/s); tern migrate %.2f s (%.0f MB/s); ratio %.2f; tern max RSS %.1f MiB\n' \
  "$size_gib" "$cp_s" "$(echo "$bytes / $cp_s / 1000000" | bc -l)" \
  "$tern_s" "$(echo "$bytes / $tern_s / 1000000" | bc -l)" \
  "$(echo "$cp_s / $tern_s" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

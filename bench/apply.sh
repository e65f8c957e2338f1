#!/usr/bin/env bash
# `tern apply` of an N-resource target (default 1000 networks) to an empty `tern serve`,
# beside the raw create rate the server sustains in the same run: the same N PUTs sent by
# `curl --parallel` (8 at a time, like apply's default --parallel) to a second empty server.
# Prints a Markdown table; BENCHMARKS.md records it.
#
# Usage: bench/apply.sh [N] [TERN_BINARY]   (default binary: target/release/tern, built if
# missing with `cargo build --release --bin tern`)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
tern=${2:-target/release/tern}
[ -x "$tern" ] || cargo build -q --release --bin tern
work=$(mktemp -d /tmp/tern-apply-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start() { # start DIR -> sets $url
  "$tern" serve --listen 127.0.0.1:0 --data "$1" >"$1.out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$1.out" 2>/dev/null || true)
    [ -n "$url" ] && return
    sleep 0.05
  done
  echo "server did not start" >&2; exit 2
}

python3 - "$n" "$work" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
kind = "http://schemas.ogf.org/occi/infrastructure#network"
res = [{"kind": kind, "id": f"n{i}", "attributes": {"occi.network.vlan": i % 4000}} for i in range(n)]
json.dump({"resources": res}, open(f"{work}/target.json", "w"))
with open(f"{work}/curl.cfg", "w") as f:
    for i, r in enumerate(res):
        if i:
            f.write("next\n")
        body = json.dumps(r).replace('\\', '\\\\').replace('"', '\\"')
        f.write(f'url = "URL/network/{r["id"]}"\nrequest = "PUT"\n')
        f.write('header = "Content-Type: application/occi+json"\n')
        f.write(f'data = "{body}"\noutput = "/dev/null"\n')
PY

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,t=int(sys.argv[1]),float(sys.argv[2]); print(f'{t:.2f} s | {n/t:.0f}')" "$@"; }

start "$work/a"
sed -i "s#URL#$url#" "$work/curl.cfg"
t0=$(now)
curl -s --no-progress-meter --parallel --parallel-max 8 -K "$work/curl.cfg"
t1=$(now)
raw=$(python3 -c "print(float('$t1')-float('$t0'))")
count=$(curl -s -H 'Accept: text/uri-list' "$url/network/?number=10000" | grep -c network || true)

start "$work/b"
t0=$(now)
"$tern" --format json apply --endpoint "$url" --auto-approve --parallel 8 "$work/target.json" >"$work/report.json"
t1=$(now)
applied=$(python3 -c "print(float('$t1')-float('$t0'))")
calls=$(python3 -c "import json; print(len(json.load(open('$work/report.json'))['calls']))")

echo "| what | N | entities after | HTTP calls | time | per second |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| raw PUT creates (curl --parallel 8) | $n | $count | $n | $(rate "$n" "$raw") creates/s |"
echo "| tern apply --parallel 8 (extract + plan + execute) | $n | | $calls | $(rate "$calls" "$applied") calls/s |"

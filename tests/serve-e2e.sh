#!/usr/bin/env bash
# End to end: `tern serve` driven with curl exactly as README.md's "Run a provider" shows.
# Usage: tests/serve-e2e.sh [PATH-TO-TERN]   (run by `cargo test --test serve`)
set -euo pipefail

TERN=${1:-tern}
command -v curl >/dev/null || { echo "serve-e2e: curl is required (apt-get install curl)" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "serve-e2e: $*" >&2; exit 1; }

"$TERN" serve --listen 127.0.0.1:0 --data "$work/data" >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 100); do
    [ -s "$work/out" ] && break
    sleep 0.05
done
TERN_URL=$(sed -n 's/^listening on //p' "$work/out" | head -n1)
[ -n "$TERN_URL" ] || fail "no address printed: $(cat "$work/out" "$work/err")"

# Create a compute in text/plain; the Location header names it.
loc=$(curl -sS -D - -o /dev/null -X POST "$TERN_URL/compute/" \
    -H 'Content-Type: text/plain' \
    --data-binary $'Category: compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"\nX-OCCI-Attribute: occi.core.title="web", occi.compute.cores=2\n' \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ -n "$loc" ] || fail "no Location for the text/plain create"

# Create one in JSON.
json=$(curl -sS -X POST "$TERN_URL/compute/" \
    -H 'Content-Type: application/occi+json' -H 'Accept: application/occi+json' \
    -d '{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.cores": 4, "occi.compute.memory": 8.0}}')
echo "$json" | grep -q '"occi.compute.state": "inactive"' || fail "JSON create: $json"

# Start it, then stop it with an action.
curl -sS -X POST "$loc?action=start" | grep -q 'occi.compute.state="active"' || fail "start"
curl -sS -X POST "$loc?action=stop" | grep -q 'occi.compute.state="inactive"' || fail "stop"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$loc?action=stop")
[ "$code" = 409 ] || fail "stopping a stopped compute answered $code, not 409"

# List.
n=$(curl -sS -H 'Accept: text/uri-list' "$TERN_URL/compute/" | grep -c '^http')
[ "$n" = 2 ] || fail "listed $n computes, not 2"
curl -sS "$TERN_URL/compute/" | grep -q "X-OCCI-Location: ${loc#"$TERN_URL"}" || fail "text/plain list"

# The query interface, and a graceful stop.
curl -sS -I "$TERN_URL/-/" | tr -d '\r' | grep -qi '^server: tern OCCI/1.2' || fail "Server header"
kill -TERM "$server"
wait "$server" || fail "tern serve did not exit cleanly on SIGTERM"
server=""
echo "serve-e2e: ok"

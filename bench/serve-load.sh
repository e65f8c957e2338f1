#!/usr/bin/env bash
# `tern serve` under load on loopback beside a bare axum handler in the same run: GET of one
# compute in JSON and POST creates (requests/s, p50, p99), then the process RSS after
# 100 000 entities and the GET again. wrk is not on the machine: the load generator is the
# Rust one in crates/server/benches/load.rs (keep-alive HTTP/1.1 connections on tokio).
# Prints a Markdown table; BENCHMARKS.md records it.
#
# Usage: bench/serve-load.sh [--seconds N] [--connections N] [--entities N]
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -q -p tern-server --bench load -- "$@"

#!/usr/bin/env bash
# Growth of time and peak memory with input size for the shapes that used to be quadratic:
# one entity with 10k–200k attributes (model, text/plain, pretty and minified JSON, and serde_json::Value
# on the same bytes as the baseline), OCCI JSON collections of 1k/10k resources minified and
# pretty (same baseline), one entity with 10k–200k categories rendered and read as text/occi
# headers and text/plain, topology pairs of 100–50 000 resources for the default strategy,
# and the similarity strategy up to its bound. Each row runs in a process of its own, so its
# peak RSS is its own (generation of the input included, not timed). Prints a Markdown
# table; BENCHMARKS.md records it.
#
# Usage: bench/scale.sh [attributes|collections|ratio|categories|topology|similarity ...]   (default: all)
# Generator and measurements: crates/engine/benches/scale.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -q -p tern-engine --bench scale -- "$@"

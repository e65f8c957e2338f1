#!/usr/bin/env bash
# Fuzz smoke: every target of fuzz/Cargo.toml for a short while (30 s each by default),
# seeded from the repository's samples, with libFuzzer. Not part of CI: it needs a nightly
# toolchain. With cargo-fuzz installed it runs `cargo fuzz run`; without, it builds each
# target with the same instrumentation flags cargo-fuzz uses and runs the binary.
#
# Usage: fuzz/smoke.sh [TARGET...]          (default: every target)
#   FUZZ_SECONDS=30   time per target
#   FUZZ_JOBS=1       libFuzzer workers per target (-fork)
#
# The corpus grows in fuzz/corpus/TARGET (kept between runs, so each run starts where the
# last stopped); crashes and timeouts land in fuzz/artifacts/TARGET/. Prints one line per
# target (executions, execs/s, corpus size, result) and exits 1 when a target failed.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-30}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz/smoke.sh: a nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi

all=$(sed -n '/^\[\[bin\]\]/{n;s/^name = "\(.*\)"/\1/p}' Cargo.toml)
if [ "$#" -gt 0 ]; then targets="$*"; else targets=$all; fi

# Seeds: the samples a target reads, copied into its corpus the first time.
seeds() {
  case $1 in
    occi_text) find ../samples/occi -name '*.txt' -o -name '*.hdr' -o -name '*.uri' ;;
    occi_json) find ../samples/occi ../samples/topologies ../samples/migration -name '*.json' ;;
    ovf_reader | ovf2occi) find ../samples/ovf -name '*.ovf' ;;
    cdmi_body) find ../samples/cdmi -name '*.json' ;;
    *) ;;
  esac
}

host=$(rustc +nightly -vV | sed -n 's/^host: //p')
flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
use_cargo_fuzz=false
if cargo +nightly fuzz --version >/dev/null 2>&1; then use_cargo_fuzz=true; fi

summary=()
failed=0
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  if [ -z "$(ls -A "corpus/$t")" ]; then
    seeds "$t" | while read -r f; do cp "$f" "corpus/$t/seed-$(basename "$f")"; done
  fi
  args=(-max_total_time="$seconds" -artifact_prefix="artifacts/$t/" -print_final_stats=1)
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then args+=(-fork="$FUZZ_JOBS"); fi
  log="artifacts/$t/smoke.log"
  echo "== $t ($seconds s)"
  set +e
  if $use_cargo_fuzz; then
    (cd .. && cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- "${args[@]}") >"$log" 2>&1
  else
    RUSTFLAGS="$flags" cargo +nightly build -q --manifest-path Cargo.toml --release \
      --target "$host" --bin "$t" &&
      "target/$host/release/$t" "${args[@]}" "corpus/$t" >"$log" 2>&1
  fi
  status=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  size=$(find "corpus/$t" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status, see $log)"
    failed=1
    grep -m 3 -E "panicked|ERROR|SUMMARY" "$log" || true
  fi
  summary+=("$(printf '%-14s %12s runs %8s/s %6s inputs  %s' "$t" "${runs:-?}" "${rate:-?}" "$size" "$result")")
done

echo
echo "target            executions     rate  corpus  result"
printf '%s\n' "${summary[@]}"
exit $failed

#!/usr/bin/env bash
# Run one fuzz target for a bounded time: fuzz/run.sh <target> <seconds> [libFuzzer flags...]
# The committed seeds in fuzz/corpus/<target> are read only; new inputs go to
# build-fuzz/corpus/<target>, crashing inputs to build-fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
seconds=$2
shift 2
build=${FUZZ_BUILD_DIR:-build-fuzz}
dict=()
case $target in
  fuzz_extract_json) dict=(-dict=fuzz/cloudtrail.dict) ;;
  fuzz_manifest) dict=(-dict=fuzz/manifest.dict) ;;
esac
mkdir -p "$build/corpus/$target" "$build/artifacts/$target"
exec "$build/fuzz/$target" "$build/corpus/$target" "fuzz/corpus/$target" "${dict[@]}" \
  -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "$@"

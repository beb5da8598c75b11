# adxmetrics — every target does its own set-up from a fresh clone:
# bootstrap (packages, DuckDB) -> configure -> build -> run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_extract fuzz_extract_json fuzz_manifest fuzz_manifest_entry

.PHONY: all bootstrap configure build demo test test-asan test-tsan fuzz clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo needs only the CLI: it does not wait for the test suite to compile.
demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target adxmetrics
	@$(BUILD_DIR)/adxmetrics demo --dir $(BUILD_DIR)/demo

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-tsan

# Unit and integration tests under ASan + UBSan in build-asan/ (CMakePresets.json "asan"); the
# slow tests run only in the default build. Builds just the test binary and the CLI it drives.
test-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build build-asan -j $(JOBS) --target adxm_tests
	@ctest --preset asan -j $(JOBS)

# The ingest and warehouse tests (threaded: extraction pool, background commit writer) under
# ThreadSanitizer in build-tsan/ (preset "tsan"). Builds only that part of the test binary.
test-tsan: bootstrap
	@cmake --preset tsan >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target adxm_tests
	@ctest --preset tsan -j $(JOBS)

# Each libFuzzer target for FUZZ_SECONDS with clang in build-fuzz/ (preset "fuzz"); fuzz/README.md.
fuzz:
	@scripts/bootstrap clang libclang-rt-14-dev
	@cmake --preset fuzz >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do fuzz/run.sh $$target $(FUZZ_SECONDS) || exit 1; done

# Benchmarks (docs/performance.md): BENCH_ARGS="--events 200000,2000000" for the large bucket too.
.PHONY: bench
bench: build
	@$(BUILD_DIR)/bench/adxm_bench $(BENCH_ARGS)

# Dashboard API latency at 50 clients, first view and page load (docs/performance.md, "Dashboard API"),
# on the query bench's 10M-event dataset (synthesized on first use). BENCH_API_ARGS="--runs 3" etc.
.PHONY: bench-api
bench-api: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target adxmetrics adxm_bench_query
	@node bench/api_bench.mjs --adxmetrics $(BUILD_DIR)/adxmetrics --warehouse $(BUILD_DIR)/bench-work/query-10m $(BENCH_API_ARGS)

# Ingest from S3 (docs/performance.md, "S3: ingest from a bucket"): the bench bucket in s3rver vs
# `aws s3 sync`, and the daily run over a 2M-object history (listing server). BENCH_S3_ARGS="--runs 5" etc.
.PHONY: bench-s3
bench-s3: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target adxmetrics adxm_bench_manifest
	@node bench/s3_bench.mjs --adxmetrics $(BUILD_DIR)/adxmetrics --bench-manifest $(BUILD_DIR)/bench/adxm_bench_manifest $(BENCH_S3_ARGS)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz

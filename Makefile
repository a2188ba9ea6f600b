# edgestat — see README.md. Every target installs what it needs first.
BUILD     ?= build
BUILDTYPE ?= RelWithDebInfo
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=

# Sanitizer and fuzz builds live in their own directories (git-ignored).
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
# `make fuzz`: seconds per target; `make test` runs each for FUZZ_SMOKE_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
# -O1 without NDEBUG: asserts stay on, sanitizer reports stay readable.
SAN_CMAKE = -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 $(CMAKE_FLAGS)

.PHONY: all deps build run test check clean test-asan test-tsan fuzz fuzz-smoke

all: build

deps:
	@sh toolchains/deps.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILDTYPE) -DEDGESTAT_WERROR=ON $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Foreground, embedded default config (or /etc/edgestat/edgestat.conf).
run: build
	./$(BUILD)/edgestat $(ARGS)

# Everything: the ASan+UBSan suite, the TSan stress, a short run of every
# fuzz target, then the plain suite, whose ctest summary line ends the
# output whatever happened before; any failed stage fails the target.
test: build
	@failed=""; \
	$(MAKE) --no-print-directory test-asan || failed="$$failed test-asan"; \
	$(MAKE) --no-print-directory test-tsan || failed="$$failed test-tsan"; \
	$(MAKE) --no-print-directory fuzz-smoke || failed="$$failed fuzz-smoke"; \
	[ -z "$$failed" ] || echo "make test: FAILED:$$failed (reports above)"; \
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) || failed="$$failed ctest"; \
	[ -z "$$failed" ]

# The unit and e2e suites on an ASan+UBSan build (first report is fatal).
$(ASAN_BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(ASAN_BUILD) -DEDGESTAT_SANITIZE=address $(SAN_CMAKE)

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L 'unit|e2e' -j$(JOBS)

# The two-thread code (SPSC ring, records writer) under TSan.
$(TSAN_BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(TSAN_BUILD) -DEDGESTAT_SANITIZE=thread $(SAN_CMAKE)

test-tsan: deps $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target edgestat_tsan_tests ring_stress
	cd $(TSAN_BUILD) && ctest --output-on-failure -L tsan

# Every libFuzzer target for FUZZ_SECONDS each (clang; tests/fuzz/run_all.sh).
fuzz: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run_all.sh

fuzz-smoke: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run_all.sh

# Fast: unit tests only.
check: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)

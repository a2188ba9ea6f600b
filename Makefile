# edgestat — see README.md. Every target installs what it needs first.
BUILD     ?= build
BUILDTYPE ?= RelWithDebInfo
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test check clean

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# Fast: unit tests only.
check: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

clean:
	rm -rf $(BUILD)

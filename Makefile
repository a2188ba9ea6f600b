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

.PHONY: all deps build run test check clean test-asan test-tsan fuzz fuzz-smoke cross test-cross test-qemu ipk deb dist \
	image test-image sizes cross-notls cross-lean test-packages test-lean

# Static musl builds with zig (toolchains/README.md): `make cross TARGET=aarch64`.
TARGET       ?= aarch64
ALL_TARGETS  ?= x86_64 aarch64 armv7 armv6 mipsel mips
# The qemu proof `make test` runs; `make test-qemu QEMU_TARGETS="..."` for more.
QEMU_TARGETS ?= aarch64 armv6 mipsel
# Bootable test images (Debian kernel + busybox + the agent) under
# qemu-system: the architectures Debian has a kernel for. mips (big endian)
# and armv6 have none and stay on qemu-user (test-qemu).
IMAGE_TARGETS ?= aarch64 armv7 mipsel
IMAGE_BUILD    = build-image-$(TARGET)
# Build variants (README "Size"), `make cross TARGET=... VARIANT=NAME`
# into build-TARGET-NAME; empty: the full build in build-TARGET.
#   notls  no HTTPS server or client (LAN-only routers): make cross-notls
#   lean   the OpenWrt-style basic package: no autoscaler, no push
#          exporter, no lxc collector; TLS stays. Refuses configs that use them.
VARIANT      ?=
VARIANT_FLAGS_notls = -DEDGESTAT_TLS=OFF -DEDGESTAT_TESTS=OFF
VARIANT_FLAGS_lean  = -DEDGESTAT_AUTOSCALE=OFF -DEDGESTAT_EXPORT=OFF -DEDGESTAT_LXC=OFF -DEDGESTAT_TESTS=OFF
VARIANTS      = notls lean
CROSS_BUILD   = build-$(TARGET)$(if $(VARIANT),-$(VARIANT))
# The native lean build make test-lean checks (tests/e2e/build_features.sh).
LEAN_BUILD   ?= build-lean
DIST         ?= dist
VERSION      := $(shell grep -m1 -o 'edgestat VERSION [0-9.]*' CMakeLists.txt | cut -d' ' -f3)
# Package architecture names (platform/README.md).
OPENWRT_ARCH_x86_64  = x86_64
OPENWRT_ARCH_aarch64 = aarch64_cortex-a53
OPENWRT_ARCH_armv7   = arm_cortex-a7_neon-vfpv4
OPENWRT_ARCH_armv6   = arm_arm1176jzf-s_vfp
OPENWRT_ARCH_mipsel  = mipsel_24kc
OPENWRT_ARCH_mips    = mips_24kc
DEBARCH_x86_64  = amd64
DEBARCH_aarch64 = arm64
DEBARCH_armv6   = armhf
OPENWRT_ARCH ?= $(OPENWRT_ARCH_$(TARGET))
DEBARCH      ?= $(DEBARCH_$(TARGET))

all: build

deps:
	@sh toolchains/deps.sh

# cmake leaves an unchanged cache untouched: touch it, or every make
# would configure again.
$(BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILDTYPE) -DEDGESTAT_WERROR=ON $(CMAKE_FLAGS)
	touch $@

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
	$(MAKE) --no-print-directory test-qemu || failed="$$failed test-qemu"; \
	$(MAKE) --no-print-directory test-image || failed="$$failed test-image"; \
	$(MAKE) --no-print-directory test-packages || failed="$$failed test-packages"; \
	$(MAKE) --no-print-directory test-lean || failed="$$failed test-lean"; \
	[ -z "$$failed" ] || echo "make test: FAILED:$$failed (reports above)"; \
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) || failed="$$failed ctest"; \
	[ -z "$$failed" ]

# The unit and e2e suites on an ASan+UBSan build (first report is fatal).
# Left out: the packaging tests (they check shell scripts and package
# files, and refuse the sanitizer-linked binary as a payload) and the LXC
# system test (its cost is lxc-create, not our code); every daemon path
# they drive is also driven by the e2e tests that do run here.
ASAN_EXCLUDE ?= packaging_|lxc_system
$(ASAN_BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(ASAN_BUILD) -DEDGESTAT_SANITIZE=address $(SAN_CMAKE)
	touch $@

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L 'unit|e2e' -E '$(ASAN_EXCLUDE)' -j$(JOBS)

# The two-thread code (SPSC ring, records writer) under TSan.
$(TSAN_BUILD)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(TSAN_BUILD) -DEDGESTAT_SANITIZE=thread $(SAN_CMAKE)
	touch $@

test-tsan: deps $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target edgestat_tsan_tests ring_stress
	cd $(TSAN_BUILD) && ctest --output-on-failure -L tsan

# Every libFuzzer target for FUZZ_SECONDS each (clang; tests/fuzz/run_all.sh).
fuzz: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run_all.sh

fuzz-smoke: deps
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run_all.sh

# One static, stripped binary for TARGET in build-TARGET/edgestat
# (VARIANT=lean|notls: build-TARGET-VARIANT/edgestat, see VARIANT above).
cross: deps
	@case "$(VARIANT)" in ""|notls|lean) ;; *) echo "VARIANT must be empty, notls or lean, not '$(VARIANT)'"; exit 2;; esac
	bash toolchains/build-deps.sh $(TARGET)
	cmake -S . -B $(CROSS_BUILD) -DCMAKE_TOOLCHAIN_FILE=toolchains/$(TARGET).cmake \
	  -DCMAKE_BUILD_TYPE=MinSizeRel -DEDGESTAT_WERROR=ON $(VARIANT_FLAGS_$(VARIANT))
	cmake --build $(CROSS_BUILD) -j$(JOBS) --target edgestat

# The same without TLS (LAN-only routers): no mbedTLS SSL/X.509 linked.
cross-notls:
	$(MAKE) --no-print-directory cross VARIANT=notls

# The lean variant (no autoscaler, exporter or lxc collector).
cross-lean:
	$(MAKE) --no-print-directory cross VARIANT=lean

# A native lean build and its checks: the default config starts, each
# part left out is refused with its file:line (tests/e2e/build_features.sh,
# which ctest runs on the full build too).
# The unit tests need every part, so this build has none; the full
# build's suite covers the code both share.
test-lean: deps
	cmake -S . -B $(LEAN_BUILD) -DCMAKE_BUILD_TYPE=$(BUILDTYPE) -DEDGESTAT_WERROR=ON $(VARIANT_FLAGS_lean) $(CMAKE_FLAGS)
	cmake --build $(LEAN_BUILD) -j$(JOBS) --target edgestat
	EDGESTAT_EXPECT_FEATURES=tls bash tests/e2e/build_features.sh $(CURDIR)/$(LEAN_BUILD)/edgestat $(CURDIR)

# A bootable image for TARGET (platform/image/build-image.sh) in build-image-TARGET/.
image: cross
	sh platform/image/build-image.sh $(TARGET) $(CROSS_BUILD)/edgestat $(IMAGE_BUILD)

# Every IMAGE_TARGETS image booted under qemu-system and checked from the
# host (tests/image/boot_test.sh), then a time report.
test-image:
	@rm -f build-image-report.txt; failed=""; start=$$(date +%s); \
	for t in $(IMAGE_TARGETS); do \
	  t0=$$(date +%s); \
	  $(MAKE) --no-print-directory image TARGET=$$t || { failed="$$failed $$t(build)"; continue; }; \
	  t1=$$(date +%s); \
	  IMAGE_REPORT=$(CURDIR)/build-image-report.txt bash tests/image/boot_test.sh build-image-$$t $$t || failed="$$failed $$t"; \
	  echo "test-image $$t: build $$((t1 - t0)) s, boot and checks $$(($$(date +%s) - t1)) s"; \
	done; \
	echo "test-image: $$(($$(date +%s) - start)) s for$(foreach t,$(IMAGE_TARGETS), $(t))"; \
	[ ! -f build-image-report.txt ] || awk '{ printf "  %-8s qemu start to first /metrics: %s s, agent RSS %d KiB\n", $$1, $$2, $$3 / 1024 }' build-image-report.txt; \
	[ -z "$$failed" ] || { echo "test-image: FAILED:$$failed"; exit 1; }

# What needs the static x86_64 build: lintian on the .deb made from it, and
# the container image (FROM scratch) built and run with podman.
test-packages:
	$(MAKE) --no-print-directory cross TARGET=x86_64
	bash tests/packaging/lintian.sh build-x86_64/edgestat $(CURDIR)
	bash tests/container/podman_test.sh build-x86_64/edgestat $(CURDIR)

# TARGET's unit tests and fixture goldens, under qemu-user.
test-cross: cross
	cmake --build $(CROSS_BUILD) -j$(JOBS)
	cd $(CROSS_BUILD) && ctest --output-on-failure -j$(JOBS)

test-qemu:
	@for t in $(QEMU_TARGETS); do $(MAKE) --no-print-directory test-cross TARGET=$$t || exit 1; done

ipk: cross
	sh platform/openwrt/build-ipk.sh $(CROSS_BUILD)/edgestat $(OPENWRT_ARCH) $(VERSION) $(DIST)

deb: cross
	@[ -n "$(DEBARCH)" ] || { echo "no Debian architecture for $(TARGET) (amd64: x86_64, arm64: aarch64, armhf: armv6)"; exit 1; }
	sh platform/linux/build-deb.sh $(CROSS_BUILD)/edgestat $(DEBARCH) $(VERSION)-1 $(DIST)

# Every target's binary and packages into dist/: per target the .ipk, the
# .deb where Debian has the architecture, and a tarball with the binary,
# install.sh, the systemd unit, the sysvinit script and its defaults, the
# logrotate file and the config; SHA256SUMS; then the size table, which
# fails the build when a binary is over its budget (sizes below).
dist:
	@mkdir -p $(DIST)
	@for t in $(ALL_TARGETS); do \
	  $(MAKE) --no-print-directory ipk TARGET=$$t || exit 1; \
	  $(MAKE) --no-print-directory cross-notls TARGET=$$t || exit 1; \
	  $(MAKE) --no-print-directory cross-lean TARGET=$$t || exit 1; \
	  cp build-$$t/edgestat $(DIST)/edgestat-$(VERSION)-linux-$$t; \
	  sh platform/linux/build-tarball.sh build-$$t/edgestat $$t $(VERSION) $(DIST) || exit 1; \
	  case $$t in x86_64|aarch64|armv6) $(MAKE) --no-print-directory deb TARGET=$$t || exit 1;; esac; \
	done
	@cd $(DIST) && rm -f SHA256SUMS && sha256sum edgestat-* *.ipk *.deb > SHA256SUMS
	@$(MAKE) --no-print-directory sizes SIZES_REQUIRE=--require

# The size table and the footprint budgets: each stripped static binary
# against its named budget in toolchains/size-budgets (with TLS 600 KiB for
# ARM/x86_64, 800 KiB for MIPS o32; without TLS 450/600; the lean variant
# its own row). Fails when one is
# over; `make dist` also fails when one is missing (SIZES_REQUIRE=--require).
# toolchains/sizes.sh TARGET prints what each part costs.
SIZES_REQUIRE ?=
sizes:
	@sh toolchains/check-sizes.sh $(SIZES_REQUIRE) $(ALL_TARGETS)

# Fast: unit tests only.
check: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) $(addprefix build-,$(ALL_TARGETS)) \
	  $(foreach v,$(VARIANTS),$(addsuffix -$(v),$(addprefix build-,$(ALL_TARGETS)))) $(LEAN_BUILD) \
	  $(addprefix build-image-,$(IMAGE_TARGETS)) $(DIST)

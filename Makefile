# SwiftEAL: the user's entry points. See README.md.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include/swifteal
PCDIR ?= $(LIBDIR)/pkgconfig
SWIFT ?= swift
SWIFT_RELEASE = -c release -Xswiftc -static-stdlib
LIB = .build/release/libswifteal.so
STAGE = $(CURDIR)/.build/stage

.PHONY: all build deps hugepages install install-compat uninstall demo check swift-test c-test bench faults fuzz clean stage sanitize asan-lib soak

all: build

build:
	$(SWIFT) build $(SWIFT_RELEASE)

deps:
	@scripts/deps.sh

hugepages:
	@scripts/hugepages.sh

install: build
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PCDIR)
	install -m 0755 $(LIB) $(DESTDIR)$(LIBDIR)/libswifteal.so
	strip --strip-debug $(DESTDIR)$(LIBDIR)/libswifteal.so
	install -m 0644 include/*.h $(DESTDIR)$(INCDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCDIR@|$(INCDIR)|g' \
		pkgconfig/libswifteal.pc.in > $(DESTDIR)$(PCDIR)/libswifteal.pc
	-[ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ldconfig 2>/dev/null || true

# SwiftEAL standing in for DPDK's EAL: COMPATDIR gets librte_eal.so.23 -> the installed
# libswifteal.so, so `LD_LIBRARY_PATH=$(COMPATDIR) <program built for DPDK 22.11>` runs
# on SwiftEAL (DPDK's other libraries and drivers load it as their librte_eal.so.23).
install-compat:
	@[ -n "$(COMPATDIR)" ] || { echo "usage: make install-compat COMPATDIR=<directory> [PREFIX=...]"; exit 2; }
	@$(MAKE) --no-print-directory install
	install -d $(DESTDIR)$(COMPATDIR)
	ln -sfn $(LIBDIR)/libswifteal.so $(DESTDIR)$(COMPATDIR)/librte_eal.so.23

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libswifteal.so $(DESTDIR)$(PCDIR)/libswifteal.pc
	rm -rf $(DESTDIR)$(INCDIR)

# A private install under .build/stage, used by the examples and the benchmark.
stage: build
	@$(MAKE) --no-print-directory install PREFIX=$(STAGE) > /dev/null

# The examples stage SwiftEAL themselves (examples-c/check.sh) and run on it and on DPDK.
demo: deps
	@scripts/hugepages.sh || true
	@$(MAKE) --no-print-directory -C examples-c run

check: deps
	@scripts/check.sh

# The whole fault-injection walk of Tests/c/test_faults.c: every call of every kind in
# every memory mode, a secondary's too, a retry after each (make check walks the first
# call of each site in each phase). Long: see the README.
faults: build
	@SWIFTEAL_FAULTS_FULL=1 CTEST_TIMEOUT=$${CTEST_TIMEOUT:-14400} Tests/c/run.sh test_faults

# libFuzzer over the option parser, the value parsers, fbarray, malloc/memzone and rte_mp
# decoding (Tests/fuzz/run.sh): a bounded run, three minutes by default after the build;
# FUZZ_TIME=<seconds per target> or FUZZ_RUNS=<executions per target> for longer ones.
fuzz: deps
	@Tests/fuzz/run.sh

# The Swift tests under TSan and ASan, the C suite against an ASan libswifteal.so
# (scripts/sanitize.sh; PARTS="tsan asan c-asan" picks some, FILTER a C-suite name).
sanitize: deps
	@scripts/sanitize.sh $(PARTS) $(if $(FILTER),-- $(FILTER))

# libswifteal.so with AddressSanitizer, in .build/asan/release (load it with the
# toolchain's libclang_rt.asan-x86_64.so preloaded).
asan-lib:
	$(SWIFT) build -c release --scratch-path .build/asan --sanitize=address

# The soak (Tests/soak/run.sh): a primary on lcores 0-1 and a secondary mixing malloc,
# memzones, fbarrays, alarms and interrupts on every lcore, the heap validated all along,
# for SOAK_TIME seconds (default 600); a line a minute and a PASS/FAIL verdict. Not in check.
soak: build
	@Tests/soak/run.sh

bench: deps stage
	@PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig bench/run.sh

clean:
	rm -rf .build Tests/c/out Tests/c/out-asan bench/out examples-c/out

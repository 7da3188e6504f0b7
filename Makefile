# SPDX-License-Identifier: MIT
# armjit — top-level entry points.  Everything is built with CMake under build/.
#   make check   install missing deps, build host (gcc and clang) + armhf +
#                armel, run all tests
#   make demo    run the tutorial, example traces and programs (under qemu-arm
#                on x86), then boot a bare-metal image on qemu-system-arm
#   make fuzz    random differential tests: make fuzz SEED=42 N=10000
#   make fuzz-mc the same for the method compiler: make fuzz-mc SEED=42 N=10000
#   make bench   benchmarks (markdown table)
#   make install PREFIX=/usr/local [BUILD=release|armhf|armel]

JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
SEED    ?= $(shell date +%s)
N       ?= 5000
MACHINE := $(shell uname -m)
CMAKE   ?= cmake
CTEST   ?= ctest

# On an ARM host the hard-float build is native: no toolchain file, no qemu.
ifneq ($(filter arm%,$(MACHINE)),)
  ARMHF_TC :=
  RUN_ARMHF :=
else
  ARMHF_TC := -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/arm-linux-gnueabihf.cmake
  RUN_ARMHF := qemu-arm -L /usr/arm-linux-gnueabihf -E LD_LIBRARY_PATH=/usr/arm-linux-gnueabihf/lib
endif
ARMEL_TC := -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/arm-linux-gnueabi.cmake

.PHONY: all deps host host-clang armhf armel check check-host check-host-clang \
        check-armhf check-armel \
        summary demo fuzz fuzz-mc bench clean

all: host host-clang armhf armel

deps:
	@bash scripts/deps.sh

build/host/Makefile: | deps
	$(CMAKE) -S . -B build/host -DCMAKE_BUILD_TYPE=Debug -DARMJIT_SANITIZE=ON
# The same host build with clang: its UBSan checks what gcc's does not
# (pointer arithmetic on NULL, for one), and -Werror holds its warnings.
build/host-clang/Makefile: | deps
	CC=clang $(CMAKE) -S . -B build/host-clang -DCMAKE_BUILD_TYPE=Debug -DARMJIT_SANITIZE=ON
build/armhf/Makefile: | deps
	$(CMAKE) -S . -B build/armhf -DCMAKE_BUILD_TYPE=RelWithDebInfo $(ARMHF_TC)
build/armel/Makefile: | deps
	$(CMAKE) -S . -B build/armel -DCMAKE_BUILD_TYPE=RelWithDebInfo $(ARMEL_TC)

host: build/host/Makefile
	$(CMAKE) --build build/host -j $(JOBS)
host-clang: build/host-clang/Makefile
	$(CMAKE) --build build/host-clang -j $(JOBS)
armhf: build/armhf/Makefile
	$(CMAKE) --build build/armhf -j $(JOBS)
armel: build/armel/Makefile
	$(CMAKE) --build build/armel -j $(JOBS)

check-host: host
	cd build/host && $(CTEST) --output-on-failure -j $(JOBS)
check-host-clang: host-clang
	cd build/host-clang && $(CTEST) --output-on-failure -j $(JOBS)
check-armhf: armhf
	cd build/armhf && $(CTEST) --output-on-failure -j $(JOBS)
check-armel: armel
	cd build/armel && $(CTEST) --output-on-failure -j $(JOBS)

check: deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory check-host && \
	$(MAKE) --no-print-directory check-host-clang && \
	$(MAKE) --no-print-directory check-armhf && \
	$(MAKE) --no-print-directory check-armel && \
	$(MAKE) --no-print-directory summary && \
	echo "make check: host (gcc, clang), armhf and armel passed in $$(( $$(date +%s) - start )) s"

# The totals the tests print (ctest keeps the output of passing tests in
# its log only).
SUMMARY_RE := ^(encoders covered|encodings compared|mismatches|relocations:|relocation mismatches|random traces|random IR|random GC|calling-convention cases|regression traces|tinyvm:|bf:|recovery:|bridge sets)
summary:
	@for b in host host-clang armhf armel; do \
	  f=build/$$b/Testing/Temporary/LastTest.log; \
	  if [ -f $$f ]; then echo "== $$b"; \
	    awk '/^[0-9]+\/[0-9]+ Testing: /{t=$$3} /$(SUMMARY_RE)/ && !/ s cpu$$/{print "  " t ": " $$0} \
	         /^bare-metal [^ ]+: passed in [0-9]+ ms/{bm++; ms+=$$5} /^bare-metal [^ ]+: skipped/{bs++} \
	         END{if (bm+bs) printf "  baremetal: bare-metal images: %d passed on qemu-system-arm (%d ms of emulation), %d skipped\n", bm, ms, bs}' $$f; fi; \
	done

# Only the programs the demo runs; compiler errors still reach stderr.
demo: deps build/armhf/Makefile
	@echo "building the tutorial, the armjit CLI and the examples (armhf)..."
	@$(CMAKE) --build build/armhf -j $(JOBS) --target tutorial armjit-cli tinyvm bf >/dev/null
	@bash scripts/demo.sh build/armhf "$(RUN_ARMHF)"

fuzz: deps armhf armel
	@bash scripts/fuzz.sh "$(SEED)" "$(N)"

# Random method-IR modules (tests/support/mc_gen.h) compiled vs interpreted,
# in both ABIs: make fuzz-mc SEED=42 N=10000 (per allocation mode).
fuzz-mc: deps armhf armel
	@for b in armhf armel; do \
	  echo "== $$b"; \
	  (cd build/$$b && ARMJIT_COUNT=$(N) ARMJIT_SEED=$(SEED) $(CTEST) -R '^arm_mc_random$$' \
	     -V | grep -E "random IR|MISMATCH|tests passed|tests failed") || exit 1; \
	done

bench: deps build/armhf/Makefile
	@bash bench/run.sh build/armhf "$(RUN_ARMHF)"

# Headers, libarmjit.a and .so, the CLI, armjit.pc and the CMake package.
# BUILD=release (default): this machine's optimised build, no tests; armhf
# or armel: the ARM build, for an ARM system's root.
.PHONY: release install
PREFIX ?= /usr/local
BUILD  ?= release
build/release/Makefile: | deps
	$(CMAKE) -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DARMJIT_TESTS=OFF
release: build/release/Makefile
	$(CMAKE) --build build/release -j $(JOBS)
install: $(BUILD)
	$(CMAKE) --install build/$(BUILD) --prefix $(PREFIX)

clean:
	rm -rf build

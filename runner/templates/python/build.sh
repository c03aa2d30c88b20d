#!/usr/bin/env bash
# Builds {{name}}.py into build/{{name}}.wasm with the pinned componentize-py
# that `make python-toolchain` installs in the hook-runner repository.
#
# Environment:
#   HOOK_RUNNER_SDK  the repository's guest-sdk folder (default: the one
#                    `hook-runner new` was given)
#   COMPONENTIZE_PY  the componentize-py command (default: the repository's
#                    target/python-venv/bin/componentize-py)
#   WASI_WIT_DIR     the WASI WIT folder (default: what the repository's
#                    guest-sdk/python/wasi_wit_dir.py prints)
set -euo pipefail
cd "$(dirname "$0")"

sdk=${HOOK_RUNNER_SDK:-{{sdk_shell}}}
if [ ! -f "$sdk/python/build-hook.sh" ]; then
    echo "error: $sdk/python/build-hook.sh not found; set HOOK_RUNNER_SDK to the guest-sdk folder of a hook-runner repository" >&2
    exit 1
fi
repo=$(cd "$sdk/.." && pwd)

export COMPONENTIZE_PY=${COMPONENTIZE_PY:-$repo/target/python-venv/bin/componentize-py}
if ! command -v "$COMPONENTIZE_PY" >/dev/null; then
    echo "error: $COMPONENTIZE_PY not found; run \`make python-toolchain\` in $repo" >&2
    exit 1
fi
if [ -z "${WASI_WIT_DIR:-}" ]; then
    WASI_WIT_DIR=$(cd "$repo" && python3 guest-sdk/python/wasi_wit_dir.py)
fi
export WASI_WIT_DIR

"$sdk/python/build-hook.sh" . {{name}} build/{{name}}.wasm
echo "built build/{{name}}.wasm"

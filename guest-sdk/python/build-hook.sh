#!/usr/bin/env bash
# Builds a Python hook into a WebAssembly component with componentize-py, or
# generates the Python bindings alone (for unit tests in plain Python).
#
#   build-hook.sh HOOK_DIR MODULE OUT.wasm
#   build-hook.sh --bindings OUT_DIR
#
# HOOK_DIR contains MODULE.py, which binds `WitWorld = export_hook(...)`.
# Environment:
#   COMPONENTIZE_PY  the componentize-py command (default: componentize-py)
#   SITE_PACKAGES    folder with requests and requests-wasi-http, for hooks
#                    that import hook_runner_guest.http (optional)
#   WASI_WIT_DIR     a WIT folder whose deps/ contain wasi:http@0.2.12, such
#                    as the one wasi_wit_dir.py prints
#   HOOK_WORLD       trigger (default), condition or assignment: the world
#                    the hook exports (on-event, evaluate or assign)
set -euo pipefail

usage="usage: $0 HOOK_DIR MODULE OUT.wasm, or $0 --bindings OUT_DIR"
sdk_dir=$(cd "$(dirname "$0")" && pwd)
wit_dir="$sdk_dir/../../wit"
componentize_py=${COMPONENTIZE_PY:-componentize-py}

if [ -z "${WASI_WIT_DIR:-}" ] || [ ! -d "$WASI_WIT_DIR/deps" ]; then
    echo "error: WASI_WIT_DIR must name a WIT folder with the wasi:http@0.2.12 packages in deps/;" \
        "python3 $sdk_dir/wasi_wit_dir.py prints the one hook-runner uses" >&2
    exit 2
fi

# Each `*-http` world in wit/ is a hook-runner world plus the wasi:http
# client, so that hooks can use `requests` over wasi:http. Both packages
# have a `types` interface: hook-runner's becomes
# `wit_world.imports.api_types`, and wasi:http's keeps
# `wit_world.imports.types`, where requests-wasi-http looks for it.
hook_world=${HOOK_WORLD:-trigger}
case "$hook_world" in
    trigger | condition | assignment) ;;
    *)
        echo "error: HOOK_WORLD is \`$hook_world\`: use trigger, condition or assignment" >&2
        exit 2
        ;;
esac

world_options=(
    -d "$WASI_WIT_DIR" -d "$wit_dir" -d "$sdk_dir/wit"
    -w "hook-runner:python/$hook_world-http"
    --import-interface-name "hook-runner:api/types@0.1.0=api_types"
    --import-interface-name "wasi:http/types@0.2.12=types"
)

if [ "${1:-}" = "--bindings" ]; then
    if [ "$#" -ne 2 ]; then
        echo "$usage" >&2
        exit 2
    fi
    rm -rf "$2"
    exec "$componentize_py" -q "${world_options[@]}" bindings "$2"
fi

if [ "$#" -ne 3 ]; then
    echo "$usage" >&2
    exit 2
fi
hook_dir=$1
module=$2
out=$3
if [ ! -f "$hook_dir/$module.py" ]; then
    echo "error: $hook_dir/$module.py not found" >&2
    exit 2
fi

python_path=(-p "$hook_dir" -p "$sdk_dir")
if [ -n "${SITE_PACKAGES:-}" ]; then
    python_path+=(-p "$SITE_PACKAGES")
fi
mkdir -p "$(dirname "$out")"
"$componentize_py" -q "${world_options[@]}" componentize "$module" "${python_path[@]}" -o "$out"

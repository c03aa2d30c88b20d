#!/usr/bin/env bash
# Builds {{name}}.c into build/{{name}}.wasm: zig cc compiles it with the C
# SDK into a WASI reactor core module, and `hook-runner componentize` wraps
# that in a component.
#
# Environment:
#   HOOK_RUNNER_SDK  the repository's guest-sdk folder (default: the one
#                    `hook-runner new` was given)
#   ZIG              the zig command (default: the repository's pinned
#                    ziglang from `make command-guests`, else `zig` on PATH)
#   HOOK_RUNNER      the hook-runner command (default: the repository's
#                    target/debug/hook-runner, else `hook-runner` on PATH)
set -euo pipefail
cd "$(dirname "$0")"

# The WIT world the hook is built for: trigger (hr_on_event), condition
# (hr_evaluate) or assignment (hr_assign).
world=trigger

sdk=${HOOK_RUNNER_SDK:-{{sdk_shell}}}
if [ ! -f "$sdk/c/include/hook_runner.h" ]; then
    echo "error: $sdk/c/include/hook_runner.h not found; set HOOK_RUNNER_SDK to the guest-sdk folder of a hook-runner repository" >&2
    exit 1
fi
repo=$(cd "$sdk/.." && pwd)

if [ -n "${ZIG:-}" ]; then
    zig=("$ZIG")
elif [ -x "$repo/target/tools/native/venv/bin/python" ]; then
    zig=("$repo/target/tools/native/venv/bin/python" -m ziglang)
    export ZIG_GLOBAL_CACHE_DIR=${ZIG_GLOBAL_CACHE_DIR:-$repo/target/tools/native/zig-cache}
elif command -v zig >/dev/null; then
    zig=(zig)
else
    echo "error: zig not found; run \`make command-guests\` in $repo, install zig, or set ZIG" >&2
    exit 1
fi

hook_runner=${HOOK_RUNNER:-$repo/target/debug/hook-runner}
if [ ! -x "$hook_runner" ]; then
    hook_runner=hook-runner
fi
if ! command -v "$hook_runner" >/dev/null; then
    echo "error: hook-runner not found; run \`make build\` in $repo or set HOOK_RUNNER" >&2
    exit 1
fi

# The SDK is copied into the project on every build, so the project always
# builds with the header and bindings that match its hook-runner.
rm -rf hook-runner-sdk
mkdir -p hook-runner-sdk build
cp -R "$sdk/c/include" "$sdk/c/src" hook-runner-sdk/
cp -R "$sdk/c/bindings/$world" hook-runner-sdk/bindings

# -Wl,--strip-debug keeps the component-type section that `-s` would drop.
# The 1 MiB stack replaces zig's 16 MiB default, which alone would fill the
# policy's memory limit.
"${zig[@]}" cc --target=wasm32-wasi -mexec-model=reactor -std=c11 -Os \
    -Wall -Wextra -Wl,--strip-debug -Wl,-z,stack-size=1048576 \
    "-DHOOK_RUNNER_WORLD_$(echo "$world" | tr a-z A-Z)" \
    -Ihook-runner-sdk/include -Ihook-runner-sdk/src -Ihook-runner-sdk/bindings \
    -o build/{{name}}.core.wasm {{name}}.c hook-runner-sdk/src/*.c \
    "hook-runner-sdk/bindings/$world.c" "hook-runner-sdk/bindings/${world}_component_type.o"
"$hook_runner" componentize --reactor build/{{name}}.core.wasm -o build/{{name}}.wasm
echo "built build/{{name}}.wasm"

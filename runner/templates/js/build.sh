#!/usr/bin/env bash
# Builds {{name}}.js into build/{{name}}.wasm with the pinned componentize-qjs
# (QuickJS) that `make js-toolchain` installs in the hook-runner repository.
#
# Environment:
#   HOOK_RUNNER_SDK    the repository's guest-sdk folder (default: the one
#                      `hook-runner new` was given)
#   COMPONENTIZE_QJS   the componentize-qjs command (default: the
#                      repository's target/js-toolchain/node_modules/.bin/componentize-qjs)
set -euo pipefail
cd "$(dirname "$0")"

sdk=${HOOK_RUNNER_SDK:-{{sdk_shell}}}
if [ ! -f "$sdk/js/index.js" ]; then
    echo "error: $sdk/js/index.js not found; set HOOK_RUNNER_SDK to the guest-sdk folder of a hook-runner repository" >&2
    exit 1
fi
repo=$(cd "$sdk/.." && pwd)

componentize_qjs=${COMPONENTIZE_QJS:-$repo/target/js-toolchain/node_modules/.bin/componentize-qjs}
if ! command -v "$componentize_qjs" >/dev/null; then
    echo "error: $componentize_qjs not found; run \`make js-toolchain\` in $repo" >&2
    exit 1
fi

# componentize-qjs reads modules only under --module-root, so the SDK is
# copied into the project on every build.
rm -rf hook-runner-guest
mkdir -p hook-runner-guest build
cp "$sdk"/js/*.js hook-runner-guest/

# --sync: hook-runner does not enable the component-model async ABI.
"$componentize_qjs" --wit "$repo/wit" -n trigger --sync --module-root . \
    --js {{name}}.js -o build/{{name}}.wasm
echo "built build/{{name}}.wasm"

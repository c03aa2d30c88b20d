"""Print the `wit/` folder of the wasmtime-wasi-http crate that Cargo.lock
pins, whose `deps/` hold the WASI packages (wasi:http@0.2.12 and what it
uses) that hook-runner implements.

Python hooks build against them, so the bindings match the host exactly and
no copy of the WASI WIT files lives in this repository. Cargo must have
fetched the crate, which any build of hook-runner does.
"""

import json
import pathlib
import subprocess
import sys

CRATE = "wasmtime-wasi-http"


def main() -> int:
    try:
        metadata = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        stderr = getattr(error, "stderr", "") or ""
        print(f"error: `cargo metadata` failed: {error} {stderr.strip()}", file=sys.stderr)
        return 1
    packages = json.loads(metadata.stdout)["packages"]
    for package in packages:
        if package["name"] == CRATE:
            wit_dir = pathlib.Path(package["manifest_path"]).parent / "wit"
            if not (wit_dir / "deps").is_dir():
                print(f"error: {wit_dir}/deps is missing; run `cargo fetch`", file=sys.stderr)
                return 1
            print(wit_dir)
            return 0
    print(f"error: Cargo.lock has no {CRATE} package", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

//! Paths of the Python, JavaScript, C and Go hooks, which `make test` builds
//! into `target/guests/` before it runs cargo (the Rust guests are built by
//! `build.rs` and named in [`crate::guests`]).

use std::path::Path;

/// The C command program `guests/priority-level-c`, a preview1 core module.
pub const PRIORITY_LEVEL_C: &str = "command/priority-level.wasm";
/// The Go command program `guests/requester-note-go`, a preview1 core module.
pub const REQUESTER_NOTE_GO: &str = "command/requester-note.wasm";
/// The C trigger hook `guests/change-window-c`, built with the C SDK.
pub const CHANGE_WINDOW_C: &str = "c/change_window.wasm";
/// The C scripted condition `guests/high-risk-condition-c`.
pub const HIGH_RISK_CONDITION_C: &str = "c/high_risk.wasm";
/// The C dynamic-assignment hook `guests/split-by-target-c`.
pub const SPLIT_BY_TARGET_C: &str = "c/split_by_target.wasm";

/// Returns the absolute path of `target/guests/RELATIVE`, such as
/// `python/vuln_check.wasm`.
///
/// # Panics
///
/// Panics, naming the make target that builds it, when the file is missing.
pub fn component(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/guests")
        .join(relative);
    assert!(
        path.is_file(),
        "the hook component {} is missing: run `make test`, which builds it \
         (`make polyglot-guests` builds the Python and JavaScript hooks alone, \
         `make command-guests` the C and Go command hooks, `make c-guests` the \
         C SDK hooks)",
        path.display()
    );
    path.to_str().expect("UTF-8 path").to_owned()
}

/// Returns a `[cache]` table for the configuration that points at
/// `target/test-compile-cache`, a compile cache that outlives each test's
/// temporary folder.
///
/// Compiling a Python or JavaScript component takes a minute or more, so
/// `make test` compiles them into this cache before the tests run
/// (`tests/fixtures/polyglot-compile.toml`), and the tests map the entries.
/// A test that finds no entry compiles and stores one itself, and the
/// cache's entry lock makes tests that start together wait for that one
/// compiler.
pub fn shared_compile_cache() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-compile-cache");
    format!("[cache]\ndir = \"{}\"\n", dir.display())
}

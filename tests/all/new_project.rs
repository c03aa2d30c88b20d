//! `hook-runner new`: the project of each language builds with that
//! language's tool, and its component, run by the real binary on the
//! project's sample `<ticket_info>`, writes its field and comment into the
//! emulator's ticket 1001. The Rust project also passes `hook-runner test`
//! on its sample, as its README shows. Each language builds and runs once, because a
//! Python build takes about 15 s and compiling its component a minute.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hook_runner_tests::components::shared_compile_cache;
use hook_runner_tests::scenario::{
    API_PASSWORD, HookEntry, Scenario, describe, hook_runner_binary,
};
use hook_runner_tests::ticket_state::{comments, field_texts};

const SUCCESS: i32 = 0;
const USAGE: i32 = 2;
const CONFIG: i32 = 3;

/// The text the generated hooks write on ticket 1001, whose Risk Review
/// step has the access requests AR1 to AR3.
const SUMMARY: &str = "3 access requests in step Risk Review: AR1, AR2, AR3";

fn run_new(args: &[&str]) -> Output {
    Command::new(hook_runner_binary())
        .arg("new")
        .args(args)
        .output()
        .expect("hook-runner new runs")
}

/// Creates a project with `hook-runner new` in a folder under `parent`.
fn create_project(parent: &Path, lang: &str, name: &str) -> PathBuf {
    let dir = parent.join(name);
    let dir_text = dir.to_str().expect("UTF-8 path");
    let output = run_new(&["--lang", lang, name, "--dir", dir_text]);
    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    dir
}

/// Runs the build `command` in `dir` and fails the test with its output
/// when the build fails.
fn build(dir: &Path, command: &mut Command) {
    let output = command.current_dir(dir).output().expect("the build starts");
    assert!(
        output.status.success(),
        "build failed: {}",
        describe(&output)
    );
}

/// Starts the emulator with `component` configured as hook `name` under the
/// project's policy.
fn project_scenario(project: &Path, name: &str, component: &Path) -> Scenario {
    let scenario = Scenario::start();
    let policy = format!("policy = \"{}\"", project.join("policy.toml").display());
    scenario.write_config_with(
        &shared_compile_cache(),
        &[HookEntry {
            name,
            component: component.to_str().expect("UTF-8 path"),
            events: "[\"ADVANCE\"]",
            extra: &policy,
            settings: "",
        }],
    );
    scenario
}

/// Runs `hook-runner test` on the project's sample ADVANCE event, as the
/// project's README shows, and checks the reported change and that nothing
/// was written.
fn test_on_sample(project: &Path, name: &str, component: &Path) {
    let scenario = project_scenario(project, name, component);
    let before = scenario.ticket_xml(1001);
    let ticket = project.join("ticket_info.xml");
    let ticket = ticket.to_str().expect("UTF-8 path");
    let args = [
        "test", name, "--ticket", ticket, "--event", "ADVANCE", "--json",
    ];

    let output = scenario.run_with(None, b"", &args, API_PASSWORD);

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the report is JSON");
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{report}");
    assert_eq!(changes[0]["field"], "Risk Reason");
    assert_eq!(changes[0]["after"], SUMMARY);
    assert_eq!(report["write"]["written"], false);
    assert_eq!(scenario.ticket_xml(1001), before);
}

/// Runs `component` with the project's policy on the project's sample
/// ADVANCE event, and checks the field and comment that landed.
fn run_on_sample(project: &Path, name: &str, component: &Path) {
    let scenario = project_scenario(project, name, component);
    let ticket_info = std::fs::read(project.join("ticket_info.xml")).expect("sample ticket");

    let output = scenario.run("ADVANCE", &ticket_info);

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let ticket = scenario.ticket_xml(1001);
    assert_eq!(field_texts(&ticket, "Risk Reason"), [SUMMARY]);
    let expected = format!("{name} listed the access requests of step Risk Review in Risk Reason.");
    assert!(
        comments(&ticket).contains(&expected),
        "no comment `{expected}` in {:?}",
        comments(&ticket)
    );
}

#[test]
fn rust_project_builds_and_runs() {
    let parent = tempfile::tempdir().expect("temp dir");
    let project = create_project(parent.path(), "rust", "new-rust-hook");
    // A target folder that outlives the test, so that later runs reuse the
    // compiled wit-bindgen. Offline: the workspace's own guests have put
    // every dependency in Cargo's cache.
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/new-project-test");

    build(
        &project,
        Command::new(env!("CARGO"))
            .args([
                "build",
                "--target",
                "wasm32-wasip2",
                "--release",
                "--offline",
            ])
            .env("CARGO_TARGET_DIR", &target),
    );

    let component = target.join("wasm32-wasip2/release/new_rust_hook.wasm");
    test_on_sample(&project, "new-rust-hook", &component);
    run_on_sample(&project, "new-rust-hook", &component);
}

#[test]
fn python_project_builds_and_runs() {
    let parent = tempfile::tempdir().expect("temp dir");
    let project = create_project(parent.path(), "python", "new_python_hook");

    build(&project, &mut Command::new("./build.sh"));

    let component = project.join("build/new_python_hook.wasm");
    run_on_sample(&project, "new_python_hook", &component);
}

#[test]
fn js_project_builds_and_runs() {
    let parent = tempfile::tempdir().expect("temp dir");
    let project = create_project(parent.path(), "js", "new-js-hook");

    build(&project, &mut Command::new("./build.sh"));

    let component = project.join("build/new-js-hook.wasm");
    run_on_sample(&project, "new-js-hook", &component);
}

#[test]
fn c_project_builds_and_runs() {
    let parent = tempfile::tempdir().expect("temp dir");
    let project = create_project(parent.path(), "c", "new-c-hook");

    build(
        &project,
        Command::new("./build.sh").env("HOOK_RUNNER", hook_runner_binary()),
    );

    let component = project.join("build/new-c-hook.wasm");
    run_on_sample(&project, "new-c-hook", &component);
}

#[test]
fn c_project_builds_a_condition() {
    let parent = tempfile::tempdir().expect("temp dir");
    let project = create_project(parent.path(), "c", "new_c_condition");
    let script = project.join("build.sh");
    let text = std::fs::read_to_string(&script).expect("read build.sh");
    assert!(text.contains("\nworld=trigger\n"), "{text}");
    std::fs::write(
        &script,
        text.replace("\nworld=trigger\n", "\nworld=condition\n"),
    )
    .expect("write build.sh");
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../guests/high-risk-condition-c/high_risk.c");
    std::fs::copy(example, project.join("new_c_condition.c")).expect("copy the example");

    build(
        &project,
        Command::new("./build.sh").env("HOOK_RUNNER", hook_runner_binary()),
    );

    let component = project.join("build/new_c_condition.wasm");
    let output = Command::new(hook_runner_binary())
        .args(["inspect", "--json"])
        .arg(&component)
        .output()
        .expect("hook-runner inspect runs");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["exports"][0]["name"], "evaluate", "{report}");
}

#[test]
fn new_rejects_bad_arguments() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("taken");
    std::fs::create_dir(&dir).expect("create folder");
    std::fs::write(dir.join("notes.txt"), "keep me").expect("write file");
    let dir_text = dir.to_str().expect("UTF-8 path");

    let unknown = run_new(&["--lang", "cobol", "hook"]);
    assert_eq!(unknown.status.code(), Some(USAGE), "{}", describe(&unknown));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("rust, python, js, c"), "{stderr}");

    let invalid = run_new(&["--lang", "python", "risk-check", "--dir", dir_text]);
    assert_eq!(invalid.status.code(), Some(USAGE), "{}", describe(&invalid));
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(
        stderr.contains("only ASCII letters, digits and `_`"),
        "{stderr}"
    );

    let occupied = run_new(&["--lang", "rust", "hook", "--dir", dir_text]);
    assert_eq!(
        occupied.status.code(),
        Some(USAGE),
        "{}",
        describe(&occupied)
    );
    let stderr = String::from_utf8_lossy(&occupied.stderr);
    assert!(stderr.contains("exists and is not empty"), "{stderr}");
    let entries_left = std::fs::read_dir(&dir).expect("read folder").count();
    assert_eq!(entries_left, 1, "the occupied folder was changed");

    let fresh = parent.path().join("fresh");
    let fresh_text = fresh.to_str().expect("UTF-8 path");
    let missing_sdk = parent.path().join("no-sdk");
    let missing_text = missing_sdk.to_str().expect("UTF-8 path");
    let no_sdk = run_new(&[
        "--lang",
        "js",
        "hook",
        "--dir",
        fresh_text,
        "--sdk",
        missing_text,
    ]);
    assert_eq!(no_sdk.status.code(), Some(CONFIG), "{}", describe(&no_sdk));
    let stderr = String::from_utf8_lossy(&no_sdk.stderr);
    assert!(stderr.contains("pass --sdk"), "{stderr}");
    assert!(!fresh.exists(), "a project was written without an SDK");
}

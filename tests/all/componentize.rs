//! `hook-runner componentize` wraps core modules in components, and a
//! component that is no kind of hook is rejected with what each kind needs.

use std::process::Output;

use hook_runner_tests::components::{PRIORITY_LEVEL_C, component};
use hook_runner_tests::guests::COMMAND_PROBE;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const CONFIG_ERROR: i32 = 3;

fn run(scenario: &Scenario, args: &[&str]) -> Output {
    scenario.run_with(None, b"", args, "unused")
}

#[test]
fn command_module_becomes_runnable_component() {
    let scenario = Scenario::start();
    let module = component(PRIORITY_LEVEL_C);
    let component = scenario.dir.path().join("priority-level.component.wasm");
    let component = component.to_str().expect("UTF-8 path");

    let output = run(&scenario, &["componentize", &module, "-o", component]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("with the command adapter"), "{stdout}");
    let bytes = std::fs::read(component).expect("component written");
    assert_eq!(&bytes[..8], b"\0asm\x0d\0\x01\0", "a component header");

    let inspected = run(&scenario, &["inspect", component]);
    let stdout = String::from_utf8_lossy(&inspected.stdout);
    assert!(stdout.contains("hook kind: command\n"), "{stdout}");
    assert!(stdout.contains("wasi:cli/run@"), "{stdout}");

    scenario.write_config(&[HookEntry {
        name: "priority-level",
        component,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(scenario.writes().len(), 2, "one PUT and one comment POST");
}

#[test]
fn inspect_names_the_adapter_of_a_core_module() {
    let scenario = Scenario::start();
    let module = component(PRIORITY_LEVEL_C);

    let output = run(&scenario, &["inspect", &module]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hook kind: command\n"), "{stdout}");
    assert!(
        stdout.contains("a WASI preview1 core module, made a component with the command adapter"),
        "{stdout}"
    );
}

#[test]
fn reactor_without_exports_is_no_hook() {
    let scenario = Scenario::start();
    let module = component(PRIORITY_LEVEL_C);
    let component = scenario.dir.path().join("reactor.wasm");
    let component = component.to_str().expect("UTF-8 path");

    let output = run(
        &scenario,
        &["componentize", &module, "-o", component, "--reactor"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("reactor adapter"));

    scenario.write_config(&[HookEntry {
        name: "no-entry",
        component,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not fit a hook-runner hook"),
        "{stderr}"
    );
    assert!(
        stderr.contains("exports none of `on-event`, `evaluate`, `assign` and `wasi:cli/run`"),
        "{stderr}"
    );
}

#[test]
fn component_input_is_rejected() {
    let scenario = Scenario::start();
    let output_path = scenario.dir.path().join("out.wasm");

    let output = run(
        &scenario,
        &[
            "componentize",
            COMMAND_PROBE,
            "-o",
            output_path.to_str().expect("UTF-8 path"),
        ],
    );

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a WebAssembly core module"),
        "{stderr}"
    );
    assert!(!output_path.exists());
}

#[test]
fn invalid_module_is_rejected() {
    let scenario = Scenario::start();
    let module = scenario.dir.path().join("broken.wasm");
    // A core module header followed by a truncated section.
    std::fs::write(&module, b"\0asm\x01\0\0\0\x01\x05").expect("write module");
    let output_path = scenario.dir.path().join("out.wasm");

    let output = run(
        &scenario,
        &[
            "componentize",
            module.to_str().expect("UTF-8 path"),
            "-o",
            output_path.to_str().expect("UTF-8 path"),
        ],
    );

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.wasm"), "{stderr}");
    assert!(!output_path.exists());
}

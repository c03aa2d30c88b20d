//! The TEST event from the Test button checks the setup and calls no API.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe};

fn hook(component: &str) -> HookEntry<'_> {
    HookEntry {
        name: "risk-scorer",
        component,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }
}

#[test]
fn test_event_validates_without_api_call() {
    let scenario = Scenario::start();
    scenario.write_config(&[hook(RISK_SCORER)]);

    let output = scenario.run("TEST", b"<ticket_info/>");

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("is valid; 1 hook(s) ready"), "{stdout}");
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn test_event_lists_every_problem() {
    let scenario = Scenario::start();
    let not_wasm = scenario.dir.path().join("not-wasm.wasm");
    std::fs::write(&not_wasm, "plain text").expect("write");
    let not_wasm = not_wasm.to_string_lossy().into_owned();
    scenario.write_config(&[
        hook("/nonexistent/missing.wasm"),
        HookEntry {
            name: "broken",
            ..hook(&not_wasm)
        },
    ]);

    let output = scenario.run_with(Some("TEST"), b"<ticket_info/>", &[], "");

    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("3 problem(s)"), "{stdout}");
    assert!(stdout.contains("missing.wasm"), "{stdout}");
    assert!(
        stdout.contains("is not a valid WebAssembly component"),
        "{stdout}"
    );
    assert!(stdout.contains("TEST_API_PASSWORD"), "{stdout}");
    assert!(scenario.emulator.requests().is_empty());
}

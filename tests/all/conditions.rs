//! `hook-runner condition`: the pci-scope example condition decides on
//! tickets that the emulator serves, and bad arguments, setups and tickets
//! end with their documented exit codes and nothing on standard output.

use hook_runner_tests::guests::PCI_SCOPE;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe};

const CONFIG_ERROR: i32 = 3;
const INPUT_ERROR: i32 = 4;
const HOOK_FAILED: i32 = 5;
const API_ERROR: i32 = 6;

const TRUE_RESPONSE: &str = "<response><condition_result>true</condition_result></response>\n";
const FALSE_RESPONSE: &str = "<response><condition_result>false</condition_result></response>\n";

/// Returns the `extra` lines that make a hook the pci-scope condition with
/// the example's own policy file.
fn pci_extra() -> &'static str {
    concat!(
        "kind = \"condition\"\npolicy = \"",
        env!("CARGO_MANIFEST_DIR"),
        "/../guests/pci-scope/policy.toml\"\n"
    )
}

fn pci_scope(settings: &'static str) -> HookEntry<'static> {
    HookEntry {
        name: "pci-scope",
        component: PCI_SCOPE,
        events: "[]",
        extra: pci_extra(),
        settings,
    }
}

fn scenario_with(settings: &'static str) -> Scenario {
    let scenario = Scenario::start();
    scenario.write_config(&[pci_scope(settings)]);
    scenario
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Checks a failed run: its exit code, a message on standard error, and
/// nothing on standard output for SecureChange to read.
fn assert_failed(output: &std::process::Output, code: i32, message: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    assert_eq!(stdout(output), "", "{}", describe(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected `{message}` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn condition_true_for_pci_destination() {
    // Access request 61719 of ticket 1001 goes to 192.168.10.5.
    let scenario = scenario_with("pci_networks = \"10.99.0.0/16, 192.168.10.0/24\"");

    let output = scenario.run_command(&["condition", "pci-scope", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), TRUE_RESPONSE);
    assert!(scenario.writes().is_empty(), "a condition writes nothing");
}

#[test]
fn condition_false_without_pci_destination() {
    let scenario = scenario_with("pci_networks = \"10.99.0.0/16\"");

    let output = scenario.run_command(&["condition", "pci-scope", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), FALSE_RESPONSE);
}

#[test]
fn condition_joined_arguments() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let joined_name = scenario.run_command(&["condition pci-scope", "1001"]);
    let all_joined = scenario.run_command(&["condition pci-scope 1001"]);

    assert_eq!(
        joined_name.status.code(),
        Some(0),
        "{}",
        describe(&joined_name)
    );
    assert_eq!(stdout(&joined_name), TRUE_RESPONSE);
    assert_eq!(
        all_joined.status.code(),
        Some(0),
        "{}",
        describe(&all_joined)
    );
    assert_eq!(stdout(&all_joined), TRUE_RESPONSE);
}

#[test]
fn condition_test_checks_setup_without_api() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["condition", "pci-scope", "test"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), TRUE_RESPONSE);
    assert!(
        scenario.emulator.requests().is_empty(),
        "the test run calls no API"
    );
}

#[test]
fn condition_test_reports_missing_component() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        component: "missing.wasm",
        ..pci_scope("")
    }]);

    let output = scenario.run_command(&["condition", "pci-scope", "test"]);

    assert_failed(&output, CONFIG_ERROR, "failed to read component");
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn condition_hook_error_prints_nothing() {
    let scenario = scenario_with("pci_networks = \"not-a-network\"");

    let output = scenario.run_command(&["condition", "pci-scope", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "the hook returned an error: pci_networks: `not-a-network` is not an IPv4 network",
    );
}

#[test]
fn condition_invalid_ticket_ids() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");
    let cases = [
        (
            "abc",
            "invalid ticket id `abc`: expected a positive whole number",
        ),
        (
            "-1",
            "invalid ticket id `-1`: expected a positive whole number",
        ),
        ("", "invalid ticket id ``: it is empty"),
        ("0", "ticket ids start at 1"),
    ];
    for (ticket, message) in cases {
        let output = scenario.run_command(&["condition", "pci-scope", ticket]);
        assert_failed(&output, INPUT_ERROR, message);
    }
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn condition_ticket_not_found() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["condition", "pci-scope", "424242"]);

    assert_failed(
        &output,
        API_ERROR,
        "ticket 424242 was not found in SecureChange",
    );
}

#[test]
fn condition_failure_reaches_log_file_once() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["condition", "pci-scope", "424242"]);

    let message = "ticket 424242 was not found in SecureChange";
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches(message).count(), 1, "{stderr}");
    let log = std::fs::read_to_string(scenario.dir.path().join("hook-runner.log"))
        .expect("read the log file");
    let line = log
        .lines()
        .find(|line| line.contains(message))
        .unwrap_or_else(|| panic!("no `{message}` in the log file:\n{log}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("exit_code=6"), "{line}");
}

#[test]
fn condition_unknown_hook_name() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["condition", "pci-scop", "1001"]);

    assert_failed(
        &output,
        CONFIG_ERROR,
        "has no hook named `pci-scop`: its condition hooks are `pci-scope`",
    );
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn condition_rejects_hook_of_other_kind() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["assign", "pci-scope", "1001"]);

    assert_failed(
        &output,
        CONFIG_ERROR,
        "hook `pci-scope` has kind = \"condition\", so `hook-runner assign` cannot run it",
    );
}

#[test]
fn condition_component_declared_as_assignment() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        extra: "kind = \"assignment\"\n",
        ..pci_scope("")
    }]);

    let output = scenario.run_command(&["assign", "pci-scope", "1001"]);

    assert_failed(
        &output,
        CONFIG_ERROR,
        "is a condition hook (it exports `evaluate`), but hook `pci-scope` has kind = \
         \"assignment\": set kind = \"condition\" to use this component, and register it as \
         `hook-runner condition pci-scope TICKET_ID`",
    );
}

#[test]
fn run_rejects_condition_bound_to_events() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        events: "[\"ADVANCE\"]",
        extra: "",
        ..pci_scope("pci_networks = \"192.168.10.0/24\"")
    }]);

    let output = scenario.run(
        "ADVANCE",
        &hook_runner_tests::scenario::ticket_info("advance-1001.xml"),
    );

    assert_failed(
        &output,
        CONFIG_ERROR,
        "is a condition hook (it exports `evaluate`), which SecureChange starts with a ticket id",
    );
    assert!(scenario.writes().is_empty());
}

#[test]
fn config_rejects_events_on_condition() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        events: "[\"ADVANCE\"]",
        ..pci_scope("")
    }]);

    let output = scenario.run_command(&["condition", "pci-scope", "1001"]);

    assert_failed(
        &output,
        CONFIG_ERROR,
        "hook `pci-scope` has kind = \"condition\", which SecureChange starts with a ticket id",
    );
}

#[test]
fn check_reports_condition_kind() {
    let scenario = scenario_with("pci_networks = \"192.168.10.0/24\"");

    let output = scenario.run_command(&["check"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stdout(&output).contains("kind: condition"),
        "{}",
        describe(&output)
    );
}

#[test]
fn condition_run_is_audited() {
    let scenario = Scenario::start();
    scenario.write_config_with(
        "[audit]\nfile = \"audit.jsonl\"\n",
        &[pci_scope("pci_networks = \"192.168.10.0/24\"")],
    );

    let output = scenario.run_command(&["condition", "pci-scope", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.jsonl"))
        .expect("audit file written");
    assert!(audit.contains("\"event\":\"condition\""), "{audit}");
    assert!(audit.contains("\"ticket\":1001"), "{audit}");
    assert!(audit.contains("\"kind\":\"run_finished\""), "{audit}");
}

#[test]
fn missing_ticket_is_audited() {
    let scenario = Scenario::start();
    scenario.write_config_with(
        "[audit]\nfile = \"audit.jsonl\"\n",
        &[pci_scope("pci_networks = \"192.168.10.0/24\"")],
    );

    let output = scenario.run_command(&["condition", "pci-scope", "424242"]);

    assert_eq!(
        output.status.code(),
        Some(API_ERROR),
        "{}",
        describe(&output)
    );
    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.jsonl"))
        .expect("audit file written");
    assert!(
        audit.contains("\"result\":\"ticket_read_failed\""),
        "{audit}"
    );
    assert!(audit.contains("\"exit_code\":6"), "{audit}");
}

/// Starts a scenario with the `priority-condition` example, which `make
/// test` builds with componentize-qjs, and the example's policy file.
fn priority_condition(settings: &str) -> Scenario {
    let scenario = Scenario::start();
    let component = hook_runner_tests::components::component("js/priority_condition.wasm");
    let extra = format!(
        "kind = \"condition\"\npolicy = \"{}/../guests/priority-condition/policy.toml\"\n",
        env!("CARGO_MANIFEST_DIR")
    );
    scenario.write_config_with(
        &hook_runner_tests::components::shared_compile_cache(),
        &[HookEntry {
            name: "priority",
            component: &component,
            events: "[]",
            extra: &extra,
            settings,
        }],
    );
    scenario
}

#[test]
fn javascript_condition_decides_on_priority() {
    // Ticket 1001 has priority Normal.
    let matching = priority_condition("priorities = \"Critical, normal\"");
    let output = matching.run_command(&["condition", "priority", "1001"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), TRUE_RESPONSE);

    let other = priority_condition("priorities = \"Critical\"");
    let output = other.run_command(&["condition", "priority", "1001"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), FALSE_RESPONSE);
}

#[test]
fn javascript_condition_error_prints_nothing() {
    let scenario = priority_condition("");

    let output = scenario.run_command(&["condition", "priority", "1001"]);

    assert_failed(&output, HOOK_FAILED, "config key `priorities` is empty");
}

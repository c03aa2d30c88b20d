//! Bad input from SecureChange or the admin: a clear message, a documented
//! exit code, and nothing written.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const INPUT_ERROR: i32 = 4;
const CONFIG_ERROR: i32 = 3;

fn configured() -> Scenario {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    scenario
}

fn assert_rejected(scenario: &Scenario, output: &std::process::Output, code: i32, message: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected `{message}` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(scenario.writes().is_empty(), "nothing may be written");
}

#[test]
fn malformed_xml_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"<ticket_info><id>1001</id>");
    assert_rejected(&scenario, &output, INPUT_ERROR, "not well-formed XML");
}

#[test]
fn empty_stdin_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"");
    assert_rejected(&scenario, &output, INPUT_ERROR, "standard input is empty");
}

#[test]
fn empty_ticket_info_outside_test_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"<ticket_info/>");
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "only the TEST event sends an empty document",
    );
}

#[test]
fn unknown_event_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCED", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, INPUT_ERROR, "unknown event `ADVANCED`");
}

#[test]
fn missing_event_is_input_error() {
    let scenario = configured();
    let output = scenario.run_with(None, &ticket_info("advance-1001.xml"), &[], "x");
    assert_rejected(&scenario, &output, INPUT_ERROR, "SCW_EVENT is not set");
}

#[test]
fn missing_config_is_config_error() {
    let scenario = Scenario::start();
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "failed to read config");
}

#[test]
fn config_with_unknown_key_is_config_error() {
    let scenario = Scenario::start();
    std::fs::write(
        scenario.config_path(),
        "[api]\nurl = \"http://127.0.0.1:1\"\nusername = \"u\"\npassword = \"p\"\n",
    )
    .expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "unknown field `password`");
}

#[test]
fn missing_component_is_config_error() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "gone",
        component: "/nonexistent/hook.wasm",
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        "failed to read component `/nonexistent/hook.wasm`",
    );
}

#[test]
fn misspelt_log_level_is_config_error() {
    let scenario = configured();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace("[log]\n", "[log]\nlevel = \"inof\"\n");
    std::fs::write(scenario.config_path(), config).expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "`inof` is not a level");
}

#[test]
fn event_flag_works_without_subcommand() {
    let scenario = configured();
    let output = scenario.run_with(
        None,
        &ticket_info("advance-1001.xml"),
        &["--event", "CLOSE"],
        "x",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn joined_arguments_are_split() {
    let scenario = configured();
    let config = scenario.config_path();
    let joined = format!("--config {}", config.display());
    let output = scenario.run_with(Some("TEST"), b"<ticket_info/>", &[&joined], "x");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

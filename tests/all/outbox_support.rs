//! Setup and checks shared by the outbox suites: the risk scorer on ticket
//! 1001, the result of a fault-free run, and the outbox as `outbox list`
//! prints it.

use std::process::Output;
use std::sync::OnceLock;

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};
use hook_runner_tests::ticket_state::{comments, field_texts};

/// The risk scorer on ADVANCE, which writes two fields and one comment.
pub fn scorer() -> HookEntry<'static> {
    HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }
}

/// Starts the emulator with the scorer configured and an audit log, with
/// API requests timing out after `timeout_seconds`.
pub fn scorer_scenario(timeout_seconds: u64) -> Scenario {
    let scenario = Scenario::start();
    scenario.write_config_with("[audit]\nfile = \"audit.jsonl\"\n", &[scorer()]);
    let config = std::fs::read_to_string(scenario.config_path()).expect("read config");
    let config = config.replace(
        "timeout_seconds = 10",
        &format!("timeout_seconds = {timeout_seconds}"),
    );
    std::fs::write(scenario.config_path(), config).expect("write config");
    scenario
}

/// Runs the ADVANCE event of ticket 1001.
pub fn advance(scenario: &Scenario) -> Output {
    scenario.run("ADVANCE", &ticket_info("advance-1001.xml"))
}

/// Runs `hook-runner outbox ARGS`.
pub fn outbox_command(scenario: &Scenario, args: &[&str]) -> Output {
    let mut full = vec!["outbox"];
    full.extend_from_slice(args);
    scenario.run_with(None, b"", &full, API_PASSWORD)
}

/// Returns every outbox entry as `outbox list --all --json` prints it.
pub fn outbox_entries(scenario: &Scenario) -> Vec<serde_json::Value> {
    let output = outbox_command(scenario, &["list", "--all", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("outbox list prints JSON: {error}\n{}", describe(&output)))
}

/// The `Risk Score` value and the comment of a run without faults.
pub fn clean_result() -> &'static (Vec<String>, Vec<String>) {
    static RESULT: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    RESULT.get_or_init(|| {
        let scenario = scorer_scenario(10);
        let output = advance(&scenario);
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        let xml = scenario.ticket_xml(1001);
        (field_texts(&xml, "Risk Score"), comments(&xml))
    })
}

/// Asserts that ticket 1001 has the fault-free result: the score, and the
/// comment exactly once.
pub fn assert_written_once(scenario: &Scenario) {
    let (score, comment) = clean_result();
    assert_eq!(comment.len(), 1, "the clean run adds one comment");
    let xml = scenario.ticket_xml(1001);
    assert_eq!(&field_texts(&xml, "Risk Score"), score);
    assert_eq!(&comments(&xml), comment, "the comment is there once");
}

/// Returns standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

//! The log file in JSON, one object per line, for log collectors.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

#[test]
fn json_log_file_has_one_object_per_line() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    let config = std::fs::read_to_string(scenario.config_path()).expect("config");
    let config = config.replace(
        "file = \"hook-runner.log\"\n",
        "file = \"hook-runner.log\"\nformat = \"json\"\n",
    );
    std::fs::write(scenario.config_path(), config).expect("write config");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let log = std::fs::read_to_string(scenario.dir.path().join("hook-runner.log")).expect("log");
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert!(records.len() >= 3, "{log}");
    assert!(
        records.iter().all(|record| record["level"].is_string()),
        "{log}"
    );
    let finished = records
        .iter()
        .find(|record| record["fields"]["message"] == "finished")
        .expect("a finished record");
    assert_eq!(finished["fields"]["ticket"], 1001, "{finished}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.trim_start().starts_with('{'),
        "standard error stays text: {stderr}"
    );
}

#[test]
fn new_log_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let metadata =
        std::fs::metadata(scenario.dir.path().join("hook-runner.log")).expect("log file");
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
}

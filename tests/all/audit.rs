//! The audit log records what each hook did, and concurrent runs share it.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

fn audited_scenario() -> (Scenario, std::path::PathBuf) {
    let scenario = Scenario::start();
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guests/risk-scorer/policy.toml"
    );
    let extra = format!("policy = \"{policy}\"");
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings: "",
    }]);
    let audit = scenario.dir.path().join("audit.jsonl");
    let mut config = std::fs::read_to_string(scenario.config_path()).expect("read config");
    config.push_str(&format!("\n[audit]\nfile = \"{}\"\n", audit.display()));
    std::fs::write(scenario.config_path(), config).expect("write config");
    (scenario, audit)
}

fn records(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("audit log exists")
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("bad line {line}: {error}"))
        })
        .collect()
}

fn kinds(records: &[serde_json::Value]) -> Vec<&str> {
    records
        .iter()
        .filter_map(|record| record["kind"].as_str())
        .collect()
}

#[test]
fn run_is_recorded_in_order() {
    let (scenario, audit) = audited_scenario();

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let records = records(&audit);
    assert_eq!(
        kinds(&records),
        [
            "run_started",
            "hook_started",
            "field_write",
            "field_write",
            "comment",
            "hook_finished",
            "run_finished"
        ]
    );
    assert_eq!(records[0]["event"], "ADVANCE");
    assert_eq!(records[0]["ticket"], 1001);
    let digest = records[1]["digest"].as_str().unwrap_or_default();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    assert_eq!(records[2]["field"], "Risk Score");
    assert_eq!(records[2]["result"], "written");
    assert_eq!(records[5]["result"], "ok");
    assert_eq!(records[6]["exit_code"], 0);
    let text = std::fs::read_to_string(&audit).expect("read");
    assert!(!text.contains(API_PASSWORD), "password in audit log");
}

#[test]
fn concurrent_runs_keep_lines_whole() {
    let (scenario, audit) = audited_scenario();
    let input = ticket_info("advance-1001.xml");

    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| scenario.run("ADVANCE", &input)))
            .collect();
        for run in runs {
            let output = run.join().expect("run thread");
            assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        }
    });

    // Every line parses. The six runs handle the same event, so the outbox
    // lets one of them write and the others write nothing.
    let records = records(&audit);
    let count = |kind: &str| kinds(&records).iter().filter(|k| **k == kind).count();
    assert_eq!(count("run_started"), 6);
    assert_eq!(count("run_finished"), 6);
    assert_eq!(count("comment"), 1);
    assert_eq!(count("field_write"), 2);
}

#[test]
fn unwritable_audit_file_is_config_error() {
    let (scenario, _) = audited_scenario();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace("audit.jsonl", "missing-folder/audit.jsonl");
    std::fs::write(scenario.config_path(), config).expect("write");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("missing-folder/audit.jsonl"), "{stderr}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn limits_hit_are_recorded() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "hostile",
        component: hook_runner_tests::guests::HOSTILE,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "mode = \"logflood,stdout\"\nn = \"5000\"",
    }]);
    let audit = scenario.dir.path().join("audit.jsonl");
    let mut config = std::fs::read_to_string(scenario.config_path()).expect("read config");
    config.push_str(&format!("\n[audit]\nfile = \"{}\"\n", audit.display()));
    std::fs::write(scenario.config_path(), config).expect("write config");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let records = records(&audit);
    let limits: Vec<&str> = records
        .iter()
        .filter(|record| record["kind"] == "limit_hit")
        .filter_map(|record| record["limit"].as_str())
        .collect();
    assert_eq!(limits, ["log", "output"], "{records:?}");
}

#[test]
fn rejected_outcome_is_recorded() {
    let (scenario, audit) = audited_scenario();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace(
        "[hook.config]\n",
        "[hook.config]\nscore_field = \"Not Granted\"\n",
    );
    std::fs::write(scenario.config_path(), config).expect("write");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(5), "{}", describe(&output));
    let records = records(&audit);
    let finished = records
        .iter()
        .find(|record| record["kind"] == "hook_finished")
        .expect("hook_finished record");
    assert_eq!(finished["result"], "rejected", "{finished}");
    let message = finished["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`Not Granted` is not in write_fields"),
        "{message}"
    );
}

#[test]
fn test_event_reports_unwritable_audit_file() {
    let (scenario, _) = audited_scenario();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace("audit.jsonl", "missing-folder/audit.jsonl");
    std::fs::write(scenario.config_path(), config).expect("write");

    let output = scenario.run("TEST", b"<ticket_info/>");

    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("missing-folder/audit.jsonl"), "{stdout}");
}

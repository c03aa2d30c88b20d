//! A hook's policy file limits what it may read and write.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const CONFIG_ERROR: i32 = 3;
const HOOK_FAILED: i32 = 5;

fn with_policy<'a>(extra: &'a str) -> HookEntry<'a> {
    HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra,
        settings: "level_field = \"Risk Level\"",
    }
}

fn write_policy(scenario: &Scenario, text: &str) -> String {
    let path = scenario.dir.path().join("policy.toml");
    std::fs::write(&path, text).expect("write policy");
    format!("policy = \"{}\"", path.display())
}

#[test]
fn example_policy_allows_its_writes() {
    let scenario = Scenario::start();
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guests/risk-scorer/policy.toml"
    );
    let extra = format!("policy = \"{policy}\"");
    scenario.write_config(&[with_policy(&extra)]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(scenario.writes().len(), 2, "one PUT and one comment POST");
}

#[test]
fn field_outside_grant_writes_nothing() {
    let scenario = Scenario::start();
    let extra = write_policy(
        &scenario,
        "[ticket]\nread = true\nwrite_fields = [\"Risk Score\", \"Risk Reason\"]\ncomment = true\n",
    );
    scenario.write_config(&[with_policy(&extra)]);
    let before = scenario.ticket_xml(1001);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("field `Risk Level` is not in write_fields of policy"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
    assert_eq!(scenario.ticket_xml(1001), before);
}

#[test]
fn comment_outside_grant_writes_nothing() {
    let scenario = Scenario::start();
    let extra = write_policy(
        &scenario,
        "[ticket]\nread = true\nwrite_fields = [\"Risk Score\", \"Risk Reason\", \"Risk Level\"]\n",
    );
    scenario.write_config(&[with_policy(&extra)]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not grant comments"), "{stderr}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn ticket_read_needs_grant() {
    let scenario = Scenario::start();
    let extra = write_policy(&scenario, "[ticket]\nread = false\ncomment = true\n");
    scenario.write_config(&[with_policy(&extra)]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not grant ticket reads"), "{stderr}");
    assert!(scenario.emulator.requests().is_empty(), "no API call");
}

#[test]
fn invalid_policy_names_file_and_line() {
    let scenario = Scenario::start();
    let extra = write_policy(
        &scenario,
        "[ticket]\nread = true\n\n[[http]]\nhost = \"*.*.example.com\"\n",
    );
    scenario.write_config(&[with_policy(&extra)]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("policy.toml:5:"), "{stderr}");
    assert!(stderr.contains("*.*.example.com"), "{stderr}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn test_event_checks_policy_files() {
    let scenario = Scenario::start();
    let extra = write_policy(&scenario, "[ticket]\nread = \"yes\"\n");
    scenario.write_config(&[with_policy(&extra)]);

    let output = scenario.run("TEST", b"<ticket_info/>");

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("policy.toml:2:"), "{stdout}");
    assert!(scenario.emulator.requests().is_empty());
}

fn hostile_with_policy(scenario: &Scenario, policy: &str, settings: &'static str) {
    let extra = write_policy(scenario, policy);
    scenario.write_config(&[HookEntry {
        name: "hostile",
        component: hook_runner_tests::guests::HOSTILE,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings,
    }]);
}

#[test]
fn fuel_limit_stops_a_busy_hook() {
    let scenario = Scenario::start();
    hostile_with_policy(
        &scenario,
        "[ticket]\ncomment = true\n[limits]\nfuel = 1000000\n",
        "mode = \"loop\"",
    );
    let started = std::time::Instant::now();

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("used up its fuel limit of 1000000 units"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "fuel, not the wall time, stopped it"
    );
}

#[test]
fn outcome_over_policy_limit_writes_nothing() {
    let scenario = Scenario::start();
    hostile_with_policy(
        &scenario,
        "[ticket]\ncomment = true\n[limits]\nmax_outcome_kib = 1\n",
        "mode = \"bigcomment\"\nn = \"5000\"",
    );

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("more than max_outcome_kib allows (1024 bytes)"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
}

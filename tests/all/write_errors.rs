//! Outcomes the ticket cannot take: a precise error and nothing half-written.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

const HOOK_FAILED: i32 = 5;
const API_FAILED: i32 = 6;

fn scorer(settings: &str) -> HookEntry<'_> {
    HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings,
    }
}

fn assert_nothing_written(scenario: &Scenario, id: u64, before: &str) {
    assert!(scenario.writes().is_empty(), "{:?}", scenario.writes());
    assert_eq!(scenario.ticket_xml(id), before);
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn field_not_on_step_writes_nothing() {
    let scenario = Scenario::start();
    scenario.write_config(&[scorer("score_field = \"Risk Scroe\"")]);
    let before = scenario.ticket_xml(1001);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = stderr(&output);
    assert!(
        stderr.contains("field `Risk Scroe`: is not on the current step `Risk Review`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`Risk Score`"),
        "lists the step's fields: {stderr}"
    );
    assert_nothing_written(&scenario, 1001, &before);
}

#[test]
fn read_only_field_writes_nothing() {
    let scenario = Scenario::start();
    scenario.write_config(&[scorer("reason_field = \"Business Justification\"")]);
    let before = scenario.ticket_xml(1001);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    assert!(
        stderr(&output).contains("field `Business Justification`: is read-only"),
        "{}",
        describe(&output)
    );
    assert_nothing_written(&scenario, 1001, &before);
}

#[test]
fn closed_ticket_writes_nothing() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        extra: "write_if_step_changed = true",
        ..scorer("")
    }]);
    let before = scenario.ticket_xml(1002);
    let info = String::from_utf8(ticket_info("advance-1001.xml"))
        .expect("utf-8")
        .replacen("<id>1001</id>", "<id>1002</id>", 1);

    let output = scenario.run("ADVANCE", info.as_bytes());

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    assert!(
        stderr(&output).contains("ticket 1002 has no current step"),
        "{}",
        describe(&output)
    );
    assert_nothing_written(&scenario, 1002, &before);
}

#[test]
fn closed_ticket_skips_stale_writes() {
    let scenario = Scenario::start();
    scenario.write_config(&[scorer("")]);
    let before = scenario.ticket_xml(1002);
    let info = String::from_utf8(ticket_info("advance-1001.xml"))
        .expect("utf-8")
        .replacen("<id>1001</id>", "<id>1002</id>", 1);

    let output = scenario.run("ADVANCE", info.as_bytes());

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stderr = stderr(&output);
    assert!(stderr.contains("left step `Risk Review`"), "{stderr}");
    assert!(stderr.contains("write_if_step_changed"), "{stderr}");
    assert_nothing_written(&scenario, 1002, &before);
}

#[test]
fn wrong_api_password_is_api_error() {
    let scenario = Scenario::start();
    scenario.write_config(&[scorer("")]);
    let before = scenario.ticket_xml(1001);

    let output = scenario.run_with(
        Some("ADVANCE"),
        &ticket_info("advance-1001.xml"),
        &[],
        "wrong-password",
    );

    assert_eq!(
        output.status.code(),
        Some(API_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = stderr(&output);
    assert!(stderr.contains("401"), "{stderr}");
    assert!(
        !stderr.contains("wrong-password"),
        "password leaked: {stderr}"
    );
    assert!(!stderr.contains(API_PASSWORD), "password leaked: {stderr}");
    assert_nothing_written(&scenario, 1001, &before);
}

#[test]
fn unreachable_api_is_api_error() {
    let scenario = Scenario::start();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    scenario.write_config_with_api(&format!("http://127.0.0.1:{closed_port}"), &[scorer("")]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(
        output.status.code(),
        Some(API_FAILED),
        "{}",
        describe(&output)
    );
    assert!(
        stderr(&output).contains("could not connect"),
        "{}",
        describe(&output)
    );
}

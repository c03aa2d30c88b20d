//! Write-back under API faults: every fault the emulator injects leaves the
//! write queued or reported, and a later run writes it exactly once.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};
use hook_runner_tests::ticket_state::{comments, field_texts, successful};
use scw_emulator::faults::{Fault, FaultRule, Phase};

use crate::outbox_support::{
    advance, assert_written_once, outbox_command, outbox_entries, scorer_scenario, stderr,
};

const API_FAILED: i32 = 6;
const FIELDS: &str = "tickets/1001/steps/*/tasks/*/fields";
const COMMENTS: &str = "tickets/1001/steps/*/tasks/*/comments";

/// Injects `rule`, runs ADVANCE and checks that the write is queued with
/// exit 0; then clears the faults and runs `retry`.
fn queued_then_delivered(scenario: &Scenario, rule: FaultRule, retry: &[&str]) {
    scenario.emulator.add_fault(rule).expect("valid rule");
    let first = advance(scenario);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    assert!(
        stderr(&first).contains("queued as outbox entry"),
        "{}",
        describe(&first)
    );
    let pending = outbox_entries(scenario);
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["state"], "pending");
    assert!(pending[0]["last_error"].is_string(), "{pending:?}");

    scenario.emulator.clear_faults();
    let second = if retry.is_empty() {
        advance(scenario)
    } else {
        outbox_command(scenario, retry)
    };
    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    let entries = outbox_entries(scenario);
    assert_eq!(entries[0]["state"], "delivered", "{entries:?}");
    assert_written_once(scenario);
}

#[test]
fn server_errors_are_queued_then_delivered() {
    for status in [500, 502, 503] {
        let scenario = scorer_scenario(10);
        let rule = FaultRule::new("PUT", FIELDS, Fault::Status).status(status);
        queued_then_delivered(&scenario, rule, &["retry"]);
    }
}

#[test]
fn comment_failure_resends_only_comment() {
    let scenario = scorer_scenario(10);
    let rule = FaultRule::new("POST", COMMENTS, Fault::Status).status(503);
    queued_then_delivered(&scenario, rule, &[]);
    let requests = scenario.emulator.requests();
    assert_eq!(successful(&requests, "PUT", "/fields"), 1, "{requests:?}");
    assert_eq!(
        successful(&requests, "POST", "/comments"),
        1,
        "{requests:?}"
    );
}

#[test]
fn refused_connection_is_queued() {
    let scenario = scorer_scenario(10);
    queued_then_delivered(
        &scenario,
        FaultRule::new("PUT", FIELDS, Fault::Refuse),
        &["retry"],
    );
}

#[test]
fn stalled_api_times_out_and_is_queued() {
    let scenario = scorer_scenario(1);
    queued_then_delivered(
        &scenario,
        FaultRule::new("POST", COMMENTS, Fault::Stall),
        &[],
    );
}

#[test]
fn malformed_ticket_body_is_queued() {
    let scenario = scorer_scenario(10);
    // The hook's own read passes; the read before writing gets the bad body.
    let rule = FaultRule::new("GET", "tickets/1001", Fault::MalformedBody).skip(1);
    queued_then_delivered(&scenario, rule, &["retry"]);
}

#[test]
fn cut_response_after_comment_is_not_reposted() {
    let scenario = scorer_scenario(10);
    let rule = FaultRule::new("POST", COMMENTS, Fault::CloseMidResponse).phase(Phase::After);
    queued_then_delivered(&scenario, rule, &["retry"]);
    let posts = scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST")
        .count();
    assert_eq!(posts, 1, "the retry found the comment and did not post it");
}

#[test]
fn server_error_after_write_is_not_repeated() {
    let scenario = scorer_scenario(10);
    let rule = FaultRule::new("POST", COMMENTS, Fault::Status)
        .status(502)
        .phase(Phase::After);
    queued_then_delivered(&scenario, rule, &[]);
    let posts = scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "POST")
        .count();
    assert_eq!(posts, 1, "the rerun found the comment and did not post it");
}

#[test]
fn unauthorized_once_fails_run_and_keeps_write() {
    let scenario = scorer_scenario(10);
    scenario
        .emulator
        .add_fault(FaultRule::new("PUT", FIELDS, Fault::Unauthorized).times(1))
        .expect("valid rule");

    let first = advance(&scenario);

    assert_eq!(
        first.status.code(),
        Some(API_FAILED),
        "{}",
        describe(&first)
    );
    assert!(
        stderr(&first).contains("needs the admin"),
        "{}",
        describe(&first)
    );
    assert_eq!(outbox_entries(&scenario)[0]["state"], "pending");
    let second = advance(&scenario);
    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    assert_written_once(&scenario);
}

#[test]
fn rejected_write_is_kept_for_admin() {
    let scenario = scorer_scenario(10);
    scenario
        .emulator
        .add_fault(FaultRule::new("PUT", FIELDS, Fault::Status).status(400))
        .expect("valid rule");

    let first = advance(&scenario);
    assert_eq!(
        first.status.code(),
        Some(API_FAILED),
        "{}",
        describe(&first)
    );
    let entries = outbox_entries(&scenario);
    assert_eq!(entries[0]["state"], "failed", "{entries:?}");
    let id = entries[0]["id"].as_i64().expect("numeric id").to_string();

    scenario.emulator.clear_faults();
    let rerun = advance(&scenario);
    assert_eq!(
        rerun.status.code(),
        Some(API_FAILED),
        "{}",
        describe(&rerun)
    );
    assert!(
        stderr(&rerun).contains("outbox drop"),
        "{}",
        describe(&rerun)
    );
    let puts = scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "PUT")
        .count();
    assert_eq!(puts, 1, "a failed entry is not retried");
    assert!(field_texts(&scenario.ticket_xml(1001), "Risk Score")[0].is_empty());

    let dropped = outbox_command(&scenario, &["drop", &id]);
    assert_eq!(dropped.status.code(), Some(0), "{}", describe(&dropped));
    let listed = outbox_command(&scenario, &["list"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("no pending or failed"),
        "{}",
        describe(&listed)
    );
    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.jsonl")).expect("audit");
    assert!(audit.contains(r#""action":"dropped""#), "{audit}");
    let again = outbox_command(&scenario, &["drop", &id]);
    assert_eq!(again.status.code(), Some(2), "{}", describe(&again));
}

#[test]
fn rerun_of_delivered_event_writes_nothing() {
    let scenario = scorer_scenario(10);
    let first = advance(&scenario);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));

    let second = advance(&scenario);

    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    assert!(
        stderr(&second).contains("settled by an earlier run"),
        "{}",
        describe(&second)
    );
    assert_written_once(&scenario);
    let puts = scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "PUT")
        .count();
    assert_eq!(puts, 1);
}

#[test]
fn failed_second_task_resends_only_it() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "reason_field = \"Owner Notes\"",
    }]);
    let second_task = "tickets/1003/steps/*/tasks/4304/fields";
    scenario
        .emulator
        .add_fault(FaultRule::new("PUT", second_task, Fault::Status).status(503))
        .expect("valid rule");

    let first = scenario.run("ADVANCE", &ticket_info("advance-1003.xml"));
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    assert!(comments(&scenario.ticket_xml(1003)).is_empty());

    scenario.emulator.clear_faults();
    let rerun = scenario.run("ADVANCE", &ticket_info("advance-1003.xml"));
    assert_eq!(rerun.status.code(), Some(0), "{}", describe(&rerun));

    let requests = scenario.emulator.requests();
    assert_eq!(
        successful(&requests, "PUT", "/tasks/4303/fields"),
        1,
        "{requests:?}"
    );
    assert_eq!(
        successful(&requests, "PUT", "/tasks/4304/fields"),
        1,
        "{requests:?}"
    );
    assert_eq!(comments(&scenario.ticket_xml(1003)).len(), 1);
    let scores = field_texts(&scenario.ticket_xml(1003), "Risk Score");
    assert!(
        scores.iter().filter(|score| !score.is_empty()).count() >= 2,
        "{scores:?}"
    );
}

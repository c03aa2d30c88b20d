//! `kill -9` of hook-runner during write-back: a later run finishes the
//! write, and nothing lands twice.

use std::process::Child;
use std::time::{Duration, Instant};

use hook_runner_tests::scenario::{Scenario, describe, ticket_info};
use hook_runner_tests::ticket_state::comments;
use scw_emulator::faults::{Fault, FaultRule, Phase};

use crate::outbox_support::{advance, assert_written_once, outbox_entries, scorer_scenario};

const FIELDS: &str = "tickets/1001/steps/*/tasks/*/fields";
const COMMENTS: &str = "tickets/1001/steps/*/tasks/*/comments";

/// Upper bound on the wait for hook-runner to reach the stalled request; a
/// safety net against a hung test, not a timing assertion.
const MAX_WAIT: Duration = Duration::from_secs(300);

/// Starts ADVANCE with `method` requests to `path` stalled in `phase`,
/// kills hook-runner with SIGKILL once one is stalled, and clears the
/// faults.
fn kill_while_stalled(method: &str, path: &str, phase: Phase, skip: u32) -> Scenario {
    let scenario = scorer_scenario(60);
    let rule = FaultRule::new(method, path, Fault::Stall)
        .phase(phase)
        .skip(skip);
    scenario.emulator.add_fault(rule).expect("valid rule");
    let mut child = scenario.spawn("ADVANCE", &ticket_info("advance-1001.xml"));
    wait_for_stall(&scenario, &mut child);
    // Child::kill sends SIGKILL on Unix; wait reaps the process, so its pid
    // no longer shows as running.
    child.kill().expect("kill hook-runner");
    child.wait().expect("reap hook-runner");
    scenario.emulator.clear_faults();
    scenario
}

fn wait_for_stall(scenario: &Scenario, child: &mut Child) {
    let started = Instant::now();
    while scenario.emulator.stalled_requests() == 0 {
        if let Some(status) = child.try_wait().expect("poll hook-runner") {
            let output = child_output(child);
            panic!("hook-runner exited with {status} before the stall\n{output}");
        }
        assert!(
            started.elapsed() < MAX_WAIT,
            "hook-runner never reached the stall"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn child_output(child: &mut Child) -> String {
    use std::io::Read;
    let mut text = String::new();
    if let Some(stderr) = child.stderr.as_mut() {
        let _ = stderr.read_to_string(&mut text);
    }
    text
}

fn count_requests(scenario: &Scenario, method: &str) -> usize {
    scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == method)
        .count()
}

fn rerun_writes_once(scenario: &Scenario) {
    let output = advance(scenario);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_written_once(scenario);
    let entries = outbox_entries(scenario);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["state"], "delivered", "{entries:?}");
}

#[test]
fn killed_before_ticket_read_then_rerun() {
    // The first GET is the hook's own read; the second is the one before
    // writing, after the entry is recorded.
    let scenario = kill_while_stalled("GET", "tickets/1001", Phase::Before, 1);
    assert!(comments(&scenario.ticket_xml(1001)).is_empty());
    assert_eq!(outbox_entries(&scenario)[0]["state"], "pending");
    rerun_writes_once(&scenario);
}

#[test]
fn killed_before_fields_then_rerun() {
    let scenario = kill_while_stalled("PUT", FIELDS, Phase::Before, 0);
    rerun_writes_once(&scenario);
}

#[test]
fn killed_after_fields_landed_then_rerun() {
    let scenario = kill_while_stalled("PUT", FIELDS, Phase::After, 0);
    rerun_writes_once(&scenario);
    assert_eq!(count_requests(&scenario, "POST"), 1);
}

#[test]
fn killed_before_comment_then_rerun() {
    let scenario = kill_while_stalled("POST", COMMENTS, Phase::Before, 0);
    assert!(comments(&scenario.ticket_xml(1001)).is_empty());
    rerun_writes_once(&scenario);
    assert_eq!(
        count_requests(&scenario, "PUT"),
        1,
        "the fields are not sent again"
    );
}

#[test]
fn killed_after_comment_landed_then_rerun() {
    let scenario = kill_while_stalled("POST", COMMENTS, Phase::After, 0);
    assert_eq!(comments(&scenario.ticket_xml(1001)).len(), 1);
    rerun_writes_once(&scenario);
    // The killed run's post landed but its response never finished, so
    // the emulator's log has no entry for it: any POST is a repeat.
    assert_eq!(
        count_requests(&scenario, "POST"),
        0,
        "the comment is posted again"
    );
}

#[test]
fn killed_write_delivered_by_other_event() {
    let scenario = kill_while_stalled("POST", COMMENTS, Phase::Before, 0);

    // No hook is bound to CLOSE; the run still delivers what is pending.
    let output = scenario.run("CLOSE", &ticket_info("close-1002.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_written_once(&scenario);
    assert_eq!(outbox_entries(&scenario)[0]["state"], "delivered");
}

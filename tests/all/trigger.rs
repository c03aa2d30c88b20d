//! A Rust hook runs on a ticket event and its results land in the ticket.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

fn risk_scorer(settings: &'static str) -> HookEntry<'static> {
    HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings,
    }
}

#[test]
fn advance_writes_fields_and_comment() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer("")]);
    let before = scenario.ticket_xml(1001);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let after = scenario.ticket_xml(1001);
    assert_ne!(before, after);
    let writes = scenario.writes();
    let methods: Vec<&str> = writes
        .iter()
        .map(|request| request.method.as_str())
        .collect();
    assert_eq!(methods, ["PUT", "POST"], "{writes:?}");
    assert!(
        writes.iter().all(|request| request.status < 300),
        "{writes:?}"
    );
    assert!(after.contains("<type>COMMENT</type>"), "{after}");
    assert!(
        after.contains("AR1"),
        "reason names the access requests: {after}"
    );
}

#[test]
fn advance_on_multi_task_step_writes_every_task() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer("reason_field = \"Owner Notes\"")]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1003.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let puts = scenario
        .writes()
        .into_iter()
        .filter(|request| request.method == "PUT")
        .count();
    assert_eq!(puts, 2, "one field request per task");
}

#[test]
fn other_event_runs_no_hook() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer("")]);

    let output = scenario.run("CLOSE", &ticket_info("close-1002.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(scenario.emulator.requests().is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no hook is bound"), "{stderr}");
}

#[test]
fn step_filter_skips_other_steps() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        extra: "steps = [\"Business Approval\"]",
        ..risk_scorer("")
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn workflow_filter_reads_the_ticket() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        extra: "workflows = [\"access request\"]",
        ..risk_scorer("")
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(scenario.writes().len(), 2, "the hook ran and wrote");
}

#[test]
fn every_event_value_is_accepted() {
    let scenario = Scenario::start();
    scenario.write_config(&[]);
    let events = [
        "CREATE",
        "CLOSE",
        "CANCEL",
        "REJECT",
        "ADVANCE",
        "REDO",
        "RESUBMIT",
        "REOPEN",
        "RESOLVE",
        "PRE_ASSIGNMENT_SCRIPT",
        "AUTOMATION_FAILED",
    ];
    for event in events {
        let output = scenario.run(event, &ticket_info("advance-1001.xml"));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{event}: {}",
            describe(&output)
        );
    }
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn log_file_gets_the_run() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer("")]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let log =
        std::fs::read_to_string(scenario.dir.path().join("hook-runner.log")).expect("log file");
    assert!(log.contains("wrote the hook's changes"), "{log}");
    assert!(
        !log.contains(hook_runner_tests::scenario::API_PASSWORD),
        "password in log"
    );
}

#[test]
fn response_about_another_ticket_writes_nothing() {
    let other =
        std::fs::read_to_string(hook_runner_tests::scenario::fixtures().join("tickets/1004.xml"))
            .expect("read the ticket fixture");
    let api = hook_runner_tests::http_service::HttpService::start(move |_| {
        (200, "application/xml", other.clone())
    });
    let scenario = Scenario::start();
    scenario.write_config_with_api(&api.base_url(), &[risk_scorer("")]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(6), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("it describes ticket 1004 instead of ticket 1001"),
        "{stderr}"
    );
    let requests = api.requests();
    assert!(
        requests.iter().all(|request| request.method == "GET"),
        "{requests:?}"
    );
}

#[test]
fn html_answer_to_write_stays_pending() {
    let ticket =
        std::fs::read_to_string(hook_runner_tests::scenario::fixtures().join("tickets/1001.xml"))
            .expect("read the ticket fixture");
    let api = hook_runner_tests::http_service::HttpService::start(move |request| {
        if request.method == "GET" {
            (200, "application/xml", ticket.clone())
        } else {
            (
                200,
                "text/html",
                "<html><body>Sign in</body></html>".to_string(),
            )
        }
    });
    let scenario = Scenario::start();
    scenario.write_config_with_api(&api.base_url(), &[risk_scorer("")]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("answered the write with an HTML page"),
        "{stderr}"
    );
    let listed = scenario.run_with(None, b"", &["outbox", "list"], API_PASSWORD);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains(" pending ticket 1001"), "{listed}");
}

//! Command hooks: WASI programs with the classic script contract (event in
//! `SCW_EVENT`, ticket info on standard input, result on standard output),
//! built from C, Go and Rust, under the same policy rules as trigger hooks.

use std::process::Output;

use hook_runner_tests::components::{PRIORITY_LEVEL_C, REQUESTER_NOTE_GO, component};
use hook_runner_tests::guests::COMMAND_PROBE;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1001;

/// A command-probe hook; its name picks the probe's mode.
fn probe(mode: &str) -> HookEntry<'_> {
    command_hook(mode, COMMAND_PROBE)
}

fn command_hook<'a>(name: &'a str, component: &'a str) -> HookEntry<'a> {
    HookEntry {
        name,
        component,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }
}

/// Runs `hooks` on ADVANCE for ticket 1001 and returns the scenario, the
/// ticket before the run and the output.
fn run_advance(hooks: &[HookEntry<'_>]) -> (Scenario, String, Output) {
    let scenario = Scenario::start();
    scenario.write_config(hooks);
    let before = scenario.ticket_xml(TICKET);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    (scenario, before, output)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(output.status.code(), Some(expected), "{}", describe(output));
}

/// Returns the texts of the comments the emulator stored on ticket 1001.
fn comments(scenario: &Scenario) -> Vec<String> {
    let xml = scenario.ticket_xml(TICKET);
    xml.split("<content>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</content>"))
        .map(|(content, _)| content.to_string())
        .collect()
}

#[test]
fn rust_wasip2_command_writes_fields() {
    let (scenario, before, output) = run_advance(&[probe("review")]);

    assert_exit(&output, 0);
    let after = scenario.ticket_xml(TICKET);
    assert_ne!(before, after);
    assert!(
        after.contains("ADVANCE on Payment gateway to settlement API"),
        "{after}"
    );
    assert!(after.contains("<selection>High</selection>"), "{after}");
    assert_eq!(comments(&scenario), ["Reviewed by the Rust command hook."]);
    let methods: Vec<String> = scenario.writes().into_iter().map(|w| w.method).collect();
    assert_eq!(methods, ["PUT", "POST"]);
}

#[test]
fn c_core_module_writes_fields() {
    let component = component(PRIORITY_LEVEL_C);
    let (scenario, _, output) = run_advance(&[command_hook("priority-level", &component)]);

    assert_exit(&output, 0);
    let after = scenario.ticket_xml(TICKET);
    assert!(after.contains("<selection>Medium</selection>"), "{after}");
    assert_eq!(
        comments(&scenario),
        ["Ticket 1001: risk level set from priority Normal on ADVANCE."]
    );
}

#[test]
fn c_core_module_fits_small_memory_limit() {
    // Built with a 1 MiB stack; zig's default 16 MiB stack alone would
    // exceed this limit.
    let scenario = Scenario::start();
    let policy = scenario.dir.path().join("small.toml");
    std::fs::write(
        &policy,
        "[ticket]\nread = true\nwrite_fields = [\"Risk Level\"]\ncomment = true\n\n[limits]\nmemory_mib = 16\n",
    )
    .expect("write the policy");
    let component = component(PRIORITY_LEVEL_C);
    let extra = format!("policy = \"{}\"", policy.display());
    scenario.write_config(&[HookEntry {
        extra: &extra,
        ..command_hook("priority-level", &component)
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_exit(&output, 0);
}

#[test]
fn go_core_module_writes_fields() {
    let component = component(REQUESTER_NOTE_GO);
    let (scenario, _, output) = run_advance(&[command_hook("requester-note", &component)]);

    assert_exit(&output, 0);
    let after = scenario.ticket_xml(TICKET);
    assert!(
        after.contains("Requested by Julia Meyer; ADVANCE on step Risk Review."),
        "{after}"
    );
    assert_eq!(
        comments(&scenario),
        ["Ticket 1001 (Payment gateway to settlement API) noted by the Go command hook."]
    );
}

#[test]
fn environment_holds_only_the_event() {
    let (scenario, _, output) = run_advance(&[probe("environment")]);

    assert_exit(&output, 0);
    let comments = comments(&scenario);
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert!(
        comments[0].starts_with("env [SCW_EVENT=ADVANCE] args [environment] root denied"),
        "{comments:?}"
    );
    assert!(!comments[0].contains("TEST_API_PASSWORD"), "{comments:?}");
}

#[test]
fn sockets_are_denied() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let address = listener.local_addr().expect("address");
    let scenario = Scenario::start();
    scenario.write_config(&[probe("connect")]);
    let info = String::from_utf8(ticket_info("advance-1001.xml"))
        .expect("UTF-8")
        .replace("Payment gateway to settlement API", &address.to_string());

    let output = scenario.run("ADVANCE", info.as_bytes());

    assert_exit(&output, 0);
    let comments = comments(&scenario);
    assert_eq!(
        comments,
        [format!("connect to {address} failed: PermissionDenied")]
    );
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    assert!(listener.accept().is_err(), "the hook reached the listener");
}

#[test]
fn nonzero_exit_fails_and_writes_nothing() {
    let (scenario, before, output) = run_advance(&[probe("fail")]);

    assert_exit(&output, HOOK_FAILED);
    let stderr = stderr(&output);
    // WASI 0.2 carries only success or failure, so exit(3) arrives as 1.
    assert!(stderr.contains("the hook exited with status 1"), "{stderr}");
    assert!(
        stderr.contains("no change window found for `Payment gateway to settlement API`"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
    assert_eq!(scenario.ticket_xml(TICKET), before);
}

#[test]
fn plain_text_output_fails() {
    let (scenario, _, output) = run_advance(&[probe("garbage")]);

    assert_exit(&output, HOOK_FAILED);
    let stderr = stderr(&output);
    assert!(
        stderr.contains("the hook's standard output is not a valid result"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
}

#[test]
fn output_over_limit_fails() {
    let (scenario, _, output) = run_advance(&[probe("flood")]);

    assert_exit(&output, HOOK_FAILED);
    let stderr = stderr(&output);
    assert!(
        stderr.contains("reached its limit of 64 KiB (max_output_kib)"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
}

#[test]
fn endless_loop_hits_time_limit() {
    let scenario = Scenario::start();
    let policy = scenario.dir.path().join("short.toml");
    std::fs::write(&policy, "[limits]\nwall_time_seconds = 1\n").expect("write policy");
    let extra = format!("policy = \"{}\"", policy.display());
    scenario.write_config(&[HookEntry {
        extra: &extra,
        ..probe("spin")
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_exit(&output, HOOK_FAILED);
    let stderr = stderr(&output);
    assert!(stderr.contains("time limit of 1s"), "{stderr}");
}

#[test]
fn write_outside_grant_is_rejected() {
    let scenario = Scenario::start();
    let policy = scenario.dir.path().join("narrow.toml");
    std::fs::write(
        &policy,
        "[ticket]\nwrite_fields = [\"Risk Level\"]\ncomment = true\n",
    )
    .expect("write policy");
    let extra = format!("policy = \"{}\"", policy.display());
    scenario.write_config(&[HookEntry {
        extra: &extra,
        ..probe("review")
    }]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_exit(&output, HOOK_FAILED);
    let stderr = stderr(&output);
    assert!(stderr.contains("`Reviewed`"), "{stderr}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn condition_result_is_printed() {
    let (scenario, _, output) = run_advance(&[probe("condition")]);

    assert_exit(&output, 0);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "<response><condition_result>true</condition_result></response>\n"
    );
    assert!(scenario.writes().is_empty());
}

#[test]
fn condition_false_when_any_hook_says_false() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        events: "[\"ADVANCE\", \"CREATE\"]",
        ..probe("condition")
    }]);

    let output = scenario.run("CREATE", &ticket_info("advance-1001.xml"));

    assert_exit(&output, 0);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "<response><condition_result>false</condition_result></response>\n"
    );
}

#[test]
fn condition_not_printed_after_failure() {
    let (_, _, output) = run_advance(&[probe("condition"), probe("fail")]);

    assert_exit(&output, HOOK_FAILED);
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

#[test]
fn check_reports_command_kind() {
    let scenario = Scenario::start();
    let component = component(PRIORITY_LEVEL_C);
    scenario.write_config(&[probe("review"), command_hook("priority-level", &component)]);

    let output = scenario.run_with(None, b"", &["check", "--json"], "unused");

    assert_exit(&output, 0);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let hooks = report["hooks"].as_array().expect("hooks");
    assert_eq!(hooks[0]["kind"], "command", "{report}");
    assert_eq!(hooks[1]["kind"], "command", "{report}");
    assert_eq!(hooks[1]["adapter"], "command", "{report}");
    assert_eq!(hooks[0]["adapter"], serde_json::Value::Null, "{report}");
}

//! `hook-runner test`: one hook on a `<ticket_info>` file, with a report of
//! its changes, log lines, HTTP requests and resource use. The runs use the
//! real binary, real compiled guests and the emulator over HTTP.

use std::process::Output;

use hook_runner_tests::guests::{COMMAND_PROBE, HOSTILE, PCI_SCOPE, RISK_SCORER};
use hook_runner_tests::http_service::{HttpService, Reply};
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, fixtures};
use hook_runner_tests::ticket_state::field_texts;
use serde_json::Value;

const SUCCESS: i32 = 0;
const USAGE: i32 = 2;
const CONFIG: i32 = 3;
const INPUT: i32 = 4;
const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1001;

fn ticket_file() -> String {
    fixtures()
        .join("ticket_info/advance-1001.xml")
        .to_string_lossy()
        .into_owned()
}

fn risk_policy() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guests/risk-scorer/policy.toml"
    );
    format!("policy = \"{path}\"")
}

/// Starts the emulator with the risk-scorer example configured as `risk`.
fn risk_scenario() -> Scenario {
    let scenario = Scenario::start();
    let policy = risk_policy();
    scenario.write_config(&[HookEntry {
        name: "risk",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: &policy,
        settings: "",
    }]);
    scenario
}

/// Starts the emulator with the hostile hook configured as `hostile`, under
/// a policy of `policy` TOML text (the test policy when empty) and with
/// `settings`.
fn hostile_scenario(policy: &str, settings: &str) -> Scenario {
    let scenario = Scenario::start();
    let extra = if policy.is_empty() {
        String::new()
    } else {
        let path = scenario.dir.path().join("hostile-policy.toml");
        std::fs::write(&path, policy).expect("write the policy");
        format!("policy = \"{}\"", path.display())
    };
    scenario.write_config(&[HookEntry {
        name: "hostile",
        component: HOSTILE,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings,
    }]);
    scenario
}

fn run_test(scenario: &Scenario, args: &[&str]) -> Output {
    let mut full = vec!["test"];
    full.extend_from_slice(args);
    scenario.run_with(None, b"", &full, API_PASSWORD)
}

/// Runs `test HOOK` on ticket 1001's ADVANCE with `--json` and `extra`
/// arguments, checks the exit code and returns the parsed report.
fn json_report(scenario: &Scenario, hook: &str, extra: &[&str], expected_exit: i32) -> Value {
    let ticket = ticket_file();
    let mut args = vec![hook, "--ticket", &ticket, "--event", "ADVANCE", "--json"];
    args.extend_from_slice(extra);
    let output = run_test(scenario, &args);
    assert_eq!(
        output.status.code(),
        Some(expected_exit),
        "{}",
        describe(&output)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("the report is not JSON ({error}): {}", describe(&output)))
}

fn metric<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["metrics"]
        .as_array()
        .expect("metrics is an array")
        .iter()
        .find(|metric| metric["name"] == name)
        .unwrap_or_else(|| panic!("no metric `{name}` in {report}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn dry_run_reports_changes_and_writes_nothing() {
    let scenario = risk_scenario();
    let before = scenario.ticket_xml(TICKET);
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &["risk", "--ticket", &ticket, "--event", "ADVANCE"],
    );

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let text = stdout(&output);
    assert!(
        text.contains("hook `risk` on ADVANCE for ticket 1001 (dry run)"),
        "{text}"
    );
    assert!(text.contains("  Risk Score (text_field, task "), "{text}");
    assert!(text.contains("    before: \"\"\n"), "{text}");
    assert!(
        text.contains("dry run: nothing was written to the ticket"),
        "{text}"
    );
    assert!(text.contains("risk score"), "the hook's log line: {text}");
    assert!(text.contains("peak_memory"), "{text}");
    assert!(scenario.writes().is_empty(), "{:?}", scenario.writes());
    assert_eq!(scenario.ticket_xml(TICKET), before);
}

#[test]
fn dry_run_writes_no_audit_write_records() {
    let scenario = Scenario::start();
    let policy = risk_policy();
    scenario.write_config_with(
        "[audit]\nfile = \"audit.log\"\n",
        &[HookEntry {
            name: "risk",
            component: RISK_SCORER,
            events: "[\"ADVANCE\"]",
            extra: &policy,
            settings: "",
        }],
    );
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &["risk", "--ticket", &ticket, "--event", "ADVANCE"],
    );

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.log"))
        .expect("the audit log exists");
    assert!(audit.contains("\"kind\":\"hook_started\""), "{audit}");
    assert!(audit.contains("\"kind\":\"hook_finished\""), "{audit}");
    assert!(!audit.contains("\"kind\":\"field_write\""), "{audit}");
    assert!(!audit.contains("\"kind\":\"comment\""), "{audit}");

    // The same run with --write records its writes, so the checks above
    // look for lines that a write does produce.
    let output = run_test(
        &scenario,
        &["risk", "--ticket", &ticket, "--event", "ADVANCE", "--write"],
    );

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.log"))
        .expect("the audit log exists");
    assert!(audit.contains("\"kind\":\"field_write\""), "{audit}");
    assert!(audit.contains("\"kind\":\"comment\""), "{audit}");
}

#[test]
fn write_flag_writes_the_ticket() {
    let scenario = risk_scenario();
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &["risk", "--ticket", &ticket, "--event", "ADVANCE", "--write"],
    );

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let text = stdout(&output);
    assert!(text.contains("(with --write)"), "{text}");
    assert!(text.contains("wrote 2 field(s) and 1 comment(s)"), "{text}");
    let scores = field_texts(&scenario.ticket_xml(TICKET), "Risk Score");
    assert!(
        scores.iter().any(|score| !score.is_empty()),
        "Risk Score is still empty: {scores:?}"
    );
}

#[test]
fn json_report_has_every_part() {
    let scenario = risk_scenario();
    let before = scenario.ticket_xml(TICKET);

    let report = json_report(&scenario, "risk", &[], SUCCESS);

    assert_eq!(report["hook"], "risk");
    assert_eq!(report["event"], "ADVANCE");
    assert_eq!(report["ticket"], TICKET);
    assert_eq!(report["status"], "ok");
    assert_eq!(report["exit_code"], SUCCESS);
    assert!(report["failure"].is_null(), "{report}");
    assert_eq!(report["write"]["mode"], "dry_run");
    assert_eq!(report["write"]["written"], false);
    assert_eq!(report["step"]["name"], "Risk Review");
    assert!(
        report["component"]["size_bytes"].as_u64() > Some(0),
        "{report}"
    );
    let digest = report["component"]["digest"].as_str().unwrap_or_default();
    assert!(digest.starts_with("sha256:"), "{report}");

    let changes = report["changes"].as_array().expect("changes");
    let score = changes
        .iter()
        .find(|change| change["field"] == "Risk Score")
        .unwrap_or_else(|| panic!("no Risk Score change in {report}"));
    assert_eq!(score["before"], "");
    assert_ne!(score["after"], "");
    assert_eq!(score["field_type"], "text_field");
    assert!(score["task"].is_u64(), "{score}");
    assert_eq!(report["comments"].as_array().map(Vec::len), Some(1));

    let log = report["log"].as_array().expect("log");
    assert!(
        log.iter().any(|line| line["level"] == "info"
            && line["message"]
                .as_str()
                .unwrap_or_default()
                .contains("risk score")),
        "{report}"
    );
    assert_eq!(report["requests"].as_array().map(Vec::len), Some(0));

    assert!(
        metric(&report, "peak_memory")["value"].as_u64() > Some(0),
        "{report}"
    );
    assert_eq!(metric(&report, "peak_memory")["limit_key"], "memory_mib");
    assert_eq!(metric(&report, "peak_memory")["limit"], 64 << 20);
    assert!(
        metric(&report, "fuel")["value"].as_u64() > Some(0),
        "{report}"
    );
    assert!(
        metric(&report, "fuel")["limit"].is_null(),
        "fuel metering is off"
    );
    assert_eq!(metric(&report, "wall_time")["limit"], 10_000);
    assert!(metric(&report, "outcome_size")["value"].as_u64() > Some(0));
    assert_eq!(metric(&report, "component_size")["state"], "ok");
    assert_eq!(scenario.ticket_xml(TICKET), before);
}

#[test]
fn denied_request_is_reported() {
    let settings = "mode = \"http\"\nurl = \"http://127.0.0.1:9/api/\"\n";
    let scenario = hostile_scenario("", settings);

    let report = json_report(&scenario, "hostile", &[], HOOK_FAILED);

    let requests = report["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 1, "{report}");
    assert_eq!(requests[0]["decision"], "denied");
    assert_eq!(requests[0]["method"], "GET");
    assert_eq!(requests[0]["url"], "http://127.0.0.1:9/api/");
    let reason = requests[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("[[http]]"), "{reason}");
    let failure = report["failure"]["message"].as_str().unwrap_or_default();
    assert!(failure.contains("broke its policy"), "{failure}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn request_over_limit_is_reported() {
    let server = HttpService::start(|_| -> Reply { (200, "text/plain", "ok".to_string()) });
    let port = server.port();
    let policy = format!(
        "[ticket]\nread = true\n\n[[http]]\nname = \"api\"\nscheme = \"http\"\nhost = \"127.0.0.1\"\nports = {port}\npath_prefix = \"/api/\"\nmethods = [\"GET\"]\n\n[limits]\nmax_http_requests = 1\n"
    );
    let settings =
        format!("mode = \"http\"\nurl = \"http://127.0.0.1:{port}/api/x\"\ncount = \"2\"\n");
    let scenario = hostile_scenario(&policy, &settings);

    let report = json_report(&scenario, "hostile", &[], HOOK_FAILED);

    let requests = report["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 2, "{report}");
    assert_eq!(requests[0]["decision"], "allowed");
    assert_eq!(requests[0]["grant"], "api");
    assert_eq!(requests[0]["status"], 200);
    assert_eq!(requests[1]["decision"], "denied");
    assert_eq!(metric(&report, "http_requests")["state"], "over");
    assert_eq!(report["failure"]["limit"], "max_http_requests");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn body_sizes_are_compared_with_limits() {
    let server = HttpService::start(|_| -> Reply { (200, "text/plain", "x".repeat(3000)) });
    let port = server.port();
    let policy = format!(
        "[ticket]\nread = true\ncomment = true\n\n[[http]]\nname = \"api\"\nscheme = \"http\"\nhost = \"127.0.0.1\"\nports = {port}\npath_prefix = \"/api/\"\nmethods = [\"POST\"]\n\n[limits]\nmax_request_body_kib = 1\nmax_response_body_kib = 2\n"
    );
    let settings = format!(
        "mode = \"http\"\nmethod = \"POST\"\nbody_bytes = \"1000\"\nurl = \"http://127.0.0.1:{port}/api/x\"\n"
    );
    let scenario = hostile_scenario(&policy, &settings);

    let report = json_report(&scenario, "hostile", &[], SUCCESS);
    let text = stdout(&run_test(
        &scenario,
        &["hostile", "--ticket", &ticket_file(), "--event", "ADVANCE"],
    ));

    let request = &report["requests"][0];
    assert_eq!(request["request_body"]["bytes"], 1000, "{report}");
    assert_eq!(request["request_body"]["limit"], 1024);
    assert_eq!(request["request_body"]["state"], "near");
    assert_eq!(request["response_body"]["limit"], 2048);
    assert_eq!(request["response_body"]["state"], "over", "{report}");
    assert!(
        text.contains("~ sent 1000 bytes of 1.0 KiB (max_request_body_kib)"),
        "{text}"
    );
    assert!(text.contains("! read "), "{text}");
    assert!(
        text.contains("over the limit, so the request failed"),
        "{text}"
    );
}

fn command_probe_scenario(mode: &str) -> Scenario {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: mode,
        component: COMMAND_PROBE,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    scenario
}

#[test]
fn command_hook_result_is_reported() {
    let scenario = command_probe_scenario("review");

    let report = json_report(&scenario, "review", &[], SUCCESS);

    let changes = report["changes"].as_array().expect("changes");
    let risk = changes
        .iter()
        .find(|change| change["field"] == "Risk Level")
        .unwrap_or_else(|| panic!("no Risk Level change in {report}"));
    assert_eq!(risk["after"], "High");
    assert_eq!(
        report["comments"][0], "Reviewed by the Rust command hook.",
        "{report}"
    );
    let logged_stdout = report["log"]
        .as_array()
        .expect("log")
        .iter()
        .any(|line| line["level"] == "stdout");
    assert!(
        !logged_stdout,
        "a command hook's stdout is its result: {report}"
    );
    assert!(metric(&report, "stdout")["value"].as_u64() > Some(0));
    assert!(scenario.writes().is_empty());
}

#[test]
fn command_hook_failure_is_reported() {
    let scenario = command_probe_scenario("fail");

    let report = json_report(&scenario, "fail", &[], HOOK_FAILED);

    let failure = report["failure"]["message"].as_str().unwrap_or_default();
    assert!(failure.contains("no change window found"), "{report}");
    assert!(scenario.writes().is_empty());
}

#[test]
fn condition_hook_is_sent_to_condition() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "pci-scope",
        component: PCI_SCOPE,
        events: "[]",
        extra: "kind = \"condition\"",
        settings: "",
    }]);
    let ticket = ticket_file();

    let by_name = run_test(
        &scenario,
        &["pci-scope", "--ticket", &ticket, "--event", "ADVANCE"],
    );
    let by_path = run_test(
        &scenario,
        &[PCI_SCOPE, "--ticket", &ticket, "--event", "ADVANCE"],
    );

    assert_eq!(
        by_name.status.code(),
        Some(CONFIG),
        "{}",
        describe(&by_name)
    );
    assert!(
        stderr(&by_name).contains("try it with `hook-runner condition pci-scope test`"),
        "{}",
        describe(&by_name)
    );
    assert_eq!(
        by_path.status.code(),
        Some(CONFIG),
        "{}",
        describe(&by_path)
    );
    assert!(
        stderr(&by_path).contains("is a condition hook (it exports `evaluate`)"),
        "{}",
        describe(&by_path)
    );
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn memory_limit_is_reported() {
    let policy = "[ticket]\nread = true\n\n[limits]\nmemory_mib = 16\n";
    let scenario = hostile_scenario(policy, "mode = \"membomb\"\n");
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &["hostile", "--ticket", &ticket, "--event", "ADVANCE"],
    );

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let text = stdout(&output);
    assert!(text.contains("result: FAILED (exit code 5)"), "{text}");
    assert!(text.contains("memory limit of 16 MiB"), "{text}");
    assert!(text.contains("limit: the policy's `memory_mib`"), "{text}");
    assert!(text.contains("  ! peak_memory"), "{text}");
    assert!(
        text.contains("! peak_memory reached the limit `memory_mib`"),
        "{text}"
    );
}

#[test]
fn fuel_limit_is_reported() {
    let policy = "[ticket]\nread = true\n\n[limits]\nfuel = 1000000\n";
    let scenario = hostile_scenario(policy, "mode = \"loop\"\n");

    let report = json_report(&scenario, "hostile", &[], HOOK_FAILED);

    assert_eq!(report["failure"]["limit"], "fuel");
    let fuel = metric(&report, "fuel");
    assert_eq!(fuel["state"], "over");
    assert_eq!(fuel["limit"], 1_000_000);
}

#[test]
fn time_limit_is_reported() {
    let policy = "[ticket]\nread = true\n\n[limits]\nwall_time_seconds = 1\n";
    let scenario = hostile_scenario(policy, "mode = \"loop\"\n");

    let report = json_report(&scenario, "hostile", &[], HOOK_FAILED);

    assert_eq!(report["failure"]["limit"], "wall_time_seconds");
    let message = report["failure"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("time limit"), "{message}");
    assert_eq!(metric(&report, "wall_time")["state"], "over");
    assert_eq!(metric(&report, "wall_time")["limit"], 1000);
}

#[test]
fn value_near_limit_is_flagged() {
    // Each log line costs its length plus 64 bytes, so 7 pairs of an empty
    // and a one-byte line use 903 of 1024 bytes: 88%, under the limit.
    let policy = "[ticket]\nread = true\n\n[limits]\nmax_log_kib = 1\n";
    let scenario = hostile_scenario(policy, "mode = \"logflood\"\nn = \"7\"\n");

    let report = json_report(&scenario, "hostile", &[], SUCCESS);

    let log = metric(&report, "log");
    assert_eq!(log["value"], 903);
    assert_eq!(log["state"], "near");
    assert_eq!(report["log"].as_array().map(Vec::len), Some(14));
}

#[test]
fn component_path_runs_with_policy_and_settings() {
    let scenario = Scenario::start();
    scenario.write_config(&[]);
    let policy = scenario.default_policy();
    let policy = policy.to_str().expect("UTF-8 path");

    let report = json_report(
        &scenario,
        HOSTILE,
        &[
            "--policy",
            policy,
            "--set",
            "mode=field",
            "--set",
            "value=7",
        ],
        SUCCESS,
    );

    assert_eq!(report["hook"], "hostile");
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{report}");
    assert_eq!(changes[0]["field"], "Risk Score");
    assert_eq!(changes[0]["after"], "7");
    assert!(scenario.writes().is_empty());
}

#[test]
fn component_path_without_policy_is_denied_writes() {
    let scenario = Scenario::start();
    scenario.write_config(&[]);

    let report = json_report(&scenario, HOSTILE, &["--set", "mode=field"], HOOK_FAILED);

    let failure = report["failure"]["message"].as_str().unwrap_or_default();
    assert!(failure.contains("does not grant"), "{failure}");
    assert_eq!(report["write"]["written"], false);
    assert!(scenario.writes().is_empty());
}

#[test]
fn json_error_is_json() {
    let scenario = risk_scenario();
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &[
            "no-such-hook",
            "--ticket",
            &ticket,
            "--event",
            "ADVANCE",
            "--json",
        ],
    );

    assert_eq!(output.status.code(), Some(USAGE), "{}", describe(&output));
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", describe(&output)));
    assert_eq!(report["status"], "error");
    assert_eq!(report["exit_code"], USAGE);
    let error = report["error"].as_str().unwrap_or_default();
    assert!(error.contains("no-such-hook"), "{report}");
}

#[test]
fn bad_input_is_rejected() {
    let scenario = risk_scenario();
    let ticket = ticket_file();
    let invalid = scenario.dir.path().join("invalid.xml");
    std::fs::write(&invalid, "<ticket_info><id>1001</ticket_info>").expect("write");
    let invalid = invalid.to_string_lossy().into_owned();
    let empty = scenario.dir.path().join("empty.xml");
    std::fs::write(&empty, "<ticket_info/>").expect("write");
    let empty = empty.to_string_lossy().into_owned();
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &[
                "risk",
                "--ticket",
                "/nonexistent/t.xml",
                "--event",
                "ADVANCE",
            ],
            INPUT,
            "failed to open --ticket `/nonexistent/t.xml`",
        ),
        (
            &["risk", "--ticket", &invalid, "--event", "ADVANCE"],
            INPUT,
            "--ticket `",
        ),
        (
            &["risk", "--ticket", &empty, "--event", "ADVANCE"],
            INPUT,
            "has no ticket <id>",
        ),
        (
            &["risk", "--ticket", &ticket, "--event", "ADVANCED"],
            INPUT,
            "--event: ",
        ),
        (
            &["nosuch", "--ticket", &ticket, "--event", "ADVANCE"],
            USAGE,
            "hook `nosuch` is not in the configuration",
        ),
        (
            &[
                "risk", "--ticket", &ticket, "--event", "ADVANCE", "--set", "novalue",
            ],
            USAGE,
            "--set `novalue` has no `=`",
        ),
        (
            &[
                "risk", "--ticket", &ticket, "--event", "ADVANCE", "--api", "ftp://x",
            ],
            USAGE,
            "--api `ftp://x` must be an http or https URL",
        ),
    ];
    for (args, code, message) in cases {
        let output = run_test(&scenario, args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            describe(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            describe(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{args:?}: {}",
            describe(&output)
        );
    }
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn missing_component_is_config_error() {
    let scenario = Scenario::start();
    scenario.write_config(&[]);
    let ticket = ticket_file();

    let output = run_test(
        &scenario,
        &[
            "/nonexistent/hook.wasm",
            "--ticket",
            &ticket,
            "--event",
            "ADVANCE",
        ],
    );

    assert_eq!(output.status.code(), Some(CONFIG), "{}", describe(&output));
    assert!(
        stderr(&output).contains("failed to read component `/nonexistent/hook.wasm`"),
        "{}",
        describe(&output)
    );
}

#[test]
fn api_option_replaces_configured_url() {
    let scenario = risk_scenario();
    // The configuration points at a closed port; --api names the emulator.
    let policy = risk_policy();
    scenario.write_config_with_api(
        "http://127.0.0.1:9",
        &[HookEntry {
            name: "risk",
            component: RISK_SCORER,
            events: "[\"ADVANCE\"]",
            extra: &policy,
            settings: "",
        }],
    );
    let api = scenario.emulator.base_url();

    let report = json_report(&scenario, "risk", &["--api", &api], SUCCESS);

    assert_eq!(report["step"]["name"], "Risk Review");
    assert!(!scenario.emulator.requests().is_empty());
}

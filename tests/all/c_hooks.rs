//! Hooks written in C with the C SDK (`guest-sdk/c`), compiled by zig cc
//! and componentized by hook-runner: the `change-window` trigger hook, the
//! `high-risk` condition and the `split-by-target` assignment hook run end
//! to end against the emulator, and each exports its world's function.

use std::path::Path;
use std::process::{Command, Output};

use hook_runner_tests::components::{
    CHANGE_WINDOW_C, HIGH_RISK_CONDITION_C, SPLIT_BY_TARGET_C, component,
};
use hook_runner_tests::scenario::{
    HookEntry, Scenario, describe, fixtures, hook_runner_binary, ticket_info,
};
use hook_runner_tests::ticket_state::{comments, field_selections};

const SUCCESS: i32 = 0;
const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1001;
const STATUS_FIELD: &str = "Change Window Status";

/// The path of the example policy, relative to the tests package.
const EXAMPLE_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../guests/change-window-c/policy.toml"
);

/// Returns ticket 1001 with a "Change Window" text field that reads
/// `window` and a "Change Window Status" drop-down on its Risk Review task.
fn ticket_with_window(window: &str) -> String {
    let ticket = std::fs::read_to_string(fixtures().join("tickets/1001.xml")).expect("ticket 1001");
    let anchor = ticket
        .find("<id>61601</id>")
        .expect("ticket 1001 has the Risk Score field");
    let field_start = ticket[..anchor]
        .rfind("<field ")
        .expect("the Risk Score field element");
    let fields = format!(
        r#"<field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="text_field">
                            <id>61690</id>
                            <name>Change Window</name>
                            <read_only>false</read_only>
                            <text>{window}</text>
                        </field>
                        <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="drop_down_list">
                            <id>61691</id>
                            <name>{STATUS_FIELD}</name>
                            <read_only>false</read_only>
                            <options>
                                <option><value>Valid</value></option>
                                <option><value>Invalid</value></option>
                            </options>
                        </field>
                        "#
    );
    format!(
        "{}{fields}{}",
        &ticket[..field_start],
        &ticket[field_start..]
    )
}

/// Starts the emulator with ticket 1001 whose change window reads `window`.
fn scenario_with_window(window: &str) -> Scenario {
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::write(data.path().join("1001.xml"), ticket_with_window(window))
        .expect("write the ticket");
    // The emulator loads the tickets at start, so the folder may go.
    Scenario::start_with_data(data.path())
}

/// Runs change-window on ticket 1001's ADVANCE with `policy_line` and the
/// `[hook.config]` lines in `settings`.
fn run_change_window(scenario: &Scenario, policy_line: &str, settings: &str) -> Output {
    let component = component(CHANGE_WINDOW_C);
    scenario.write_config(&[HookEntry {
        name: "change-window",
        component: &component,
        events: "[\"ADVANCE\"]",
        extra: policy_line,
        settings,
    }]);
    scenario.run("ADVANCE", &ticket_info("advance-1001.xml"))
}

fn example_policy_line() -> String {
    format!("policy = \"{EXAMPLE_POLICY}\"")
}

fn status(scenario: &Scenario) -> Vec<String> {
    field_selections(&scenario.ticket_xml(TICKET), STATUS_FIELD)
}

#[test]
fn valid_window_sets_status() {
    let scenario = scenario_with_window("2026-12-05 22:00-23:30");

    let output = run_change_window(&scenario, &example_policy_line(), "");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert_eq!(status(&scenario), ["Valid"]);
    assert!(comments(&scenario.ticket_xml(TICKET)).is_empty());
}

#[test]
fn leap_day_window_is_valid() {
    let scenario = scenario_with_window("  2028-02-29 00:00-00:01 ");

    let output = run_change_window(&scenario, &example_policy_line(), "");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert_eq!(status(&scenario), ["Valid"]);
}

#[test]
fn invalid_windows_comment_with_reason() {
    let cases = [
        ("", "it is empty"),
        (
            "tomorrow night",
            "it does not have the form YYYY-MM-DD HH:MM-HH:MM",
        ),
        ("2026-12-05T22:00-23:30", "it does not have the form"),
        ("2026-1x-05 22:00-23:30", "the date is not YYYY-MM-DD"),
        ("2026-13-05 22:00-23:30", "month 13 is out of range 01-12"),
        (
            "2027-02-29 22:00-23:30",
            "day 29 is out of range for 2027-02",
        ),
        (
            "2026-12-05 24:00-23:30",
            "the start hour 24 is out of range 00-23",
        ),
        (
            "2026-12-05 22:00-23:60",
            "the end minute 60 is out of range 00-59",
        ),
        ("2026-12-05 22:0a-23:30", "the start time is not HH:MM"),
        ("2026-12-05 23:30-22:00", "it ends at or before it starts"),
    ];
    for (window, reason) in cases {
        let scenario = scenario_with_window(window);

        let output = run_change_window(&scenario, &example_policy_line(), "");

        assert_eq!(
            output.status.code(),
            Some(SUCCESS),
            "{window}: {}",
            describe(&output)
        );
        assert_eq!(status(&scenario), ["Invalid"], "{window}");
        let expected = format!("Change window `{window}` is invalid: {reason}");
        let comments = comments(&scenario.ticket_xml(TICKET));
        assert_eq!(comments.len(), 1, "{window}: {comments:?}");
        assert!(comments[0].starts_with(&expected), "{window}: {comments:?}");
        assert!(
            comments[0].ends_with("for example 2026-12-05 22:00-23:30."),
            "{window}: {comments:?}"
        );
    }
}

#[test]
fn long_invalid_window_is_shortened() {
    let window = "x".repeat(200);
    let scenario = scenario_with_window(&window);

    let output = run_change_window(&scenario, &example_policy_line(), "");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let comments = comments(&scenario.ticket_xml(TICKET));
    let expected = format!("Change window `{}...` is invalid", "x".repeat(64));
    assert!(comments[0].starts_with(&expected), "{comments:?}");
}

#[test]
fn rerun_adds_no_second_comment() {
    let scenario = scenario_with_window("2026-02-30 22:00-23:30");

    let first = run_change_window(&scenario, &example_policy_line(), "");
    let second = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(first.status.code(), Some(SUCCESS), "{}", describe(&first));
    assert_eq!(second.status.code(), Some(SUCCESS), "{}", describe(&second));
    assert_eq!(comments(&scenario.ticket_xml(TICKET)).len(), 1);
}

#[test]
fn step_without_window_field_writes_nothing() {
    let scenario = Scenario::start();

    let output = run_change_window(&scenario, &example_policy_line(), "");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert!(scenario.writes().is_empty());
}

#[test]
fn non_text_window_field_fails_with_reason() {
    let scenario = scenario_with_window("2026-12-05 22:00-23:30");

    let output = run_change_window(
        &scenario,
        &example_policy_line(),
        "window_field = \"Risk Level\"",
    );

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the field `Risk Level` is a drop_down_list field"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
}

#[test]
fn policy_denies_ungranted_status_field() {
    let scenario = scenario_with_window("2026-12-05 22:00-23:30");
    let before = scenario.ticket_xml(TICKET);

    let output = run_change_window(
        &scenario,
        &example_policy_line(),
        "status_field = \"Risk Reason\"",
    );

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("field `Risk Reason` is not in write_fields of policy"),
        "{stderr}"
    );
    assert!(scenario.writes().is_empty());
    assert_eq!(scenario.ticket_xml(TICKET), before);
}

#[test]
fn policy_without_comment_grant_writes_nothing() {
    let scenario = scenario_with_window("2026-12-05 22:00-21:00");
    let policy = scenario.dir.path().join("no-comments.toml");
    std::fs::write(
        &policy,
        "[ticket]\nread = true\nwrite_fields = [\"Change Window Status\"]\n",
    )
    .expect("write the policy");

    let output = run_change_window(&scenario, &format!("policy = \"{}\"", policy.display()), "");

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
fn policy_without_read_grant_stops_hook() {
    let scenario = scenario_with_window("2026-12-05 22:00-23:30");
    let policy = scenario.dir.path().join("no-read.toml");
    std::fs::write(
        &policy,
        "[ticket]\nwrite_fields = [\"Change Window Status\"]\ncomment = true\n",
    )
    .expect("write the policy");

    let output = run_change_window(&scenario, &format!("policy = \"{}\"", policy.display()), "");

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("failed to read ticket 1001"), "{stderr}");
    assert!(scenario.writes().is_empty());
    assert!(scenario.emulator.requests().is_empty(), "no API call");
}

/// Runs `hook-runner inspect --json` on `component` and returns the names
/// of its exports.
fn export_names(component: &str) -> Vec<String> {
    let output = Command::new(hook_runner_binary())
        .args(["inspect", "--json", component])
        .output()
        .expect("hook-runner inspect runs");
    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    report["exports"]
        .as_array()
        .expect("exports array")
        .iter()
        .map(|export| export["name"].as_str().expect("export name").to_owned())
        .collect()
}

#[test]
fn condition_example_exports_evaluate() {
    let component = component(HIGH_RISK_CONDITION_C);
    assert!(Path::new(&component).is_file());

    assert_eq!(export_names(&component), ["evaluate"]);
}

#[test]
fn assignment_example_exports_assign() {
    let component = component(SPLIT_BY_TARGET_C);

    assert_eq!(export_names(&component), ["assign"]);
}

#[test]
fn trigger_example_exports_on_event() {
    let component = component(CHANGE_WINDOW_C);

    assert_eq!(export_names(&component), ["on-event"]);
}

/// Starts the emulator with ticket 1001 whose "Risk Level" selection is
/// `High` and whose access requests all have the target device `fw-east`.
fn high_risk_scenario() -> Scenario {
    let original = std::fs::read_to_string(fixtures().join("tickets/1001.xml"))
        .expect("read the ticket fixture");
    let level = original
        .find("<name>Risk Level</name>")
        .expect("Risk Level field");
    let options_end = original[level..].find("</options>").expect("its options") + level;
    let mut ticket = original.clone();
    ticket.insert_str(
        options_end + "</options>".len(),
        "<selection>High</selection>",
    );
    let ticket = ticket.replace(
        "<targets/>",
        "<targets><target type=\"Object\"><object_name>fw-east</object_name></target></targets>",
    );
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::write(data.path().join("1001.xml"), ticket).expect("write the ticket");
    Scenario::start_with_data(data.path())
}

/// Writes a configuration with the C example of `kind` as the hook `name`,
/// with its example policy and the `[hook.config]` lines in `settings`.
fn configure_script(scenario: &Scenario, name: &str, kind: &str, settings: &str) {
    let (component_path, folder) = match kind {
        "condition" => (HIGH_RISK_CONDITION_C, "high-risk-condition-c"),
        _ => (SPLIT_BY_TARGET_C, "split-by-target-c"),
    };
    let component = component(component_path);
    let extra = format!(
        "kind = \"{kind}\"\npolicy = \"{}/../guests/{folder}/policy.toml\"",
        env!("CARGO_MANIFEST_DIR")
    );
    scenario.write_config(&[HookEntry {
        name,
        component: &component,
        events: "[]",
        extra: &extra,
        settings,
    }]);
}

#[test]
fn condition_example_decides_on_risk_level() {
    let high = high_risk_scenario();
    configure_script(&high, "high-risk", "condition", "");
    let output = high.run_command(&["condition", "high-risk", "1001"]);
    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "<response><condition_result>true</condition_result></response>\n"
    );

    let unset = Scenario::start();
    configure_script(&unset, "high-risk", "condition", "");
    let output = unset.run_command(&["condition", "high-risk", "1001"]);
    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "<response><condition_result>false</condition_result></response>\n"
    );
}

#[test]
fn assignment_example_splits_by_target() {
    let scenario = high_risk_scenario();
    configure_script(
        &scenario,
        "split",
        "assignment",
        "participants = \"a.lee,,b.kim\"\nassigner = \"c.wright\"",
    );

    let output = scenario.run_command(&["assign", "split", "1001"]);

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("<name>fw-east</name>"), "{stdout}");
    assert!(
        stdout.contains(
            "<participant_username>a.lee</participant_username>\
             <participant_username>b.kim</participant_username>"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("<assignment_mode>manual</assignment_mode>"),
        "{stdout}"
    );
    assert!(stdout.contains("c.wright"), "{stdout}");
    for id in [61709, 61719, 61729] {
        assert!(
            stdout.contains(&format!("<access_request_id>{id}</access_request_id>")),
            "{stdout}"
        );
    }
}

#[test]
fn empty_setting_reads_as_empty_string() {
    // The host passes an empty string as a pointer the guest never
    // allocated; the SDK must not free it.
    let scenario = high_risk_scenario();
    configure_script(
        &scenario,
        "split",
        "assignment",
        "participants = \"a.lee\"\nassigner = \"\"",
    );

    let output = scenario.run_command(&["assign", "split", "1001"]);

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("<assignment_mode>self</assignment_mode>"),
        "{stdout}"
    );
}

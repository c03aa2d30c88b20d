//! Bad input from SecureChange or the admin: a clear message, a documented
//! exit code, and nothing written.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

const INPUT_ERROR: i32 = 4;
const CONFIG_ERROR: i32 = 3;

fn configured() -> Scenario {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    scenario
}

fn assert_rejected(scenario: &Scenario, output: &std::process::Output, code: i32, message: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected `{message}` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(scenario.writes().is_empty(), "nothing may be written");
}

#[test]
fn malformed_xml_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"<ticket_info><id>1001</id>");
    assert_rejected(&scenario, &output, INPUT_ERROR, "not well-formed XML");
}

#[test]
fn empty_stdin_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"");
    assert_rejected(&scenario, &output, INPUT_ERROR, "standard input is empty");
}

#[test]
fn empty_ticket_info_outside_test_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"<ticket_info/>");
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "only the TEST event sends an empty document",
    );
}

#[test]
fn unknown_event_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCED", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, INPUT_ERROR, "unknown event `ADVANCED`");
}

#[test]
fn missing_event_is_input_error() {
    let scenario = configured();
    let output = scenario.run_with(None, &ticket_info("advance-1001.xml"), &[], "x");
    assert_rejected(&scenario, &output, INPUT_ERROR, "SCW_EVENT is not set");
}

#[test]
fn missing_config_is_config_error() {
    let scenario = Scenario::start();
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "failed to read config");
}

#[test]
fn config_with_unknown_key_is_config_error() {
    let scenario = Scenario::start();
    std::fs::write(
        scenario.config_path(),
        "[api]\nurl = \"http://127.0.0.1:1\"\nusername = \"u\"\npassword = \"p\"\n",
    )
    .expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "unknown field `password`");
}

#[test]
fn missing_component_is_config_error() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "gone",
        component: "/nonexistent/hook.wasm",
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        "failed to read component `/nonexistent/hook.wasm`",
    );
}

#[test]
fn misspelt_log_level_is_config_error() {
    let scenario = configured();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace("[log]\n", "[log]\nlevel = \"inof\"\n");
    std::fs::write(scenario.config_path(), config).expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "`inof` is not a level");
}

#[test]
fn event_flag_works_without_subcommand() {
    let scenario = configured();
    let output = scenario.run_with(
        None,
        &ticket_info("advance-1001.xml"),
        &["--event", "CLOSE"],
        "x",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn joined_arguments_are_split() {
    let scenario = configured();
    let config = scenario.config_path();
    let joined = format!("--config {}", config.display());
    let output = scenario.run_with(Some("TEST"), b"<ticket_info/>", &[&joined], "x");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn non_utf8_input_is_input_error() {
    let scenario = configured();
    let output = scenario.run(
        "ADVANCE",
        b"<ticket_info><id>1001</id><subject>\xff\xfe</subject></ticket_info>",
    );
    assert_rejected(&scenario, &output, INPUT_ERROR, "not valid UTF-8");
}

#[test]
fn fifty_megabyte_input_is_input_error() {
    let scenario = configured();
    let mut input = b"<ticket_info><id>1001</id><subject>".to_vec();
    input.resize(50 << 20, b'a');
    let output = scenario.run("ADVANCE", &input);
    assert_rejected(&scenario, &output, INPUT_ERROR, "larger than 16 MiB");
}

#[test]
fn entity_bomb_is_input_error() {
    let scenario = configured();
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE b [<!ENTITY a \"aaaaaaaaaa\">\
                <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>\
                <ticket_info><id>1001</id><subject>&c;</subject></ticket_info>";
    let output = scenario.run("ADVANCE", bomb.as_bytes());
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "DOCTYPE declaration is not accepted",
    );
}

#[test]
fn external_entity_is_input_error() {
    let scenario = configured();
    let doctype = "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
                   <ticket_info><id>1001</id><subject>&x;</subject></ticket_info>";
    let output = scenario.run("ADVANCE", doctype.as_bytes());
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "DOCTYPE declaration is not accepted",
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("root:"));
}

#[test]
fn deep_nesting_is_input_error() {
    let scenario = configured();
    let depth = 10_000;
    let input = format!(
        "<ticket_info><id>1001</id>{}{}</ticket_info>",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    );
    let output = scenario.run("ADVANCE", input.as_bytes());
    assert_rejected(&scenario, &output, INPUT_ERROR, "nested deeper than");
}

#[test]
fn conflicting_ticket_ids_are_input_error() {
    let scenario = configured();
    let output = scenario.run(
        "ADVANCE",
        b"<ticket_info><id>1001</id><id>1003</id></ticket_info>",
    );
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "repeats <id> with different values",
    );
}

#[test]
fn missing_ticket_id_is_input_error() {
    let scenario = configured();
    let output = scenario.run(
        "ADVANCE",
        b"<ticket_info><subject>x</subject></ticket_info>",
    );
    assert_rejected(&scenario, &output, INPUT_ERROR, "has no ticket <id>");
}

#[test]
fn non_numeric_ticket_id_is_input_error() {
    let scenario = configured();
    let output = scenario.run("ADVANCE", b"<ticket_info><id>10O1</id></ticket_info>");
    assert_rejected(&scenario, &output, INPUT_ERROR, "with value `10O1`");
}

#[test]
fn joined_run_arguments_are_split() {
    let scenario = configured();
    let joined = format!(
        "run --event CLOSE --config {}",
        scenario.config_path().display()
    );
    let output = scenario.run_with(None, &ticket_info("advance-1001.xml"), &[&joined], "x");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(scenario.writes().is_empty());
}

#[test]
fn config_with_wrong_type_is_config_error() {
    let scenario = configured();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    let config = config.replace("timeout_seconds = 10", "timeout_seconds = \"ten\"");
    std::fs::write(scenario.config_path(), config).expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "timeout_seconds");
}

#[test]
fn outbox_table_with_unknown_key_is_config_error() {
    let scenario = configured();
    let config = std::fs::read_to_string(scenario.config_path()).expect("read");
    std::fs::write(
        scenario.config_path(),
        format!("[outbox]\nfile = \"x.sqlite\"\n\n{config}"),
    )
    .expect("write");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "unknown field `file`");
}

/// Starts a scenario whose hook uses the policy file with text `policy`.
fn with_policy(policy: &str) -> Scenario {
    let scenario = Scenario::start();
    let path = scenario.dir.path().join("bad-policy.toml");
    std::fs::write(&path, policy).expect("write policy");
    let extra = format!("policy = \"{}\"", path.display());
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings: "",
    }]);
    scenario
}

#[test]
fn policy_with_unknown_key_is_config_error() {
    let scenario = with_policy("[ticket]\nread = true\nwrite = true\n");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "unknown field `write`");
}

#[test]
fn policy_with_wrong_type_is_config_error() {
    let scenario = with_policy("[limits]\nmemory_mib = \"lots\"\n");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        "bad-policy.toml:2:14: invalid type: string \"lots\", expected u64",
    );
}

fn with_component(bytes: &[u8], extra: &str) -> Scenario {
    let scenario = Scenario::start();
    let path = scenario.dir.path().join("hook.wasm");
    std::fs::write(&path, bytes).expect("write component");
    let component = path.display().to_string();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: &component,
        events: "[\"ADVANCE\"]",
        extra,
        settings: "",
    }]);
    scenario
}

#[test]
fn corrupt_component_is_config_error() {
    let scenario = with_component(b"\0asm\x0d\0\x01\0garbage", "");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        "is not a valid WebAssembly component",
    );
}

#[test]
fn wrong_world_component_is_config_error() {
    // The smallest valid component: the header, with no imports or exports.
    let scenario = with_component(b"\0asm\x0d\0\x01\0", "");
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        "does not fit a hook-runner hook: it exports none of `on-event`, `evaluate`, `assign` and `wasi:cli/run`",
    );
}

/// Returns the `sha256:` digest of the file at `path`.
fn sha256_digest(path: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(std::fs::read(path).expect("read component"));
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

#[test]
fn mismatched_digest_pin_is_config_error() {
    let wrong = "0".repeat(64);
    let scenario = Scenario::start();
    let extra = format!("sha256 = \"{wrong}\"");
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings: "",
    }]);
    let actual = sha256_digest(RISK_SCORER);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(
        &scenario,
        &output,
        CONFIG_ERROR,
        &format!("pins sha256:{wrong}"),
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(&format!("sha256 = \"{actual}\"")),
        "{}",
        describe(&output)
    );

    let test = scenario.run("TEST", b"<ticket_info/>");
    assert_eq!(
        test.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&test)
    );
    assert!(
        String::from_utf8_lossy(&test.stdout).contains(&actual),
        "{}",
        describe(&test)
    );
}

#[test]
fn matching_digest_pin_runs() {
    let digest = sha256_digest(RISK_SCORER);
    let scenario = Scenario::start();
    let extra = format!(
        "sha256 = \"{}\"",
        digest.to_uppercase().replace("SHA256:", "")
    );
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: &extra,
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(!scenario.writes().is_empty());
}

#[test]
fn malformed_digest_pin_is_config_error() {
    let scenario = Scenario::start();
    scenario.write_config(&[HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "sha256 = \"abc\"",
        settings: "",
    }]);
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_rejected(&scenario, &output, CONFIG_ERROR, "is not a SHA-256 digest");
}

#[test]
fn ticket_info_file_is_named_in_errors() {
    let scenario = configured();
    let path = scenario.config_path().with_file_name("empty-ticket.xml");
    std::fs::write(&path, " \n").expect("write the ticket file");
    let path = path.to_str().expect("UTF-8 path");
    let output = scenario.run_with(Some("ADVANCE"), b"", &["--ticket-info", path], API_PASSWORD);
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        &format!("--ticket-info `{path}` is empty"),
    );
}

#[test]
fn second_document_after_ticket_info_is_input_error() {
    let scenario = configured();
    let mut two = ticket_info("advance-1001.xml");
    two.extend_from_slice(b"<ticket_info><id>1002</id></ticket_info>");
    let output = scenario.run("ADVANCE", &two);
    assert_rejected(
        &scenario,
        &output,
        INPUT_ERROR,
        "second root element <ticket_info>",
    );
}

//! The `check` and `inspect` subcommands, run as an admin would.

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe};

const CONFIG_ERROR: i32 = 3;

fn hook<'a>(name: &'a str, component: &'a str, extra: &'a str) -> HookEntry<'a> {
    HookEntry {
        name,
        component,
        events: "[\"ADVANCE\"]",
        extra,
        settings: "",
    }
}

fn write_file(scenario: &Scenario, name: &str, text: &str) -> String {
    let path = scenario.dir.path().join(name);
    std::fs::write(&path, text).expect("write file");
    path.to_string_lossy().into_owned()
}

fn run(scenario: &Scenario, args: &[&str]) -> std::process::Output {
    scenario.run_with(None, b"", args, API_PASSWORD)
}

#[test]
fn check_accepts_valid_config() {
    let scenario = Scenario::start();
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../guests/risk-scorer/policy.toml"
    );
    let extra = format!("policy = \"{policy}\"");
    scenario.write_config(&[hook("risk-scorer", RISK_SCORER, &extra)]);

    let output = run(&scenario, &["check"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hook `risk-scorer`: OK\n"), "{stdout}");
    assert!(stdout.contains("the configuration is valid"), "{stdout}");
    assert!(scenario.emulator.requests().is_empty(), "no API call");
}

#[test]
fn check_lists_missing_component_and_bad_policy() {
    let scenario = Scenario::start();
    let policy = write_file(&scenario, "bad-policy.toml", "[ticket]\nread = \"yes\"\n");
    let extra = format!("policy = \"{policy}\"");
    scenario.write_config(&[
        hook("missing", "/nonexistent/missing.wasm", ""),
        hook("bad-policy", RISK_SCORER, &extra),
    ]);

    let output = run(&scenario, &["check"]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hook `missing`: 1 problem(s)"), "{stdout}");
    assert!(stdout.contains("missing.wasm"), "{stdout}");
    assert!(
        stdout.contains("hook `bad-policy`: 1 problem(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("bad-policy.toml:2:"), "{stdout}");
    assert!(stdout.contains("the configuration is invalid"), "{stdout}");
}

#[test]
fn check_warns_about_denied_import() {
    let scenario = Scenario::start();
    let policy = write_file(&scenario, "policy.toml", "[ticket]\nread = false\n");
    let extra = format!("policy = \"{policy}\"");
    scenario.write_config(&[hook("risk-scorer", RISK_SCORER, &extra)]);

    let output = run(&scenario, &["check"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("hook `risk-scorer`: OK with 1 warning(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "imports `hook-runner:api/tickets` but the policy does not grant ticket reads"
        ),
        "{stdout}"
    );
}

#[test]
fn check_reports_invalid_config() {
    let scenario = Scenario::start();
    std::fs::write(scenario.config_path(), "[api]\nurl = 3\n").expect("write config");

    let output = run(&scenario, &["check"]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("problem: invalid config"), "{stdout}");
}

#[test]
fn check_reports_unusable_outbox() {
    let scenario = Scenario::start();
    let outbox = write_file(&scenario, "outbox.sqlite", "not a database\n");
    let top = format!("[outbox]\npath = \"{outbox}\"\n");
    scenario.write_config_with(&top, &[hook("risk-scorer", RISK_SCORER, "")]);

    let output = run(&scenario, &["check"]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("is not an SQLite database"), "{stdout}");
}

#[test]
fn check_warns_about_a_shared_password_file() {
    use std::os::unix::fs::PermissionsExt;
    let scenario = Scenario::start();
    scenario.write_config(&[hook("risk-scorer", RISK_SCORER, "")]);
    let password = write_file(&scenario, "api-password", &format!("{API_PASSWORD}\n"));
    let config = std::fs::read_to_string(scenario.config_path()).expect("read config");
    let config = config.replace(
        "password_env = \"TEST_API_PASSWORD\"",
        &format!("password_file = \"{password}\""),
    );
    std::fs::write(scenario.config_path(), config).expect("write config");
    let set_mode = |mode| {
        std::fs::set_permissions(&password, std::fs::Permissions::from_mode(mode))
            .expect("chmod the password file");
    };

    set_mode(0o644);
    let shared = run(&scenario, &["check"]);
    set_mode(0o600);
    let private = run(&scenario, &["check"]);

    let warning = format!("run `chmod 600 {password}`");
    let stderr = String::from_utf8_lossy(&shared.stderr);
    assert!(stderr.contains(&warning), "{}", describe(&shared));
    let report = String::from_utf8_lossy(&shared.stdout);
    assert!(report.contains(&warning), "{report}");
    let stderr = String::from_utf8_lossy(&private.stderr);
    assert!(!stderr.contains(&warning), "{}", describe(&private));
}

#[test]
fn check_warns_about_files_others_can_write() {
    use std::os::unix::fs::PermissionsExt;
    let scenario = Scenario::start();
    let component = scenario.dir.path().join("shared.wasm");
    std::fs::copy(RISK_SCORER, &component).expect("copy the component");
    let policy = write_file(&scenario, "shared-policy.toml", "[ticket]\nread = true\n");
    let extra = format!("policy = \"{policy}\"");
    let component_text = component.to_string_lossy().into_owned();
    scenario.write_config(&[hook("risk-scorer", &component_text, &extra)]);
    for path in [
        scenario.config_path(),
        component.clone(),
        policy.clone().into(),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).expect("chmod 666");
    }

    let output = run(&scenario, &["check"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    for what in ["the configuration", "component", "policy"] {
        assert!(
            report.contains(&format!("{what} `")) && report.contains("chmod go-w"),
            "no warning for {what}:\n{report}"
        );
    }
    assert_eq!(report.matches("chmod go-w").count(), 3, "{report}");
}

#[test]
fn check_warns_about_plain_http_api() {
    let scenario = Scenario::start();
    scenario.write_config_with_api(
        "http://securechange.example.invalid",
        &[hook("risk-scorer", RISK_SCORER, "")],
    );

    let output = run(&scenario, &["check"]);

    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("uses plain http"), "{}", describe(&output));
    let local = Scenario::start();
    local.write_config(&[hook("risk-scorer", RISK_SCORER, "")]);
    let report = String::from_utf8_lossy(&run(&local, &["check"]).stdout).into_owned();
    assert!(!report.contains("uses plain http"), "{report}");
}

#[test]
fn check_json_parses() {
    let scenario = Scenario::start();
    scenario.write_config(&[
        hook("risk-scorer", RISK_SCORER, ""),
        hook("missing", "/nonexistent/missing.wasm", ""),
    ]);

    let output = run(&scenario, &["check", "--json"]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(report["valid"], false);
    let hooks = report["hooks"].as_array().expect("hooks array");
    assert_eq!(hooks.len(), 2);
    assert_eq!(hooks[0]["name"], "risk-scorer");
    assert_eq!(hooks[0]["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(hooks[1]["name"], "missing");
    assert_eq!(hooks[1]["problems"].as_array().map(Vec::len), Some(1));
}

#[test]
fn inspect_lists_imports_and_exports() {
    let scenario = Scenario::start();

    let output = run(&scenario, &["inspect", RISK_SCORER]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hook-runner:api/tickets@"), "{stdout}");
    assert!(stdout.contains("hook-runner:api/log@"), "{stdout}");
    assert!(stdout.contains("hook-runner:api/config@"), "{stdout}");
    assert!(stdout.contains("  on-event (function)"), "{stdout}");
    assert!(stdout.contains("hook kind: trigger\n"), "{stdout}");
}

#[test]
fn inspect_json_lists_export() {
    let scenario = Scenario::start();

    let output = run(&scenario, &["inspect", "--json", RISK_SCORER]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let exports = report["exports"].as_array().expect("exports array");
    assert!(
        exports.iter().any(|export| export["name"] == "on-event"),
        "{report}"
    );
    let imports = report["imports"].as_array().expect("imports array");
    let tickets = imports
        .iter()
        .find(|import| {
            import["name"]
                .as_str()
                .is_some_and(|name| name.starts_with("hook-runner:api/tickets@"))
        })
        .expect("tickets import");
    assert_eq!(tickets["functions"][0], "get-ticket");
}

#[test]
fn inspect_policy_warns_unused_http_grant() {
    let scenario = Scenario::start();
    let policy = write_file(
        &scenario,
        "policy.toml",
        "[ticket]\nread = true\n\n[[http]]\nname = \"scanner\"\nhost = \"scanner.example.com\"\n",
    );

    let output = run(&scenario, &["inspect", RISK_SCORER, "--policy", &policy]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("[[http]] grant `scanner` (line 4) is unused"),
        "{stdout}"
    );
    assert!(stdout.contains("denied imports: none"), "{stdout}");
}

#[test]
fn inspect_rejects_non_wasm_file() {
    let scenario = Scenario::start();
    let not_wasm = write_file(&scenario, "notes.wasm", "plain text");

    let output = run(&scenario, &["inspect", &not_wasm]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a valid WebAssembly component"),
        "{stderr}"
    );
    assert!(stderr.contains("magic bytes"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn inspect_rejects_invalid_policy() {
    let scenario = Scenario::start();
    let policy = write_file(&scenario, "policy.toml", "[ticket]\nread = \"yes\"\n");

    let output = run(&scenario, &["inspect", RISK_SCORER, "--policy", &policy]);

    assert_eq!(
        output.status.code(),
        Some(CONFIG_ERROR),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("policy.toml:2:"), "{stderr}");
}

#[test]
fn completions_name_every_subcommand() {
    let scenario = Scenario::start();
    for shell in ["bash", "zsh", "fish"] {
        let output = run(&scenario, &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        for subcommand in ["run", "check", "compile", "inspect", "outbox", "new"] {
            assert!(script.contains(subcommand), "{shell}: {subcommand}");
        }
    }
    let unknown = run(&scenario, &["completions", "nosh"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
}

#[test]
fn bash_completes_subcommand_options() {
    let scenario = Scenario::start();
    let output = run(&scenario, &["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let script = write_file(
        &scenario,
        "hook-runner.bash",
        &String::from_utf8_lossy(&output.stdout),
    );
    // Bash calls the function with the command, the word being completed
    // and the word before it, as it does for `hook-runner check --<TAB>`.
    let probe = format!(
        "source '{script}'; COMP_WORDS=(hook-runner check --); COMP_CWORD=2; \
         _hook__runner hook-runner -- check; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );

    let completed = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .expect("run bash");

    assert_eq!(completed.status.code(), Some(0), "{}", describe(&completed));
    let words = String::from_utf8_lossy(&completed.stdout);
    assert!(words.lines().any(|word| word == "--json"), "{words}");
}

#[test]
fn man_page_has_commands_and_exit_codes() {
    let scenario = Scenario::start();
    let output = run(&scenario, &["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains(".TH hook-runner 1"), "{page}");
    assert!(page.contains("hook\\-runner\\-compile(1)"), "{page}");
    assert!(page.contains("Exit codes:"), "{page}");
}

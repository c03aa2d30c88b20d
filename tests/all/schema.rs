//! The JSON Schemas that `hook-runner schema` prints for editors. Every
//! configuration and policy file in the repository passes them. Each mistake
//! below fails both the schema and `hook-runner check`, so that an editor and
//! hook-runner agree on these files.

use std::path::Path;

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, Scenario, describe, hook_runner_binary};
use serde_json::Value;

const CONFIG_ERROR: i32 = 3;

/// Runs `hook-runner schema FILE` and returns a validator for its output.
fn validator(file: &str) -> jsonschema::Validator {
    let output = std::process::Command::new(hook_runner_binary())
        .args(["schema", file])
        .output()
        .expect("run hook-runner schema");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema is a valid JSON Schema")
}

/// Parses TOML into the JSON value that editors check against the schema.
fn toml_value(text: &str) -> Value {
    let table: toml::Table = toml::from_str(text).expect("valid TOML");
    serde_json::to_value(table).expect("TOML as JSON")
}

fn errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    validator
        .iter_errors(&toml_value(text))
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn repository_files(folder: &str, name: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("read folder")
        .filter_map(|entry| Some(entry.ok()?.path().join(name)))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn repository_policies_pass_schema() {
    let validator = validator("policy");
    let mut files = repository_files("guests", "policy.toml");
    files.extend(repository_files("runner/templates", "policy.toml"));
    assert!(files.len() >= 4, "found only {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read policy");
        let errors = errors(&validator, &text);
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn repository_configs_pass_schema() {
    let validator = validator("config");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for relative in [
        "runner/templates/common/hook-runner.toml",
        "tests/fixtures/polyglot-compile.toml",
    ] {
        let text = std::fs::read_to_string(root.join(relative)).expect("read config");
        let errors = errors(&validator, &text);
        assert!(errors.is_empty(), "{relative}: {errors:?}");
    }
}

/// Returns a configuration with the given `[api]` lines and one hook whose
/// table ends with `hook`.
fn config_text(api: &str, hook: &str) -> String {
    format!(
        "[api]\n{api}\n\n[[hook]]\nname = \"risk-scorer\"\ncomponent = \"{RISK_SCORER}\"\n{hook}\n"
    )
}

const API: &str = "url = \"http://127.0.0.1:9\"\nusername = \"hook-runner\"\npassword_env = \"TEST_API_PASSWORD\"";

fn run_check(scenario: &Scenario) -> std::process::Output {
    scenario.run_with(None, b"", &["check"], API_PASSWORD)
}

#[test]
fn valid_config_passes_both() {
    let validator = validator("config");
    let scenario = Scenario::start();
    // hook-runner accepts the scheme in any case and event names with
    // spaces around them, so the schema must too.
    let api = "url = \"HTTP://127.0.0.1:9\"\nusername = \"hook-runner\"\npassword_env = \"TEST_API_PASSWORD\"";
    let text = config_text(
        api,
        "events = [\" advance \", \"Close\"]\nworkflows = [\"AR\"]",
    );
    assert_eq!(errors(&validator, &text), Vec::<String>::new());

    std::fs::write(scenario.config_path(), &text).expect("write config");
    let output = run_check(&scenario);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn config_mistakes_fail_both() {
    let validator = validator("config");
    let cases = [
        (
            "unknown top-level key",
            format!(
                "{}\n[logs]\nlevel = \"debug\"\n",
                config_text(API, "events = [\"ADVANCE\"]")
            ),
        ),
        (
            "unknown hook key",
            config_text(API, "events = [\"ADVANCE\"]\nevent = \"CLOSE\""),
        ),
        (
            "events as a string",
            config_text(API, "events = \"ADVANCE\""),
        ),
        (
            "misspelt event",
            config_text(API, "events = [\"ADVANCED\"]"),
        ),
        ("TEST event", config_text(API, "events = [\"TEST\"]")),
        ("missing events", config_text(API, "")),
        (
            "both password sources",
            config_text(
                &format!("{API}\npassword_file = \"/etc/pw\""),
                "events = [\"ADVANCE\"]",
            ),
        ),
        (
            "no password source",
            config_text(
                "url = \"http://127.0.0.1:9\"\nusername = \"u\"",
                "events = [\"ADVANCE\"]",
            ),
        ),
        (
            "password in the file",
            config_text(
                &format!("{API}\npassword = \"secret\""),
                "events = [\"ADVANCE\"]",
            ),
        ),
        (
            "URL without scheme",
            config_text(
                "url = \"securechange.example\"\nusername = \"u\"\npassword_env = \"P\"",
                "events = [\"ADVANCE\"]",
            ),
        ),
        (
            "zero API time-out",
            config_text(
                &format!("{API}\ntimeout_seconds = 0"),
                "events = [\"ADVANCE\"]",
            ),
        ),
        (
            "short pin",
            config_text(API, "events = [\"ADVANCE\"]\nsha256 = \"abc\""),
        ),
        (
            "unknown log format",
            format!(
                "{}\n[log]\nformat = \"xml\"\n",
                config_text(API, "events = [\"ADVANCE\"]")
            ),
        ),
    ];
    for (case, text) in cases {
        assert!(
            !errors(&validator, &text).is_empty(),
            "{case}: the schema accepts\n{text}"
        );
        let scenario = Scenario::start();
        std::fs::write(scenario.config_path(), &text).expect("write config");
        let output = run_check(&scenario);
        assert_eq!(
            output.status.code(),
            Some(CONFIG_ERROR),
            "{case}: check accepts\n{text}\n{}",
            describe(&output)
        );
    }
}

#[test]
fn policy_mistakes_fail_both() {
    let validator = validator("policy");
    let secret = "[[http]]\nname = \"scanner\"\nhost = \"scanner.example\"\n\n[[secret]]\nname = \"token\"\ngrant = \"scanner\"\nheader = \"Authorization\"\n";
    let cases = [
        ("unknown table", "[tickets]\nread = true\n".to_string()),
        ("read as a string", "[ticket]\nread = \"yes\"\n".to_string()),
        (
            "http without host",
            "[[http]]\nscheme = \"https\"\n".to_string(),
        ),
        (
            "ftp scheme",
            "[[http]]\nhost = \"a.example\"\nscheme = \"ftp\"\n".to_string(),
        ),
        (
            "port out of range",
            "[[http]]\nhost = \"a.example\"\nports = 70000\n".to_string(),
        ),
        (
            "port range as words",
            "[[http]]\nhost = \"a.example\"\nports = \"eighty\"\n".to_string(),
        ),
        (
            "secret format without {}",
            format!("{secret}env = \"TOKEN\"\nformat = \"Bearer\"\n"),
        ),
        (
            "header with a space",
            "[[http]]\nname = \"s\"\nhost = \"a.example\"\n\n[[secret]]\nname = \"t\"\nenv = \"T\"\n\
             grant = \"s\"\nheader = \"X Token\"\n"
                .to_string(),
        ),
        (
            "relative path prefix",
            "[[http]]\nhost = \"a.example\"\npath_prefix = \"api\"\n".to_string(),
        ),
        (
            "secret from env and file",
            format!("{secret}env = \"TOKEN\"\nfile = \"/etc/token\"\n"),
        ),
        ("secret without source", secret.to_string()),
        ("zero memory", "[limits]\nmemory_mib = 0\n".to_string()),
        (
            "memory over the maximum",
            "[limits]\nmemory_mib = 5000\n".to_string(),
        ),
        (
            "wall time over the maximum",
            "[limits]\nwall_time_seconds = 86400\n".to_string(),
        ),
        ("negative fuel", "[limits]\nfuel = -1\n".to_string()),
        ("unknown limit", "[limits]\ncpu_seconds = 5\n".to_string()),
    ];
    for (case, text) in cases {
        assert!(
            !errors(&validator, &text).is_empty(),
            "{case}: the schema accepts\n{text}"
        );
        let scenario = Scenario::start();
        let policy = scenario.dir.path().join("policy.toml");
        std::fs::write(&policy, &text).expect("write policy");
        let hook = format!("events = [\"ADVANCE\"]\npolicy = \"{}\"", policy.display());
        std::fs::write(scenario.config_path(), config_text(API, &hook)).expect("write config");
        let output = run_check(&scenario);
        assert_eq!(
            output.status.code(),
            Some(CONFIG_ERROR),
            "{case}: check accepts\n{text}\n{}",
            describe(&output)
        );
    }
}

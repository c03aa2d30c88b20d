use super::*;

const VALID: &str = r#"
[api]
url = "https://sc.example.com"
username = "hooks"
password_env = "SC_PASSWORD"

[log]
file = "logs/hook-runner.log"

[[hook]]
name = "risk"
component = "hooks/risk.wasm"
events = ["ADVANCE", "create"]
steps = ["Risk Review"]

[hook.config]
score_field = "Risk Score"
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("/etc/hook-runner/hook-runner.toml"), text)
}

fn error_text(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("config was accepted"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn valid_config_loads() {
    let config = parse(VALID).expect("valid config");
    assert_eq!(config.api.url.as_str(), "https://sc.example.com/");
    assert_eq!(
        config.api.password,
        PasswordSource::Env("SC_PASSWORD".into())
    );
    assert_eq!(config.api.timeout_seconds, DEFAULT_API_TIMEOUT_SECONDS);
    assert_eq!(config.hooks.len(), 1);
    let hook = &config.hooks[0];
    assert_eq!(hook.events, vec![Event::Advance, Event::Create]);
    assert_eq!(
        hook.component,
        Path::new("/etc/hook-runner/hooks/risk.wasm")
    );
    assert_eq!(hook.settings["score_field"], "Risk Score");
    assert_eq!(
        config.log.file.as_deref(),
        Some(Path::new("/etc/hook-runner/logs/hook-runner.log"))
    );
}

#[test]
fn unknown_key_names_key_and_line() {
    let text = VALID.replace(
        "username = \"hooks\"",
        "username = \"hooks\"\npassword = \"x\"",
    );
    let message = error_text(&text);
    assert!(message.contains("password"), "{message}");
    assert!(message.contains("line 5, column 1"), "{message}");
}

#[test]
fn wrong_type_is_rejected() {
    let message =
        error_text(&VALID.replace("events = [\"ADVANCE\", \"create\"]", "events = \"ADVANCE\""));
    assert!(message.contains("events"), "{message}");
}

#[test]
fn unknown_event_is_named() {
    let message = error_text(&VALID.replace("\"create\"", "\"CREATED\""));
    assert!(message.contains("`CREATED`"), "{message}");
    assert!(message.contains("hook `risk`"), "{message}");
}

#[test]
fn duplicate_hook_name_is_rejected() {
    let second = "\n[[hook]]\nname = \"risk\"\ncomponent = \"b.wasm\"\nevents = [\"CLOSE\"]\n";
    let message = error_text(&format!("{VALID}{second}"));
    assert!(message.contains("`risk` is used twice"), "{message}");
}

#[test]
fn password_source_is_required() {
    let message = error_text(&VALID.replace("password_env = \"SC_PASSWORD\"", ""));
    assert!(message.contains("password_env"), "{message}");
}

#[test]
fn both_password_sources_are_rejected() {
    let text = VALID.replace(
        "password_env = \"SC_PASSWORD\"",
        "password_env = \"A\"\npassword_file = \"pw\"",
    );
    assert!(error_text(&text).contains("both set"));
}

#[test]
fn url_with_credentials_is_rejected() {
    let message =
        error_text(&VALID.replace("https://sc.example.com", "https://u:secret@sc.example.com"));
    assert!(message.contains("contains credentials"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[test]
fn non_http_url_is_rejected() {
    let message = error_text(&VALID.replace("https://sc.example.com", "ftp://sc.example.com"));
    assert!(message.contains("http or https"), "{message}");
}

#[test]
fn locate_prefers_flag_then_env() {
    let exe = Path::new("/opt/scripts/hook-runner");
    let flag = Some(Path::new("a.toml"));
    assert_eq!(
        locate(flag, Some("b.toml"), Some(exe)),
        PathBuf::from("a.toml")
    );
    assert_eq!(
        locate(None, Some("b.toml"), Some(exe)),
        PathBuf::from("b.toml")
    );
    let default = PathBuf::from("/opt/scripts/hook-runner.toml");
    assert_eq!(locate(None, Some(""), Some(exe)), default);
    assert_eq!(locate(None, None, Some(exe)), default);
}

#[test]
fn unknown_key_value_is_not_quoted() {
    let text = VALID.replace(
        "username = \"hooks\"",
        "username = \"hooks\"\npassword = \"TopSecret\"",
    );
    let message = error_text(&text);
    assert!(!message.contains("TopSecret"), "{message}");
}

#[test]
fn unparsable_url_hides_credentials() {
    let message =
        error_text(&VALID.replace("https://sc.example.com", "http://u:TopSecret@h:99999"));
    assert!(message.contains("not a valid URL"), "{message}");
    assert!(!message.contains("TopSecret"), "{message}");
}

#[test]
fn api_path_in_url_is_dropped() {
    let text = VALID.replace(
        "https://sc.example.com",
        "https://sc.example.com/securechangeworkflow/api/securechange/",
    );
    let config = parse(&text).expect("valid");
    assert_eq!(config.api.url.as_str(), "https://sc.example.com/");
}

#[test]
fn test_event_in_hook_is_rejected() {
    let message = error_text(&VALID.replace("\"create\"", "\"TEST\""));
    assert!(message.contains("lists the TEST event"), "{message}");
}

#[test]
fn password_file_first_line_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pw");
    std::fs::write(&file, "s3cret\nignored\n").expect("write");
    assert_eq!(PasswordSource::File(file).read().as_deref(), Ok("s3cret"));
}

#[test]
fn empty_password_file_is_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pw");
    std::fs::write(&file, "\n").expect("write");
    let error = PasswordSource::File(file).read().err().unwrap_or_default();
    assert!(error.contains("is empty"), "{error}");
}

#[test]
fn outbox_path_defaults_next_to_config() {
    let config = parse(VALID).expect("valid config");
    assert_eq!(
        config.outbox_path,
        Path::new("/etc/hook-runner/hook-runner-outbox.sqlite")
    );
    let custom = format!("{VALID}\n[outbox]\npath = \"state/outbox.db\"\n");
    let config = parse(&custom).expect("valid config");
    assert_eq!(
        config.outbox_path,
        Path::new("/etc/hook-runner/state/outbox.db")
    );
}

#[test]
fn sha256_pin_is_normalized() {
    let hex = "AB".repeat(32);
    let text = VALID.replace(
        "steps = [\"Risk Review\"]",
        &format!("steps = [\"Risk Review\"]\nsha256 = \"sha256:{hex}\""),
    );
    let config = parse(&text).expect("valid config");
    let expected = format!("sha256:{}", "ab".repeat(32));
    assert_eq!(config.hooks[0].sha256.as_deref(), Some(expected.as_str()));
}

#[test]
fn short_sha256_pin_is_rejected() {
    let text = VALID.replace(
        "steps = [\"Risk Review\"]",
        "steps = [\"Risk Review\"]\nsha256 = \"abc123\"",
    );
    let error = error_text(&text);
    assert!(
        error.contains("sha256 `abc123` is not a SHA-256 digest"),
        "{error}"
    );
    assert!(error.contains("hook `risk`"), "{error}");
}

#[test]
fn log_format_defaults_to_text() {
    let config = parse(VALID).expect("valid config");
    assert_eq!(config.log.format, LogFormat::Text);
    let json = VALID.replace("[log]\n", "[log]\nformat = \"json\"\n");
    assert_eq!(parse(&json).expect("json").log.format, LogFormat::Json);
}

#[test]
fn unknown_log_format_lists_accepted_ones() {
    let text = VALID.replace("[log]\n", "[log]\nformat = \"xml\"\n");
    let message = error_text(&text);
    assert!(message.contains("xml"), "{message}");
    assert!(message.contains("`text`"), "{message}");
    assert!(message.contains("`json`"), "{message}");
}

#[test]
fn cache_folder_defaults_next_to_config() {
    let config = parse(VALID).expect("valid config");
    assert_eq!(
        config.cache_dir.as_deref(),
        Some(Path::new("/etc/hook-runner/cache"))
    );
    let moved = format!("{VALID}\n[cache]\ndir = \"/var/cache/hook-runner\"\n");
    assert_eq!(
        parse(&moved).expect("dir").cache_dir.as_deref(),
        Some(Path::new("/var/cache/hook-runner"))
    );
    let disabled = format!("{VALID}\n[cache]\nenabled = false\n");
    assert_eq!(parse(&disabled).expect("disabled").cache_dir, None);
}

/// The API part of [`VALID`] and one condition or assignment hook made of
/// `hook_lines`.
fn with_script_hook(hook_lines: &str) -> String {
    let api = VALID.split("[[hook]]").next().expect("api part");
    format!("{api}[[hook]]\nname = \"pci\"\ncomponent = \"pci.wasm\"\n{hook_lines}\n")
}

#[test]
fn condition_hook_needs_no_events() {
    let config = parse(&with_script_hook("kind = \"condition\"")).expect("valid config");
    assert_eq!(config.hooks[0].kind, ScriptKind::Condition);
    assert!(config.hooks[0].events.is_empty());
    let config = parse(&with_script_hook("kind = \"assignment\"")).expect("valid config");
    assert_eq!(config.hooks[0].kind, ScriptKind::Assignment);
}

#[test]
fn event_hook_is_the_default_kind() {
    let config = parse(VALID).expect("valid config");
    assert_eq!(config.hooks[0].kind, ScriptKind::Event);
}

#[test]
fn condition_hook_rejects_event_keys() {
    let message = error_text(&with_script_hook(
        "kind = \"condition\"\nevents = [\"ADVANCE\"]\nsteps = [\"Review\"]",
    ));
    assert!(
        message.contains("hook `pci` has kind = \"condition\""),
        "{message}"
    );
    assert!(
        message.contains("`hook-runner condition pci TICKET_ID`"),
        "{message}"
    );
    assert!(message.contains("remove events and steps"), "{message}");
    let message = error_text(&with_script_hook(
        "kind = \"assignment\"\nwrite_if_step_changed = true",
    ));
    assert!(
        message.contains("remove write_if_step_changed"),
        "{message}"
    );
}

#[test]
fn event_hook_without_events_names_kinds() {
    let message = error_text(&with_script_hook(""));
    assert!(message.contains("hook `pci` has no events"), "{message}");
    assert!(message.contains("kind = \"condition\""), "{message}");
}

#[test]
fn unknown_kind_is_rejected() {
    let message = error_text(&with_script_hook("kind = \"trigger\""));
    assert!(message.contains("unknown variant `trigger`"), "{message}");
}

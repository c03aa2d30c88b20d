//! The TOML configuration: where the SecureChange API is, how to log, and
//! which hooks run on which events.
//!
//! Relative paths in the file are resolved against the file's own folder, so
//! a configuration tree can be moved as a whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::bindings::Event;
use crate::bounded_read;
use crate::engine::CompileCache;
use crate::event::{UnknownEvent, parse_event};

/// Environment variable that names the configuration file when `--config`
/// is not given.
pub const CONFIG_ENV: &str = "HOOK_RUNNER_CONFIG";

/// File name looked up next to the hook-runner binary when neither
/// `--config` nor `HOOK_RUNNER_CONFIG` is set.
pub const DEFAULT_CONFIG_NAME: &str = "hook-runner.toml";

/// Folder of compiled components, next to the configuration file, when
/// `cache.dir` is not set.
pub const DEFAULT_CACHE_DIR: &str = "cache";
/// File name of the outbox database, next to the configuration file, when
/// `outbox.path` is not set.
pub const DEFAULT_OUTBOX_NAME: &str = "hook-runner-outbox.sqlite";

/// Seconds an API request may take when `api.timeout_seconds` is not set.
pub const DEFAULT_API_TIMEOUT_SECONDS: u64 = 30;

/// A loaded and validated configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The SecureChange API connection.
    pub api: ApiConfig,
    /// Log destinations.
    pub log: LogConfig,
    /// Hooks in file order; this is also the order they run in.
    pub hooks: Vec<HookConfig>,
    /// Fixed DNS answers for hooks' HTTP requests, by host name.
    pub resolve: BTreeMap<String, Vec<std::net::IpAddr>>,
    /// The audit log file, from `audit.file`.
    pub audit_file: Option<PathBuf>,
    /// The folder of compiled components, from `cache.dir`; `None` when
    /// `cache.enabled = false`.
    pub cache_dir: Option<PathBuf>,
    /// The outbox database, from `outbox.path`.
    pub outbox_path: PathBuf,
}

/// How to reach the SecureChange REST API.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Base URL of the SecureChange server, such as `https://sc.example.com`.
    pub url: reqwest::Url,
    /// API user name.
    pub username: String,
    /// The source of the API password.
    pub password: PasswordSource,
    /// PEM file with the CA certificates that the server's certificate
    /// chains to, added to the system's trusted roots.
    pub ca_file: Option<PathBuf>,
    /// Per-request timeout in seconds.
    pub timeout_seconds: u64,
}

/// The source of the API password. The configuration file itself never
/// contains it, so the file can be world-readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// An environment variable of the hook-runner process.
    Env(String),
    /// A file whose first line is the password (readable by root only).
    File(PathBuf),
}

/// Log settings from the `[log]` table.
#[derive(Debug, Clone, Default)]
pub struct LogConfig {
    /// A file that log lines are appended to, besides standard error.
    pub file: Option<PathBuf>,
    /// A tracing filter such as `info` or `hook_runner=debug`.
    pub level: Option<String>,
    /// The form of the lines written to `file`.
    pub format: LogFormat,
}

/// The form of the lines in the log file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, as on standard error.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The way SecureChange starts a hook, from the `kind` key of `[[hook]]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScriptKind {
    /// A trigger or command hook that `hook-runner run` starts on the
    /// workflow events in `events` (the default).
    #[default]
    Event,
    /// A scripted condition that SecureChange starts as
    /// `hook-runner condition NAME TICKET_ID`.
    Condition,
    /// A dynamic-assignment script that SecureChange starts as
    /// `hook-runner assign NAME TICKET_ID`.
    Assignment,
}

impl ScriptKind {
    /// Returns the value of the `kind` key.
    pub fn name(self) -> &'static str {
        match self {
            ScriptKind::Event => "event",
            ScriptKind::Condition => "condition",
            ScriptKind::Assignment => "assignment",
        }
    }

    /// Returns the subcommand that SecureChange starts hooks of this kind
    /// with.
    pub fn subcommand(self) -> &'static str {
        match self {
            ScriptKind::Event => "run",
            ScriptKind::Condition => "condition",
            ScriptKind::Assignment => "assign",
        }
    }
}

/// One `[[hook]]` entry.
#[derive(Debug, Clone)]
pub struct HookConfig {
    /// Unique name, used in logs and errors.
    pub name: String,
    /// How SecureChange starts the hook.
    pub kind: ScriptKind,
    /// Path of the WebAssembly component.
    pub component: PathBuf,
    /// Events the hook runs on; empty for condition and assignment hooks.
    pub events: Vec<Event>,
    /// Workflow names the hook is limited to; empty means every workflow.
    pub workflows: Vec<String>,
    /// Step names the hook is limited to, matched against the step named in
    /// `ticket_info`; empty means every step.
    pub steps: Vec<String>,
    /// Values the hook reads through the `config` import.
    pub settings: BTreeMap<String, String>,
    /// Whether to write the outcome when the ticket has left the step named
    /// in `<ticket_info>`; by default such writes are skipped.
    pub write_if_step_changed: bool,
    /// The hook's sandbox policy file. A hook without one gets nothing: no
    /// ticket read, no write, no comment, no network.
    pub policy: Option<PathBuf>,
    /// The pinned `sha256:` digest of the component, from `sha256`; a
    /// component with another digest is not run.
    pub sha256: Option<String>,
}

/// A configuration that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    // The I/O error is part of the message, not a `#[source]`, because
    // `check` prints only the message.
    #[error("failed to read config `{}`: {error}{}", path.display(), read_hint(error))]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys or wrong types.
    #[error("invalid config `{}`: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message, with line, column and the bad text.
        message: String,
    },
    /// A value is well-formed TOML but not acceptable.
    #[error("invalid config `{}`: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The problem and its fix.
        message: String,
    },
}

/// The hook-runner configuration file (`hook-runner.toml`). Relative paths
/// are resolved against the file's folder.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hook-runner configuration")]
struct RawConfig {
    /// Where the SecureChange REST API is and how hook-runner authenticates.
    api: RawApi,
    /// Where and how hook-runner logs.
    #[serde(default)]
    log: RawLog,
    /// The hooks, each bound to events.
    #[serde(default, rename = "hook")]
    hooks: Vec<RawHook>,
    /// Fixed DNS answers for hooks' HTTP requests: host name to IP addresses,
    /// checked against the policy like any other answer. The API's own
    /// address is not affected.
    #[serde(default)]
    resolve: BTreeMap<String, Vec<std::net::IpAddr>>,
    /// The JSON-lines audit log.
    #[serde(default)]
    audit: RawAudit,
    /// The cache of compiled components.
    #[serde(default)]
    cache: RawCache,
    /// The store of write-backs that wait for the API.
    #[serde(default)]
    outbox: RawOutbox,
}

/// The cache of compiled components.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Cache")]
#[serde(deny_unknown_fields)]
struct RawCache {
    /// `false` compiles every component at every run.
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    /// Folder of compiled components [default: `cache` next to the
    /// configuration]. It must belong to the script user and not be
    /// writable by others.
    dir: Option<PathBuf>,
}

impl Default for RawCache {
    fn default() -> Self {
        RawCache {
            enabled: true,
            dir: None,
        }
    }
}

fn enabled_by_default() -> bool {
    true
}

/// The store of write-backs that wait for the API.
#[derive(Deserialize, Default, JsonSchema)]
#[schemars(rename = "Outbox")]
#[serde(deny_unknown_fields)]
struct RawOutbox {
    /// SQLite file [default: `hook-runner-outbox.sqlite` next to the
    /// configuration].
    path: Option<PathBuf>,
}

/// The JSON-lines audit log.
#[derive(Deserialize, Default, JsonSchema)]
#[schemars(rename = "Audit")]
#[serde(deny_unknown_fields)]
struct RawAudit {
    /// File the audit records are appended to; without it nothing is
    /// audited.
    file: Option<PathBuf>,
}

/// The SecureChange REST API. Exactly one of `password_env` and
/// `password_file` must be set.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Api")]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::require_exactly_one("password_env", "password_file"))]
struct RawApi {
    /// SecureChange's address, `https://host` or `http://host[:port]`.
    #[schemars(regex(pattern = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^/\\s]"))]
    url: String,
    /// The API user that hook-runner authenticates as (HTTP Basic).
    #[schemars(length(min = 1))]
    username: String,
    /// Name of the environment variable that holds the password.
    #[schemars(length(min = 1))]
    password_env: Option<String>,
    /// File whose first line is the password; keep it readable by the
    /// script user only.
    password_file: Option<PathBuf>,
    /// PEM bundle of extra trusted CA certificates for an `https` URL.
    ca_file: Option<PathBuf>,
    /// Time limit of one API request in seconds [default: 30].
    #[schemars(range(min = 1))]
    timeout_seconds: Option<u64>,
}

/// Where and how hook-runner logs.
#[derive(Deserialize, Default, JsonSchema)]
#[schemars(rename = "Log")]
#[serde(deny_unknown_fields)]
struct RawLog {
    /// File the log is appended to, besides standard error.
    file: Option<PathBuf>,
    /// Tracing filter such as `debug` or `hook_runner=debug,hook=trace`
    /// [default: `info`]; `HOOK_RUNNER_LOG` overrides it.
    level: Option<String>,
    /// Form of the lines in `file`; standard error is always text.
    #[serde(default)]
    format: LogFormat,
}

/// One hook and the events it runs on.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Hook")]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::match_event_names)]
#[schemars(transform = crate::schema::require_events_by_kind)]
struct RawHook {
    /// Unique name, used in logs, the audit log and the outbox.
    #[schemars(length(min = 1))]
    name: String,
    /// How SecureChange starts the hook: on the `events` (the default), as a
    /// scripted condition, or as a dynamic-assignment script.
    #[serde(default)]
    kind: ScriptKind,
    /// The `.wasm` file: a `trigger`, `condition` or `assignment` component,
    /// a `wasi:cli` command component or a WASI preview1 core module.
    component: PathBuf,
    /// `SCW_EVENT` values such as `ADVANCE`, in any case. `TEST` is handled
    /// by hook-runner itself and rejected here. Required for event hooks and
    /// rejected for condition and assignment hooks.
    #[serde(default)]
    events: Vec<String>,
    /// Run only for these workflow names [default: all].
    #[serde(default)]
    workflows: Vec<String>,
    /// Run only when `<ticket_info>` names one of these steps [default: all].
    #[serde(default)]
    steps: Vec<String>,
    /// Settings that the hook reads through its `config` interface.
    #[serde(default)]
    config: BTreeMap<String, String>,
    /// Write even when the ticket has left the step that `<ticket_info>`
    /// named.
    #[serde(default)]
    write_if_step_changed: bool,
    /// The hook's sandbox policy file; without one the hook gets no ticket
    /// access, no network and the default limits.
    policy: Option<PathBuf>,
    /// Pin of the component: 64 hex digits, optionally after `sha256:`.
    #[schemars(regex(pattern = "^(sha256:)?[0-9a-fA-F]{64}$"))]
    sha256: Option<String>,
}

/// Returns the JSON Schema of the configuration file.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawConfig)
}

fn read_hint(error: &std::io::Error) -> &'static str {
    match error.kind() {
        std::io::ErrorKind::NotFound => " (choose the file with --config or HOOK_RUNNER_CONFIG)",
        std::io::ErrorKind::InvalidData => " (save it as UTF-8)",
        _ => "",
    }
}

/// Picks the configuration file: `--config`, else `HOOK_RUNNER_CONFIG` when
/// set and not empty, else `hook-runner.toml` in the folder of the running
/// binary.
pub fn locate(flag: Option<&Path>, env_value: Option<&str>, exe: Option<&Path>) -> PathBuf {
    if let Some(path) = flag {
        return path.to_path_buf();
    }
    if let Some(value) = env_value.filter(|value| !value.trim().is_empty()) {
        return PathBuf::from(value);
    }
    let folder = exe.and_then(Path::parent).unwrap_or(Path::new("."));
    folder.join(DEFAULT_CONFIG_NAME)
}

impl Config {
    /// Returns the compile cache in `cache.dir`, unless `cache.enabled` is
    /// false.
    pub fn compile_cache(&self) -> Option<CompileCache> {
        self.cache_dir.clone().map(CompileCache::new)
    }

    /// Reads and validates the configuration at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = bounded_read::read_text_file(path, bounded_read::MAX_TEXT_FILE_BYTES).map_err(
            |error| ConfigError::Read {
                path: path.to_path_buf(),
                error,
            },
        )?;
        Config::parse(path, &text)
    }

    /// Parses configuration text; `path` resolves relative paths and names
    /// the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: without_source_lines(&error.to_string()),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };

        let api = convert_api(raw.api, base).map_err(invalid)?;
        if let Some(level) = &raw.log.level {
            crate::logging::check_levels(level)
                .map_err(|error| invalid(format!("log.level: {error}")))?;
        }
        let log = LogConfig {
            file: raw.log.file.map(|file| base.join(file)),
            level: raw.log.level,
            format: raw.log.format,
        };
        let mut hooks = Vec::with_capacity(raw.hooks.len());
        for raw_hook in raw.hooks {
            let hook = convert_hook(raw_hook, base).map_err(invalid)?;
            if hooks.iter().any(|seen: &HookConfig| seen.name == hook.name) {
                return Err(invalid(format!(
                    "hook name `{}` is used twice: give each [[hook]] a unique name",
                    hook.name
                )));
            }
            hooks.push(hook);
        }

        Ok(Config {
            path: path.to_path_buf(),
            api,
            log,
            hooks,
            resolve: raw.resolve,
            audit_file: raw.audit.file.map(|file| base.join(file)),
            cache_dir: raw.cache.enabled.then(|| {
                base.join(
                    raw.cache
                        .dir
                        .unwrap_or_else(|| PathBuf::from(DEFAULT_CACHE_DIR)),
                )
            }),
            outbox_path: base.join(raw.outbox.path.unwrap_or(DEFAULT_OUTBOX_NAME.into())),
        })
    }
}

/// Hides the values in the source lines that a TOML error quotes, because
/// the value may be a password that an admin put in by mistake. The key, the
/// line and the column stay in the message.
fn without_source_lines(message: &str) -> String {
    message
        .lines()
        .map(|line| {
            let is_source = line.split_once('|').is_some_and(|(number, _)| {
                !number.trim().is_empty() && number.trim().chars().all(|c| c.is_ascii_digit())
            });
            match line.split_once('=') {
                Some((key, _)) if is_source => format!("{key}= ..."),
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

/// Returns `url` with any `user:password@` part replaced, for messages.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Parses the SecureChange server URL given as `key` (`api.url`, or a
/// command-line option that replaces it). An address of the REST API itself
/// is cut back to the server part.
pub fn parse_api_url(value: &str, key: &str) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(value).map_err(|error| {
        format!(
            "{key} `{}` is not a valid URL ({error}): write it as `https://securechange.example.com`",
            without_userinfo(value)
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "{key} `{}` must be an http or https URL with a host, such as `https://securechange.example.com`",
            without_userinfo(value)
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{key} `{}` contains credentials: set api.username and api.password_env or api.password_file instead",
            url.host_str().unwrap_or_default()
        ));
    }
    // Admins often paste the REST API address; keep only the server part.
    if let Some(index) = url.path().find("/securechangeworkflow") {
        let server_path = url.path()[..index].to_string();
        url.set_path(&server_path);
    }
    Ok(url)
}

fn convert_api(raw: RawApi, base: &Path) -> Result<ApiConfig, String> {
    let url = parse_api_url(&raw.url, "api.url")?;
    if raw.username.trim().is_empty() {
        return Err("api.username is empty: set the SecureChange API user".to_string());
    }
    let password = match (raw.password_env, raw.password_file) {
        (Some(var), None) if !var.trim().is_empty() => PasswordSource::Env(var),
        (None, Some(file)) => PasswordSource::File(base.join(file)),
        (Some(_), Some(_)) => {
            return Err(
                "api.password_env and api.password_file are both set: keep exactly one".to_string(),
            );
        }
        _ => {
            return Err(
                "api has no password source: set api.password_env = \"VARIABLE\" \
                 or api.password_file = \"/path/to/file\""
                    .to_string(),
            );
        }
    };
    let timeout_seconds = raw.timeout_seconds.unwrap_or(DEFAULT_API_TIMEOUT_SECONDS);
    if timeout_seconds == 0 {
        return Err("api.timeout_seconds is 0: use a positive number of seconds".to_string());
    }

    Ok(ApiConfig {
        url,
        username: raw.username,
        password,
        ca_file: raw.ca_file.map(|file| base.join(file)),
        timeout_seconds,
    })
}

fn convert_hook(raw: RawHook, base: &Path) -> Result<HookConfig, String> {
    let name = raw.name.trim().to_string();
    if name.is_empty() {
        return Err("a [[hook]] has an empty name: set name = \"...\"".to_string());
    }
    if raw.kind == ScriptKind::Event && raw.events.is_empty() {
        return Err(format!(
            "hook `{name}` has no events: set events = [\"ADVANCE\"] or another SCW_EVENT value, \
             or set kind = \"condition\" or kind = \"assignment\" for a hook that SecureChange \
             starts as a scripted condition or a dynamic-assignment script"
        ));
    }
    if raw.kind != ScriptKind::Event {
        check_script_keys(&name, &raw)?;
    }
    let events = raw
        .events
        .iter()
        .map(|event| parse_event(event))
        .collect::<Result<Vec<_>, UnknownEvent>>()
        .map_err(|error| format!("hook `{name}`: {error}"))?;
    if events.contains(&Event::Test) {
        return Err(format!(
            "hook `{name}` lists the TEST event, which hook-runner handles itself by checking \
             the setup: remove it from events"
        ));
    }

    let sha256 = raw
        .sha256
        .map(|digest| normalize_digest(&name, &digest))
        .transpose()?;

    Ok(HookConfig {
        name,
        kind: raw.kind,
        component: base.join(raw.component),
        events,
        workflows: raw.workflows,
        steps: raw.steps,
        settings: raw.config,
        write_if_step_changed: raw.write_if_step_changed,
        policy: raw.policy.map(|policy| base.join(policy)),
        sha256,
    })
}

/// Rejects the event-selection keys on a condition or assignment hook:
/// SecureChange starts such a hook with a ticket id, never on an event.
fn check_script_keys(name: &str, raw: &RawHook) -> Result<(), String> {
    let kind = raw.kind.name();
    let set_keys: Vec<&str> = [
        ("events", !raw.events.is_empty()),
        ("workflows", !raw.workflows.is_empty()),
        ("steps", !raw.steps.is_empty()),
        ("write_if_step_changed", raw.write_if_step_changed),
    ]
    .into_iter()
    .filter_map(|(key, set)| set.then_some(key))
    .collect();
    if set_keys.is_empty() {
        return Ok(());
    }
    Err(format!(
        "hook `{name}` has kind = \"{kind}\", which SecureChange starts with a ticket id \
         (`hook-runner {command} {name} TICKET_ID`), never on an event, so {keys} cannot apply: \
         remove {keys}, or remove kind to run the hook on events",
        command = raw.kind.subcommand(),
        keys = set_keys.join(" and ")
    ))
}

/// Checks a `sha256` pin and returns it as `sha256:` and 64 lowercase hex
/// digits, the form the audit log and `check` print.
fn normalize_digest(hook: &str, digest: &str) -> Result<String, String> {
    let hex = digest.trim();
    let hex = hex
        .strip_prefix("sha256:")
        .unwrap_or(hex)
        .to_ascii_lowercase();
    if hex.len() != 64 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(format!(
            "hook `{hook}`: sha256 `{digest}` is not a SHA-256 digest: write 64 hex digits, \
             optionally after `sha256:` (`hook-runner check` prints the component's digest)"
        ));
    }
    Ok(format!("sha256:{hex}"))
}

impl PasswordSource {
    /// Reads the password. Its value never appears in an error.
    pub fn read(&self) -> Result<String, String> {
        match self {
            PasswordSource::Env(var) => match std::env::var(var) {
                Ok(password) if !password.is_empty() => Ok(password),
                Ok(_) => Err(format!(
                    "environment variable `{var}` (api.password_env) is empty"
                )),
                Err(_) => Err(format!(
                    "environment variable `{var}` (api.password_env) is not set or not UTF-8"
                )),
            },
            PasswordSource::File(path) => {
                let text = bounded_read::read_text_file(path, bounded_read::MAX_TEXT_FILE_BYTES)
                    .map_err(|error| {
                        format!(
                            "failed to read api.password_file `{}`: {error}",
                            path.display()
                        )
                    })?;
                let password = text.lines().next().unwrap_or_default().to_string();
                if password.is_empty() {
                    return Err(format!(
                        "api.password_file `{}` is empty: put the password on its first line",
                        path.display()
                    ));
                }
                warn_if_shared(path);
                Ok(password)
            }
        }
    }
}

/// Warns when a password file can be read by anyone but its owner, which
/// docs/install.md requires (`chmod 600`).
fn warn_if_shared(path: &Path) {
    if let Some(warning) = crate::file_access::readable_warning(path, "api.password_file") {
        tracing::warn!("{warning}");
    }
}

#[cfg(test)]
mod tests;

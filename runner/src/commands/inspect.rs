//! `hook-runner inspect`: list a component's imports and exports and compare
//! them with a sandbox policy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use wasmtime::component::types::ComponentExtern;
use wasmtime::component::types::ComponentItem;

use super::print_report;
use crate::componentize::Adapter;
use crate::engine::{HookEngine, HookKind, LoadError};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::policy::{Policy, SecretSource};

/// The host interface that reads the event's ticket.
pub(crate) const TICKETS_INTERFACE: &str = "hook-runner:api/tickets";
/// The host interface that returns the hook's settings.
pub(crate) const CONFIG_INTERFACE: &str = "hook-runner:api/config";
/// The WASI interface that sends HTTP requests.
pub(crate) const OUTGOING_HANDLER_INTERFACE: &str = "wasi:http/outgoing-handler";

/// Show a component's imports and exports and, with `--policy`, what the
/// policy grants, which imports it leaves unusable and which grants the
/// component never uses.
#[derive(Debug, clap::Args)]
pub struct InspectCommand {
    /// The WebAssembly component (.wasm file) to inspect
    #[arg(value_name = "COMPONENT")]
    pub component: PathBuf,

    /// Sandbox policy file (TOML) to compare with the component's imports
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Print the report as JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// The imports and exports of a component.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentSurface {
    /// Imported items, sorted by name.
    pub imports: Vec<SurfaceItem>,
    /// Exported items, sorted by name.
    pub exports: Vec<SurfaceItem>,
}

/// One import or export.
#[derive(Debug, Clone, Serialize)]
pub struct SurfaceItem {
    /// The name, such as `wasi:http/outgoing-handler@0.2.6` or `on-event`.
    pub name: String,
    /// `interface`, `function`, `type`, `resource`, `module`, `component` or
    /// `core function`.
    pub kind: &'static str,
    /// The functions of an interface, sorted. Empty for other kinds.
    pub functions: Vec<String>,
}

/// The fit between a policy and a component's imports.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyFit {
    /// The policy file, or `None` for a hook without one.
    pub path: Option<PathBuf>,
    /// The policy's grants.
    pub grants: PolicyGrants,
    /// Imports that the policy leaves unusable.
    pub denied: Vec<Finding>,
    /// Imports that no policy can make usable.
    pub sandbox_denied: Vec<Finding>,
    /// Grants that the component's imports never use.
    pub unused: Vec<Finding>,
}

/// A summary of a policy's grants. It names secrets' sources, never their
/// values.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyGrants {
    /// Whether the hook may read its ticket.
    pub ticket_read: bool,
    /// Fields the hook may write.
    pub write_fields: Vec<String>,
    /// Whether the hook may add comments.
    pub comment: bool,
    /// Keys of the `[config]` table.
    pub config_keys: Vec<String>,
    /// `[[http]]` grants, each as `name: scheme://host:ports/path [methods]`.
    pub http: Vec<String>,
    /// `[[secret]]` entries, each with its header, grant and source.
    pub secrets: Vec<String>,
}

/// One import or grant and the reason it is reported.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The import name or the grant, such as `[[http]] scanner`.
    pub subject: String,
    /// The problem and its fix.
    pub message: String,
}

#[derive(Debug, Serialize)]
struct InspectReport {
    component: PathBuf,
    /// The hook kind, or `None` when the component cannot be loaded.
    kind: Option<HookKind>,
    /// The adapter a core module was wrapped with.
    adapter: Option<Adapter>,
    /// The reason the component cannot be loaded as a hook.
    load_error: Option<String>,
    #[serde(flatten)]
    surface: ComponentSurface,
    policy: Option<PolicyFit>,
}

impl InspectCommand {
    /// Runs the command and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        // Without a configuration there is no compile cache to use.
        let engine =
            HookEngine::new(None).map_err(|error| Failure::new(Status::Internal, error))?;
        let surface = read_surface(&engine, &self.component)
            .map_err(|error| Failure::new(Status::Config, error))?;
        let policy = match &self.policy {
            Some(path) => {
                let policy =
                    Policy::load(path).map_err(|error| Failure::new(Status::Config, error))?;
                Some(fit_policy(&surface, &policy))
            }
            None => None,
        };

        let (kind, adapter, load_error) = match engine.load(&self.component) {
            Ok(hook) => (Some(hook.kind), hook.adapter, None),
            Err(error) => (None, None, Some(error.to_string())),
        };

        let report = InspectReport {
            component: self.component.clone(),
            kind,
            adapter,
            load_error,
            surface,
            policy,
        };
        print_report(&report, self.json, render_text)?;
        Ok(Status::Success)
    }
}

/// Compiles the component at `path`, or maps it from the compile cache, and
/// lists its imports and exports. A WASI preview1 core module is listed as
/// the component its adapter makes.
pub fn read_surface(engine: &HookEngine, path: &Path) -> Result<ComponentSurface, LoadError> {
    let component = engine.compile(path)?.component;
    let engine = engine.wasmtime();
    let component_type = component.component_type();
    let mut imports: Vec<SurfaceItem> = component_type
        .imports(engine)
        .map(|(name, item)| surface_item(engine, name, &item))
        .collect();
    let mut exports: Vec<SurfaceItem> = component_type
        .exports(engine)
        .map(|(name, item)| surface_item(engine, name, &item))
        .collect();
    imports.sort_by(|a, b| a.name.cmp(&b.name));
    exports.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ComponentSurface { imports, exports })
}

fn surface_item(engine: &wasmtime::Engine, name: &str, item: &ComponentExtern<'_>) -> SurfaceItem {
    let (kind, functions) = match &item.ty {
        ComponentItem::ComponentInstance(instance) => {
            let mut functions: Vec<String> = instance
                .exports(engine)
                .filter(|(_, export)| matches!(export.ty, ComponentItem::ComponentFunc(_)))
                .map(|(function, _)| function.to_string())
                .collect();
            functions.sort();
            ("interface", functions)
        }
        ComponentItem::ComponentFunc(_) => ("function", Vec::new()),
        ComponentItem::CoreFunc(_) => ("core function", Vec::new()),
        ComponentItem::Module(_) => ("module", Vec::new()),
        ComponentItem::Component(_) => ("component", Vec::new()),
        ComponentItem::Type(_) => ("type", Vec::new()),
        ComponentItem::Resource(_) => ("resource", Vec::new()),
    };
    SurfaceItem {
        name: name.to_string(),
        kind,
        functions,
    }
}

/// Returns an interface name without its `@version`.
fn unversioned(name: &str) -> &str {
    name.split_once('@')
        .map_or(name, |(interface, _)| interface)
}

/// Compares `policy` with the component's imports: which imports it leaves
/// unusable and which of its grants no import can use. `write_fields` and
/// `comment` concern the outcome, which imports do not reveal, so they are
/// only listed.
pub fn fit_policy(surface: &ComponentSurface, policy: &Policy) -> PolicyFit {
    let imports: BTreeSet<&str> = surface
        .imports
        .iter()
        .map(|item| unversioned(&item.name))
        .collect();
    let file = policy.path.as_ref().map(|path| path.display().to_string());
    let mut denied = Vec::new();
    let mut unused = Vec::new();

    if let Some(file) = &file {
        match (imports.contains(TICKETS_INTERFACE), policy.ticket.read) {
            (true, false) => denied.push(Finding {
                subject: TICKETS_INTERFACE.to_string(),
                message: format!(
                    "the component imports `{TICKETS_INTERFACE}` but the policy does not grant ticket reads, so every `get-ticket` call fails; add read = true under [ticket] in `{file}`"
                ),
            }),
            (false, true) => unused.push(Finding {
                subject: "[ticket] read".to_string(),
                message: format!(
                    "read = true under [ticket] is unused because the component does not import `{TICKETS_INTERFACE}`; set read = false in `{file}`"
                ),
            }),
            _ => {}
        }
    }

    let sends_http = imports.contains(OUTGOING_HANDLER_INTERFACE);
    if sends_http && policy.http.is_empty() {
        let fix = match &file {
            Some(file) => format!("add an [[http]] grant for each destination to `{file}`"),
            None => {
                "name a policy file with [[http]] grants in the hook's `policy` entry".to_string()
            }
        };
        denied.push(Finding {
            subject: OUTGOING_HANDLER_INTERFACE.to_string(),
            message: format!(
                "the component imports `{OUTGOING_HANDLER_INTERFACE}` but the policy has no [[http]] grant, so every request is rejected; {fix}"
            ),
        });
    }
    if !sends_http {
        for grant in &policy.http {
            unused.push(Finding {
                subject: format!("[[http]] {}", grant.name),
                message: format!(
                    "[[http]] grant `{}` (line {}) is unused because the component does not import `{OUTGOING_HANDLER_INTERFACE}`; remove it",
                    grant.name, grant.line
                ),
            });
        }
        for secret in &policy.secrets {
            unused.push(Finding {
                subject: format!("[[secret]] {}", secret.name),
                message: format!(
                    "[[secret]] `{}` (line {}) is unused because the component sends no HTTP request; remove it",
                    secret.name, secret.line
                ),
            });
        }
    }

    if !policy.config.is_empty() && !imports.contains(CONFIG_INTERFACE) {
        let keys: Vec<String> = policy.config.keys().map(|key| format!("`{key}`")).collect();
        unused.push(Finding {
            subject: "[config]".to_string(),
            message: format!(
                "[config] values {} are unused because the component does not import `{CONFIG_INTERFACE}`; remove them",
                keys.join(", ")
            ),
        });
    }

    PolicyFit {
        path: policy.path.clone(),
        grants: summarize_grants(policy),
        denied,
        sandbox_denied: sandbox_denied(&imports),
        unused,
    }
}

/// Lists the imports that link but that the sandbox makes fail for every
/// hook: no folder is preopened, and sockets and name lookups are disabled.
fn sandbox_denied(imports: &BTreeSet<&str>) -> Vec<Finding> {
    imports
        .iter()
        .filter_map(|import| {
            let reason = if import.starts_with("wasi:filesystem/") {
                "hooks get no preopened folder, so the component cannot open a file"
            } else if import.starts_with("wasi:sockets/") {
                "TCP, UDP and name lookups are disabled for hooks; send requests through wasi:http with an [[http]] grant"
            } else {
                return None;
            };
            Some(Finding {
                subject: import.to_string(),
                message: format!("`{import}`: {reason}"),
            })
        })
        .collect()
}

fn summarize_grants(policy: &Policy) -> PolicyGrants {
    let http = policy
        .http
        .iter()
        .map(|grant| {
            format!(
                "{}: {}://{}:{}{} [{}]",
                grant.name,
                grant.scheme,
                grant.host,
                grant.ports,
                grant.path_prefix,
                grant.methods.join(", ")
            )
        })
        .collect();
    let secrets = policy
        .secrets
        .iter()
        .map(|secret| {
            let source = match &secret.source {
                SecretSource::Env(variable) => format!("environment variable `{variable}`"),
                SecretSource::File(path) => format!("file `{}`", path.display()),
            };
            format!(
                "{}: header `{}` on grant `{}`, from {source}",
                secret.name, secret.header, secret.grant
            )
        })
        .collect();
    PolicyGrants {
        // A hook without a policy file may read its ticket.
        ticket_read: policy.path.is_none() || policy.ticket.read,
        write_fields: policy.ticket.write_fields.clone(),
        comment: policy.ticket.comment,
        config_keys: policy.config.keys().cloned().collect(),
        http,
        secrets,
    }
}

fn render_text(report: &InspectReport) -> String {
    let mut text = format!("component `{}`\n", report.component.display());
    match (&report.kind, &report.load_error) {
        (Some(kind), _) => text.push_str(&format!("hook kind: {}\n", kind.name())),
        (None, Some(error)) => text.push_str(&format!("hook kind: none: {error}\n")),
        (None, None) => text.push_str("hook kind: none\n"),
    }
    if let Some(adapter) = report.adapter {
        text.push_str(&format!(
            "a WASI preview1 core module, made a component with the {} adapter\n",
            adapter.name()
        ));
    }
    render_items(&mut text, "imports", &report.surface.imports);
    render_items(&mut text, "exports", &report.surface.exports);
    if let Some(fit) = &report.policy {
        render_fit(&mut text, fit);
    }
    text
}

fn render_items(text: &mut String, title: &str, items: &[SurfaceItem]) {
    text.push_str(&format!("{title} ({}):\n", items.len()));
    for item in items {
        text.push_str(&format!("  {} ({})\n", item.name, item.kind));
        if !item.functions.is_empty() {
            text.push_str(&wrap_words(&item.functions, "      ", 79));
        }
    }
}

fn render_fit(text: &mut String, fit: &PolicyFit) {
    match &fit.path {
        Some(path) => text.push_str(&format!("\npolicy `{}`\n", path.display())),
        None => text.push_str("\nno policy file\n"),
    }
    let grants = &fit.grants;
    text.push_str("grants:\n");
    text.push_str(&format!("  ticket read: {}\n", yes_no(grants.ticket_read)));
    // Outcomes use these two, and imports cannot show whether they do.
    text.push_str(&format!(
        "  write fields (checked against each outcome): {}\n",
        list_or_none(&grants.write_fields)
    ));
    text.push_str(&format!(
        "  comments (checked against each outcome): {}\n",
        yes_no(grants.comment)
    ));
    text.push_str(&format!(
        "  config keys: {}\n",
        list_or_none(&grants.config_keys)
    ));
    text.push_str(&format!("  http: {}\n", list_or_none(&grants.http)));
    text.push_str(&format!("  secrets: {}\n", list_or_none(&grants.secrets)));
    render_findings(text, "denied imports", &fit.denied);
    render_findings(text, "imports denied to every hook", &fit.sandbox_denied);
    render_findings(text, "unused grants", &fit.unused);
}

fn render_findings(text: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        text.push_str(&format!("{title}: none\n"));
        return;
    }
    text.push_str(&format!("{title} ({}):\n", findings.len()));
    for finding in findings {
        text.push_str(&format!("  - {}\n", finding.message));
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join("; ")
    }
}

/// Joins `words` with commas into lines of at most `width` characters (a
/// longer word gets a line of its own), each starting with `indent`.
fn wrap_words(words: &[String], indent: &str, width: usize) -> String {
    let mut text = String::new();
    let mut line = String::new();
    for (index, word) in words.iter().enumerate() {
        let separator = if index + 1 < words.len() { "," } else { "" };
        let piece = format!("{word}{separator}");
        if !line.is_empty() && indent.len() + line.len() + 1 + piece.len() > width {
            text.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        text.push_str(&format!("{indent}{line}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(imports: &[&str]) -> ComponentSurface {
        ComponentSurface {
            imports: imports
                .iter()
                .map(|name| SurfaceItem {
                    name: name.to_string(),
                    kind: "interface",
                    functions: Vec::new(),
                })
                .collect(),
            exports: Vec::new(),
        }
    }

    fn policy(text: &str) -> Policy {
        Policy::parse(Path::new("/etc/hooks/policy.toml"), text).expect("valid policy")
    }

    fn subjects(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .map(|finding| finding.subject.as_str())
            .collect()
    }

    #[test]
    fn ticket_import_without_read_is_denied() {
        let fit = fit_policy(
            &surface(&["hook-runner:api/tickets@0.1.0"]),
            &policy("[ticket]\nread = false\n"),
        );
        assert_eq!(subjects(&fit.denied), [TICKETS_INTERFACE]);
        assert!(fit.denied[0].message.contains("add read = true"));
        assert!(fit.denied[0].message.contains("/etc/hooks/policy.toml"));
        assert!(fit.unused.is_empty());
    }

    #[test]
    fn read_without_ticket_import_is_unused() {
        let fit = fit_policy(&surface(&[]), &policy("[ticket]\nread = true\n"));
        assert!(fit.denied.is_empty());
        assert_eq!(subjects(&fit.unused), ["[ticket] read"]);
    }

    #[test]
    fn http_import_without_grant_is_denied() {
        let fit = fit_policy(
            &surface(&["wasi:http/outgoing-handler@0.2.6"]),
            &policy("[ticket]\nread = true\n"),
        );
        assert_eq!(subjects(&fit.denied), [OUTGOING_HANDLER_INTERFACE]);
        assert!(fit.denied[0].message.contains("[[http]] grant"));
    }

    #[test]
    fn http_import_without_policy_file_is_denied() {
        let fit = fit_policy(
            &surface(&["wasi:http/outgoing-handler@0.2.6"]),
            &Policy::deny_all(),
        );
        assert_eq!(subjects(&fit.denied), [OUTGOING_HANDLER_INTERFACE]);
        assert!(fit.denied[0].message.contains("`policy` entry"));
        assert!(fit.grants.ticket_read, "no policy file allows reads");
    }

    #[test]
    fn http_grant_and_secret_without_import_are_unused() {
        let fit = fit_policy(
            &surface(&["hook-runner:api/log@0.1.0"]),
            &policy(concat!(
                "[[http]]\nname = \"scanner\"\nhost = \"scanner.example.com\"\n",
                "[[secret]]\nname = \"token\"\nenv = \"TOKEN\"\ngrant = \"scanner\"\n",
                "header = \"Authorization\"\nformat = \"Bearer {}\"\n",
            )),
        );
        assert_eq!(
            subjects(&fit.unused),
            ["[[http]] scanner", "[[secret]] token"]
        );
        assert_eq!(fit.grants.http.len(), 1);
        assert!(fit.grants.secrets[0].contains("environment variable `TOKEN`"));
    }

    #[test]
    fn http_grant_with_import_is_used() {
        let fit = fit_policy(
            &surface(&["wasi:http/outgoing-handler@0.2.6"]),
            &policy("[[http]]\nname = \"scanner\"\nhost = \"scanner.example.com\"\n"),
        );
        assert!(fit.denied.is_empty());
        assert!(fit.unused.is_empty());
    }

    #[test]
    fn config_without_import_is_unused() {
        let fit = fit_policy(&surface(&[]), &policy("[config]\nlevel = \"high\"\n"));
        assert_eq!(subjects(&fit.unused), ["[config]"]);
        assert!(fit.unused[0].message.contains("`level`"));
    }

    #[test]
    fn filesystem_and_sockets_are_sandbox_denied() {
        let fit = fit_policy(
            &surface(&[
                "wasi:filesystem/preopens@0.2.6",
                "wasi:sockets/tcp@0.2.6",
                "wasi:clocks/wall-clock@0.2.6",
            ]),
            &Policy::deny_all(),
        );
        assert_eq!(
            subjects(&fit.sandbox_denied),
            ["wasi:filesystem/preopens", "wasi:sockets/tcp"]
        );
    }

    #[test]
    fn version_is_stripped() {
        assert_eq!(unversioned("wasi:io/streams@0.2.6"), "wasi:io/streams");
        assert_eq!(unversioned("on-event"), "on-event");
    }

    #[test]
    fn words_wrap_at_width() {
        let words: Vec<String> = ["alpha", "beta", "gamma"].map(String::from).into();
        assert_eq!(wrap_words(&words, "  ", 14), "  alpha, beta,\n  gamma\n");
        assert_eq!(wrap_words(&words, "  ", 80), "  alpha, beta, gamma\n");
    }

    #[test]
    fn non_wasm_file_is_compile_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("plain.wasm");
        std::fs::write(&path, "plain text").expect("write");
        let engine = HookEngine::new(None).expect("engine");
        let error = read_surface(&engine, &path).expect_err("not a component");
        assert!(matches!(error, LoadError::Compile { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("is not a valid WebAssembly component"),
            "{error}"
        );
        assert!(error.to_string().contains("magic bytes"), "{error}");
    }
}

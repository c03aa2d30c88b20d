//! `hook-runner check`: validate the configuration, every policy file and
//! every component, and report on each hook.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::inspect::{fit_policy, read_surface};
use super::print_report;
use crate::componentize::Adapter;
use crate::config::{Config, HookConfig, PasswordSource};
use crate::engine::{CacheOutcome, HookEngine, HookKind, list_entries};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::file_access;
use crate::logging;
use crate::self_test::{HookCheck, check_setup};

/// Validate the configuration, the API credential source, every hook's
/// component and policy file, and the sources of the policies' secrets,
/// without calling the SecureChange API. Also warns about imports that a
/// policy leaves unusable and grants that a component never uses.
#[derive(Debug, clap::Args)]
pub struct CheckCommand {
    /// Print the report as JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// The outcome of `check`, as printed.
#[derive(Debug, Default, Serialize)]
struct CheckReport {
    config: PathBuf,
    valid: bool,
    /// Problems with the configuration file or the API connection.
    problems: Vec<String>,
    /// Warnings about the configuration as a whole.
    warnings: Vec<String>,
    hooks: Vec<HookReport>,
}

#[derive(Debug, Serialize)]
struct HookReport {
    name: String,
    component: PathBuf,
    /// `trigger` or `command`; `None` when the component did not load.
    kind: Option<HookKind>,
    /// The adapter a core module was wrapped with.
    adapter: Option<Adapter>,
    policy: Option<PathBuf>,
    /// The source of the component's machine code, when it compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    compiled: Option<String>,
    problems: Vec<String>,
    warnings: Vec<String>,
}

impl CheckCommand {
    /// Runs the command on the configuration at `config_path` and returns
    /// the exit status: `Config` when anything is invalid.
    pub fn execute(&self, config_path: &Path) -> Result<Status, Failure> {
        let report = match Config::load(config_path) {
            Ok(config) => check_config(&config)?,
            Err(error) => CheckReport {
                config: config_path.to_path_buf(),
                problems: vec![error.to_string()],
                ..CheckReport::default()
            },
        };

        print_report(&report, self.json, render_text)?;
        Ok(if report.valid {
            Status::Success
        } else {
            Status::Config
        })
    }
}

fn check_config(config: &Config) -> Result<CheckReport, Failure> {
    let mut problems = Vec::new();
    // A log file that cannot be opened fails `run` too, so it is a problem.
    if let Err(error) = logging::init(&config.log) {
        problems.push(error.to_string());
    }
    let engine = HookEngine::new(config.compile_cache())
        .map_err(|error| Failure::new(Status::Internal, error))?;
    let setup = check_setup(config, &engine);
    problems.extend(setup.api_problems);

    let mut warnings = access_warnings(config);
    if let Some(stale) = stale_entries(&engine, &setup.hooks) {
        warnings.push(stale);
    }
    if config.hooks.is_empty() {
        warnings
            .push("the configuration has no [[hook]] entry, so no event runs anything".to_string());
    }
    let hooks: Vec<HookReport> = config
        .hooks
        .iter()
        .zip(setup.hooks)
        .map(|(hook, check)| report_hook(&engine, hook, check))
        .collect();
    let valid = problems.is_empty() && hooks.iter().all(|hook| hook.problems.is_empty());
    Ok(CheckReport {
        config: config.path.clone(),
        valid,
        problems,
        warnings,
        hooks,
    })
}

/// Warns about files that other users can change or read, and about an API
/// URL that sends the password unencrypted.
fn access_warnings(config: &Config) -> Vec<String> {
    let mut warnings = Vec::new();
    warnings.extend(file_access::writable_warning(
        &config.path,
        "the configuration",
        "point api.url at their own server and receive the API password",
    ));
    if let PasswordSource::File(path) = &config.api.password {
        warnings.extend(file_access::readable_warning(path, "api.password_file"));
    }
    let host = config.api.url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    if config.api.url.scheme() == "http" && !loopback {
        warnings.push(format!(
            "api.url `{}` uses plain http, so the API password crosses the network \
             unencrypted: use https",
            config.api.url
        ));
    }
    warnings
}

/// Adds the warnings of one hook to its check: imports its policy leaves
/// unusable, grants its component never uses, and files that other users
/// can change.
fn report_hook(engine: &HookEngine, hook: &HookConfig, check: HookCheck) -> HookReport {
    let mut warnings = Vec::new();
    warnings.extend(file_access::writable_warning(
        &hook.component,
        "component",
        "replace the code that runs with hook-runner's API access",
    ));
    if let Some(policy) = &hook.policy {
        warnings.extend(file_access::writable_warning(
            policy,
            "policy",
            "grant the hook more HTTP destinations, secrets or field writes",
        ));
    }
    let loaded = check.compiled.is_some();
    let compiled = check.compiled.map(|(_, outcome)| match outcome {
        CacheOutcome::Hit => "mapped from the compile cache".to_string(),
        CacheOutcome::Stored(elapsed) => {
            format!("compiled in {:.2} s and stored in the compile cache", elapsed.as_secs_f64())
        }
        CacheOutcome::Uncached(elapsed, reason) => {
            if engine.cache().is_some() {
                warnings.push(format!(
                    "every run compiles this component, because the compile cache cannot be used: {reason}"
                ));
            }
            format!("compiled in {:.2} s, not cached", elapsed.as_secs_f64())
        }
    });
    if loaded && let Some(policy) = &check.policy {
        // Maps the entry that loading the hook stored in the compile cache.
        match read_surface(engine, &hook.component) {
            Ok(surface) => {
                let fit = fit_policy(&surface, policy);
                let findings = fit.denied.into_iter().chain(fit.unused);
                warnings.extend(findings.map(|finding| finding.message));
            }
            Err(error) => warnings.push(format!("failed to list the imports: {error}")),
        }
    }
    HookReport {
        name: check.name,
        component: hook.component.clone(),
        kind: check.kind,
        adapter: check.adapter,
        policy: hook.policy.clone(),
        compiled,
        problems: check.problems,
        warnings,
    }
}

/// Describes the cache files that no hook uses, left by an older
/// component, hook-runner version or engine setting.
fn stale_entries(engine: &HookEngine, hooks: &[HookCheck]) -> Option<String> {
    let cache = engine.cache()?;
    let current = hooks
        .iter()
        .filter_map(|hook| hook.compiled.as_ref())
        .filter_map(|(digest, _)| engine.cache_entry(digest))
        .collect();
    match list_entries(cache.dir(), &current) {
        Ok(entries) if entries.stale.is_empty() => None,
        Ok(entries) => Some(format!(
            "the compile cache `{}` has {} stale file(s), {:.1} MiB, that no hook uses: \
             `hook-runner compile --prune` removes them",
            cache.dir().display(),
            entries.stale.len(),
            entries.stale_bytes as f64 / f64::from(1 << 20)
        )),
        Err(error) => Some(format!(
            "failed to list the compile cache `{}`: {error}",
            cache.dir().display()
        )),
    }
}

fn render_text(report: &CheckReport) -> String {
    let mut text = format!("configuration `{}`\n", report.config.display());
    push_lines(&mut text, "problem", &report.problems);
    push_lines(&mut text, "warning", &report.warnings);
    for hook in &report.hooks {
        let status = match (hook.problems.len(), hook.warnings.len()) {
            (0, 0) => "OK".to_string(),
            (0, warnings) => format!("OK with {warnings} warning(s)"),
            (problems, _) => format!("{problems} problem(s)"),
        };
        text.push_str(&format!("\nhook `{}`: {status}\n", hook.name));
        text.push_str(&format!("  component `{}`\n", hook.component.display()));
        if let Some(kind) = hook.kind {
            let adapted = match hook.adapter {
                Some(adapter) => format!(" (core module, {} adapter)", adapter.name()),
                None => String::new(),
            };
            text.push_str(&format!("  kind: {}{adapted}\n", kind.name()));
        }
        match &hook.policy {
            Some(policy) => text.push_str(&format!("  policy `{}`\n", policy.display())),
            None => text.push_str(
                "  no policy file: no ticket reads, writes or comments, no network, default limits\n",
            ),
        }
        if let Some(compiled) = &hook.compiled {
            text.push_str(&format!("  {compiled}\n"));
        }
        push_lines(&mut text, "problem", &hook.problems);
        push_lines(&mut text, "warning", &hook.warnings);
    }

    let problems =
        report.problems.len() + report.hooks.iter().map(|h| h.problems.len()).sum::<usize>();
    let warnings =
        report.warnings.len() + report.hooks.iter().map(|h| h.warnings.len()).sum::<usize>();
    let verdict = if report.valid { "valid" } else { "invalid" };
    text.push_str(&format!(
        "\nthe configuration is {verdict}: {} hook(s), {problems} problem(s), {warnings} warning(s)\n",
        report.hooks.len()
    ));
    text
}

fn push_lines(text: &mut String, label: &str, lines: &[String]) {
    for line in lines {
        text.push_str(&format!("  {label}: {line}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(problems: &[&str], warnings: &[&str]) -> HookReport {
        HookReport {
            name: "risk-scorer".into(),
            component: "hooks/risk.wasm".into(),
            kind: Some(HookKind::Trigger),
            adapter: None,
            policy: None,
            compiled: None,
            problems: problems.iter().map(|p| p.to_string()).collect(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn text_report_marks_hook_ok() {
        let report = CheckReport {
            config: "hook-runner.toml".into(),
            valid: true,
            hooks: vec![hook(&[], &[])],
            ..CheckReport::default()
        };
        let text = render_text(&report);
        assert!(text.contains("hook `risk-scorer`: OK\n"), "{text}");
        assert!(text.contains("no policy file"), "{text}");
        assert!(
            text.contains("is valid: 1 hook(s), 0 problem(s), 0 warning(s)"),
            "{text}"
        );
    }

    #[test]
    fn text_report_counts_problems_and_warnings() {
        let report = CheckReport {
            config: "hook-runner.toml".into(),
            valid: false,
            problems: vec!["SCW password missing".into()],
            hooks: vec![hook(&["bad component"], &["unused grant"])],
            ..CheckReport::default()
        };
        let text = render_text(&report);
        assert!(text.contains("hook `risk-scorer`: 1 problem(s)"), "{text}");
        assert!(text.contains("  problem: bad component\n"), "{text}");
        assert!(text.contains("  warning: unused grant\n"), "{text}");
        assert!(
            text.contains("is invalid: 1 hook(s), 2 problem(s), 1 warning(s)"),
            "{text}"
        );
    }
}

//! `hook-runner check`: validate the configuration, every policy file and
//! every component, and report on each hook.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::inspect::{fit_policy, read_surface};
use super::print_report;
use crate::config::{Config, HookConfig};
use crate::engine::HookEngine;
use crate::exit_code::Status;
use crate::failure::Failure;
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
    policy: Option<PathBuf>,
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
    if let Err(error) = logging::init(config.log.level.as_deref(), config.log.file.as_deref()) {
        problems.push(error.to_string());
    }
    let engine = HookEngine::new().map_err(|error| Failure::new(Status::Internal, error))?;
    let setup = check_setup(config, &engine);
    problems.extend(setup.api_problems);

    let mut warnings = Vec::new();
    if config.hooks.is_empty() {
        warnings
            .push("the configuration has no [[hook]] entry, so no event runs anything".to_string());
    }
    let hooks: Vec<HookReport> = config
        .hooks
        .iter()
        .zip(setup.hooks)
        .map(|(hook, check)| report_hook(hook, check))
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

/// Adds the warnings of one hook to its check: imports its policy leaves
/// unusable and grants its component never uses.
fn report_hook(hook: &HookConfig, check: HookCheck) -> HookReport {
    let mut warnings = Vec::new();
    if check.component_loaded
        && let Some(policy) = &check.policy
    {
        // NOTE: this compiles the component a second time, because
        // `HookEngine::load` does not return the compiled component.
        match read_surface(&hook.component) {
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
        policy: hook.policy.clone(),
        problems: check.problems,
        warnings,
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
        match &hook.policy {
            Some(policy) => text.push_str(&format!("  policy `{}`\n", policy.display())),
            None => text.push_str(
                "  no policy file: no network, default limits, may read its ticket and write any field\n",
            ),
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
            policy: None,
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

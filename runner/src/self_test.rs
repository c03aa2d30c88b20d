//! The TEST event, sent by the Test button under Settings > SecureChange API:
//! check the whole setup without calling the API.

use std::io::Write;

use crate::api::ApiClient;
use crate::config::Config;
use crate::egress::Resolver;
use crate::engine::HookEngine;
use crate::event::event_name;
use crate::exit_code::Status;
use crate::hook_context;

/// Checks the credential source, the CA file, every hook component, policy
/// file and secret, and
/// prints a summary on standard output. Returns `Config` when anything is
/// wrong, after listing every problem.
pub fn self_test(config: &Config, engine: &HookEngine) -> Status {
    let mut problems = Vec::new();

    let password = config.api.password.read().unwrap_or_else(|problem| {
        problems.push(problem);
        String::new()
    });
    // Building the client reads and parses the CA file; it sends nothing.
    if let Err(error) = ApiClient::new(&config.api, password) {
        problems.push(error.to_string());
    }
    for hook in &config.hooks {
        match engine.load(&hook.component) {
            Ok(_) => {
                let events: Vec<&str> =
                    hook.events.iter().map(|event| event_name(*event)).collect();
                tracing::info!(hook = %hook.name, events = %events.join(","), "component loaded");
            }
            Err(error) => problems.push(format!("hook `{}`: {error}", hook.name)),
        }
        // Building the context reads the policy file and every secret.
        let context = hook_context::load_policy(hook)
            .and_then(|policy| hook_context::build(hook, policy, &Resolver::default(), 0, None));
        if let Err(problem) = context {
            problems.push(problem);
        }
    }

    let mut report = String::new();
    let status = if problems.is_empty() {
        report.push_str(&format!(
            "hook-runner: configuration `{}` is valid; {} hook(s) ready\n",
            config.path.display(),
            config.hooks.len()
        ));
        Status::Success
    } else {
        report.push_str(&format!(
            "hook-runner: configuration `{}` has {} problem(s):\n",
            config.path.display(),
            problems.len()
        ));
        for problem in &problems {
            report.push_str(&format!("  - {problem}\n"));
            tracing::error!("TEST: {problem}");
        }
        Status::Config
    };
    // SecureChange shows this text after the Test button; a closed or full
    // standard output must not turn a result into a crash.
    if let Err(error) = std::io::stdout().write_all(report.as_bytes()) {
        tracing::warn!(%error, "failed to write the TEST report to standard output");
    }
    status
}

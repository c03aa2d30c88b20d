//! The TEST event, sent by the Test button under Settings > SecureChange API:
//! check the whole setup without calling the API.

use crate::config::Config;
use crate::engine::HookEngine;
use crate::event::event_name;
use crate::exit_code::Status;

/// Checks the credential source, the CA file and every hook component, and
/// prints a summary on standard output. Returns `Config` when anything is
/// wrong, after listing every problem.
pub fn self_test(config: &Config, engine: &HookEngine) -> Status {
    let mut problems = Vec::new();

    if let Err(problem) = config.api.password.read() {
        problems.push(problem);
    }
    if let Some(ca_file) = &config.api.ca_file
        && let Err(error) = std::fs::metadata(ca_file)
    {
        problems.push(format!(
            "api.ca_file `{}` cannot be read: {error}",
            ca_file.display()
        ));
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
    }

    if problems.is_empty() {
        println!(
            "hook-runner: configuration `{}` is valid; {} hook(s) ready",
            config.path.display(),
            config.hooks.len()
        );
        return Status::Success;
    }
    println!(
        "hook-runner: configuration `{}` has {} problem(s):",
        config.path.display(),
        problems.len()
    );
    for problem in &problems {
        println!("  - {problem}");
        tracing::error!("TEST: {problem}");
    }
    Status::Config
}

//! `hook-runner condition`: run a scripted condition for SecureChange.

use super::script;
use crate::config::{Config, ScriptKind};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Decide a SecureChange scripted condition with a condition hook.
///
/// Register `hook-runner condition HOOK` as the condition's script in the
/// workflow editor. SecureChange adds the ticket id, hook-runner reads the
/// whole ticket through the REST API, calls the hook's `evaluate` export, and
/// prints `<response><condition_result>true</condition_result></response>`
/// (or false) on standard output. On failure it prints nothing there and
/// exits non-zero. With `test` in place of the ticket id it checks the hook's
/// setup without calling the API and prints a true result when it is valid.
#[derive(Debug, clap::Args)]
pub struct ConditionCommand {
    /// Name of the [[hook]] with kind = "condition" in the configuration
    #[arg(value_name = "HOOK")]
    pub hook: String,

    /// Ticket id that SecureChange passes, or `test` from the workflow editor
    #[arg(value_name = "TICKET_ID|test", allow_hyphen_values = true)]
    pub ticket: String,
}

impl ConditionCommand {
    /// Runs the command and returns the exit status.
    pub async fn execute(&self, config: &Config) -> Result<Status, Failure> {
        script::execute(config, ScriptKind::Condition, &self.hook, &self.ticket).await
    }
}

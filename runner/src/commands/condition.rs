//! `hook-runner condition`: run a scripted condition for SecureChange.

use super::script;
use crate::config::{Config, ScriptKind};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Decide a SecureChange scripted condition with a condition hook. The help
/// text is on [`crate::cli::Command::Condition`].
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

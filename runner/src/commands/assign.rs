//! `hook-runner assign`: run a dynamic-assignment script for SecureChange.

use super::script;
use crate::config::{Config, ScriptKind};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Split a SecureChange step into tasks with a dynamic-assignment hook. The
/// help text is on [`crate::cli::Command::Assign`].
#[derive(Debug, clap::Args)]
pub struct AssignCommand {
    /// Name of the [[hook]] with kind = "assignment" in the configuration
    #[arg(value_name = "HOOK")]
    pub hook: String,

    /// Ticket id that SecureChange passes, or `test` to check the setup
    #[arg(value_name = "TICKET_ID|test", allow_hyphen_values = true)]
    pub ticket: String,
}

impl AssignCommand {
    /// Runs the command and returns the exit status.
    pub async fn execute(&self, config: &Config) -> Result<Status, Failure> {
        script::execute(config, ScriptKind::Assignment, &self.hook, &self.ticket).await
    }
}

//! `hook-runner assign`: run a dynamic-assignment script for SecureChange.

use super::script;
use crate::config::{Config, ScriptKind};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Split a SecureChange step into tasks with a dynamic-assignment hook.
///
/// Register `hook-runner assign HOOK` as the step's dynamic-assignment
/// script. SecureChange adds the ticket id, hook-runner reads the whole
/// ticket through the REST API, calls the hook's `assign` export, checks the
/// tasks against the ticket, and prints them as a `<tasks>` document on
/// standard output. On failure it prints nothing there and exits non-zero.
/// With `test` in place of the ticket id it checks the hook's setup without
/// calling the API and prints an empty `<tasks></tasks>` when it is valid.
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

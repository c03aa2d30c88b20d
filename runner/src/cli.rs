//! The command line: global options and the subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::RunCommand;

/// Runs sandboxed WebAssembly hooks for Tufin SecureChange ticket events.
///
/// Register this binary as a SecureChange API script. SecureChange starts it
/// with the event in SCW_EVENT and a <ticket_info> document on standard
/// input; with no subcommand it behaves as `hook-runner run`.
#[derive(Debug, Parser)]
#[command(name = "hook-runner", version, about, long_about, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// Configuration file [default: hook-runner.toml next to the binary]
    #[arg(long, global = true, env = crate::config::CONFIG_ENV, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The subcommand; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Handle one SecureChange event: run the hooks bound to it and write
    /// their results into the ticket (the default).
    Run(RunCommand),
}

/// The exit code table shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  every selected hook ran and its changes were written; on TEST, the setup is valid
  1  internal error (a bug in hook-runner)
  2  invalid command line
  3  invalid or missing configuration, component or credential source
  4  invalid SCW_EVENT or <ticket_info> on standard input
  5  a hook failed (trap, time-out, memory limit, returned error) or asked for
     changes the ticket cannot take; other hooks still ran
  6  the SecureChange API failed or rejected a read or write";

/// Splits an argument list that SecureChange passed as one string (`-a b`
/// arrives as the single argument `"-a b"`) into words.
pub fn split_joined_arguments(mut arguments: Vec<String>) -> Vec<String> {
    if arguments.len() == 2
        && arguments[1].starts_with('-')
        && arguments[1].contains(char::is_whitespace)
    {
        let joined = arguments.remove(1);
        arguments.extend(joined.split_whitespace().map(str::to_string));
    }
    arguments
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn joined_arguments_are_split() {
        let split = split_joined_arguments(vec!["hook-runner".into(), "--config /a b.toml".into()]);
        assert_eq!(split, ["hook-runner", "--config", "/a", "b.toml"]);
        let kept = split_joined_arguments(vec!["hook-runner".into(), "run".into()]);
        assert_eq!(kept, ["hook-runner", "run"]);
    }

    #[test]
    fn no_subcommand_parses() {
        let cli = Cli::try_parse_from(["hook-runner"]).expect("parses");
        assert!(cli.command.is_none());
    }
}

//! The command line: global options and the subcommands.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{
    AssignCommand, CheckCommand, CompileCommand, ComponentizeCommand, ConditionCommand,
    InspectCommand, OutboxCommand, RunCommand, TestCommand,
};

/// Runs sandboxed WebAssembly hooks for Tufin SecureChange ticket events.
///
/// Register this binary as a SecureChange API script. SecureChange starts it
/// with the event in SCW_EVENT and a <ticket_info> document on standard
/// input; with no subcommand it behaves as `hook-runner run`.
#[derive(Debug, Parser)]
#[command(
    name = "hook-runner",
    version,
    about,
    long_about,
    after_long_help = EXIT_CODES
)]
pub struct Cli {
    /// Configuration file [default: the HOOK_RUNNER_CONFIG environment
    /// variable, else hook-runner.toml next to the binary]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The options of `run`, for when no subcommand is given.
    #[command(flatten)]
    pub run: RunCommand,

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
    /// Run one hook on a <ticket_info> file and report the fields it would
    /// change, its log lines, HTTP requests and resource use; nothing is
    /// written to the ticket unless --write is given.
    Test(TestCommand),
    /// Decide a SecureChange scripted condition with a condition hook: print
    /// <response><condition_result>true|false</condition_result></response>.
    ///
    /// Register `hook-runner condition HOOK` as the condition's script in the
    /// workflow editor. SecureChange adds the ticket id. hook-runner reads the
    /// whole ticket through the REST API, calls the hook's `evaluate` export
    /// and prints the result on standard output. On failure it prints nothing
    /// there and exits non-zero (see the exit codes in `hook-runner --help`).
    /// With `test` in place of the ticket id it checks the hook's setup
    /// without calling the API, and prints a true result when it is valid.
    Condition(ConditionCommand),
    /// Split a SecureChange step into tasks with a dynamic-assignment hook:
    /// print the <tasks> document.
    ///
    /// Register `hook-runner assign HOOK` as the step's dynamic-assignment
    /// script. SecureChange adds the ticket id. hook-runner reads the whole
    /// ticket through the REST API and calls the hook's `assign` export. It
    /// checks the tasks against the ticket and prints them on standard output. On
    /// failure it prints nothing there and exits non-zero (see the exit codes
    /// in `hook-runner --help`). With `test` in place of the ticket id it
    /// checks the hook's setup without calling the API, and prints an empty
    /// <tasks></tasks> when it is valid.
    Assign(AssignCommand),
    /// Validate the configuration, every policy file and every component
    /// without calling the SecureChange API, and report on each hook.
    Check(CheckCommand),
    /// Compile every hook's component into the compile cache, so that no
    /// event waits for the compiler (run it after an install or upgrade).
    Compile(CompileCommand),
    /// Show a component's imports and exports and, with --policy, how the
    /// policy fits them.
    Inspect(InspectCommand),
    /// Create a hook project in Rust, Python, JavaScript or C that builds
    /// with its language's tool.
    New(crate::commands::NewCommand),
    /// Show, retry or drop the write-backs that wait in the outbox because
    /// the SecureChange API failed.
    Outbox(OutboxCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(crate::commands::CompletionsCommand),
    /// Print the man page (roff).
    Man(crate::commands::ManCommand),
    /// Print the JSON Schema of the configuration or of a policy file, for
    /// editors.
    Schema(crate::commands::SchemaCommand),
    /// Make a component from a WASI preview1 core module, as C, Zig and Go
    /// compilers write them.
    Componentize(ComponentizeCommand),
}

/// The exit code table shown at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  every selected hook ran and its changes were written or safely queued in the
     outbox for a retry, or no hook is bound to the event; on TEST and for check,
     the setup is valid; for compile, every component is in the cache; for
     inspect, the component (and the policy, with --policy) was read; for
     componentize, the component was written; for test, the hook ran and its
     outcome fits the ticket (and, with --write, was written or queued); for
     condition and assign, the result is printed on standard output
  1  internal error (a bug in hook-runner)
  2  invalid command line; for test, also an unknown hook name, a --set value
     without `=` or an invalid --api URL
  3  invalid or missing configuration, component, policy or credential source;
     for compile, a component that does not compile or a cache that cannot be
     written; for componentize, a module that cannot be wrapped or an output
     that cannot be written; for condition and assign, an unknown hook name or
     a hook of another kind; for test, a condition or assignment hook
  4  invalid SCW_EVENT or <ticket_info> on standard input; for test, an invalid
     --event value or --ticket file; for condition and assign, a ticket id that
     is not a positive whole number or `test`
  5  a hook failed (trap, time-out, memory limit, returned error, non-zero exit
     or invalid output of a command hook) or asked for changes the ticket cannot
     take; other hooks still ran; for assign, tasks that SecureChange cannot open
  6  the SecureChange API rejected a write that a retry cannot fix (kept in the
     outbox for the admin) or the credentials (the write stays queued), or a
     read that a hook needed failed; for test, also a failed read of the
     ticket's current values; for condition and assign, the ticket was not
     found or could not be read

condition and assign print nothing on standard output unless they exit 0.
SecureChange re-runs a script that exits non-zero; a re-run never writes twice,
because each event's write-back is recorded in the outbox once.";

/// Parses the command line. SecureChange may pass the arguments that an
/// admin set as one string, so when the arguments as given do not parse and
/// the first one has white space, it is split into words (see
/// [`split_joined_arguments`]) and parsed again. `--config` may stand before
/// or after the subcommand; the options of `run` only without a subcommand
/// or after `run`.
pub fn parse_arguments(arguments: Vec<String>) -> Result<Cli, clap::Error> {
    let cli = match Cli::try_parse_from(&arguments) {
        Ok(cli) => cli,
        Err(error) if !is_joined(&arguments) => return Err(error),
        Err(_) => Cli::try_parse_from(split_joined_arguments(arguments))?,
    };
    if cli.command.is_some() && (cli.run.event.is_some() || cli.run.ticket_info.is_some()) {
        return Err(Cli::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            "--event and --ticket-info are options of `run`: give them without a subcommand \
             or after `run`",
        ));
    }
    Ok(cli)
}

/// Returns whether the first argument contains several words, as when
/// SecureChange passes the admin's arguments as one string. An argument of
/// only white space contains none, and splitting it would drop it.
fn is_joined(arguments: &[String]) -> bool {
    arguments.len() >= 2
        && arguments[1].contains(char::is_whitespace)
        && !arguments[1].trim().is_empty()
}

/// Splits an argument list that SecureChange passed as one string (`-a b`
/// arrives as the single argument `"-a b"`) into words. Only the first
/// argument is split, so `"condition pci-scope" 1001` becomes `condition
/// pci-scope 1001` while later arguments stay whole. Single or double quotes
/// keep a word with spaces together, such as `--config "/a b.toml"`.
pub fn split_joined_arguments(mut arguments: Vec<String>) -> Vec<String> {
    if is_joined(&arguments) {
        let joined = arguments.remove(1);
        let rest = arguments.split_off(1);
        arguments.extend(split_words(&joined));
        arguments.extend(rest);
    }
    arguments
}

fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for character in text.chars() {
        match (quote, character) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(character);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn joined_arguments_are_split() {
        let split = split_joined_arguments(vec!["hook-runner".into(), "--config /a b.toml".into()]);
        assert_eq!(split, ["hook-runner", "--config", "/a", "b.toml"]);
        let quoted = split_joined_arguments(vec![
            "hook-runner".into(),
            "run --config '/a b.toml'".into(),
        ]);
        assert_eq!(quoted, ["hook-runner", "run", "--config", "/a b.toml"]);
        let kept = split_joined_arguments(vec!["hook-runner".into(), "run".into()]);
        assert_eq!(kept, ["hook-runner", "run"]);
    }

    #[test]
    fn joined_first_argument_keeps_later_ones() {
        let split = split_joined_arguments(vec![
            "hook-runner".into(),
            "condition pci-scope".into(),
            "1001".into(),
        ]);
        assert_eq!(split, ["hook-runner", "condition", "pci-scope", "1001"]);
        let all_joined =
            split_joined_arguments(vec!["hook-runner".into(), "assign zones 1001".into()]);
        assert_eq!(all_joined, ["hook-runner", "assign", "zones", "1001"]);
    }

    #[test]
    fn condition_takes_negative_ticket_id() {
        let cli = Cli::try_parse_from(["hook-runner", "condition", "pci", "-1"]).expect("parses");
        let Some(Command::Condition(condition)) = cli.command else {
            panic!("expected condition");
        };
        assert_eq!(condition.hook, "pci");
        assert_eq!(condition.ticket, "-1");
    }

    #[test]
    fn blank_first_argument_is_not_dropped() {
        let arguments = ["hook-runner", " ", "check"].map(String::from).to_vec();
        let error = parse_arguments(arguments).expect_err("rejected");
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidSubcommand);
    }

    #[test]
    fn no_subcommand_parses() {
        let cli = Cli::try_parse_from(["hook-runner"]).expect("parses");
        assert!(cli.command.is_none());
    }

    #[test]
    fn check_parses_json_flag() {
        let cli = Cli::try_parse_from(["hook-runner", "check", "--json"]).expect("parses");
        assert!(matches!(
            cli.command,
            Some(Command::Check(CheckCommand { json: true }))
        ));
    }

    #[test]
    fn inspect_needs_component() {
        let error = Cli::try_parse_from(["hook-runner", "inspect"]).expect_err("rejected");
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
        let cli = Cli::try_parse_from(["hook-runner", "inspect", "a.wasm", "--policy", "p.toml"])
            .expect("parses");
        let Some(Command::Inspect(inspect)) = cli.command else {
            panic!("expected inspect");
        };
        assert_eq!(inspect.component, PathBuf::from("a.wasm"));
        assert_eq!(inspect.policy, Some(PathBuf::from("p.toml")));
    }

    fn parse(words: &[&str]) -> Result<Cli, clap::Error> {
        parse_arguments(words.iter().map(|word| word.to_string()).collect())
    }

    #[test]
    fn test_needs_ticket_and_event() {
        let error = Cli::try_parse_from(["hook-runner", "test", "risk"]).expect_err("rejected");
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
        let cli = Cli::try_parse_from([
            "hook-runner",
            "test",
            "risk",
            "--ticket",
            "t.xml",
            "--event",
            "ADVANCE",
            "--set",
            "mode=x",
            "--write",
        ])
        .expect("parses");
        let Some(Command::Test(test)) = cli.command else {
            panic!("expected test");
        };
        assert_eq!(test.hook, "risk");
        assert_eq!(test.ticket, PathBuf::from("t.xml"));
        assert_eq!(test.settings, ["mode=x"]);
        assert!(test.write);
        assert!(!test.json);
    }

    #[test]
    fn run_options_conflict_with_check() {
        let error = parse(&["hook-runner", "--event", "ADVANCE", "check"]).expect_err("rejected");
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn config_before_subcommand_parses() {
        let cli = parse(&["hook-runner", "--config", "/a.toml", "compile"]).expect("parses");
        assert_eq!(cli.config, Some(PathBuf::from("/a.toml")));
        assert!(matches!(cli.command, Some(Command::Compile(_))));
    }

    #[test]
    fn joined_arguments_parse() {
        let cli = parse(&["hook-runner", "check --config /a.toml"]).expect("parses");
        assert_eq!(cli.config, Some(PathBuf::from("/a.toml")));
        assert!(matches!(cli.command, Some(Command::Check(_))));
    }

    #[test]
    fn lone_option_with_space_is_kept() {
        let cli = parse(&["hook-runner", "--config=/a b/c.toml"]).expect("parses");
        assert_eq!(cli.config, Some(PathBuf::from("/a b/c.toml")));
    }

    #[test]
    fn run_options_work_without_subcommand() {
        let cli = Cli::try_parse_from(["hook-runner", "--event", "ADVANCE"]).expect("parses");
        assert_eq!(cli.run.event.as_deref(), Some("ADVANCE"));
    }
}

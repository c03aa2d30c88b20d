//! `hook-runner completions` and `hook-runner man`: shell completion scripts
//! and a man page, generated from the command-line definition so they never
//! drift from `--help`.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit_code::Status;
use crate::failure::Failure;

/// Print a shell completion script for hook-runner on standard output.
///
/// Bash: `hook-runner completions bash > /etc/bash_completion.d/hook-runner`.
/// Zsh: write it to `_hook-runner` in a folder of `$fpath`. Fish: write it
/// to `~/.config/fish/completions/hook-runner.fish`.
#[derive(Debug, clap::Args)]
pub struct CompletionsCommand {
    /// The shell to complete in
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Print hook-runner's man page (roff) on standard output, for example
/// `hook-runner man > /usr/local/share/man/man1/hook-runner.1`, or write it
/// and the pages of every subcommand into a folder with --dir.
#[derive(Debug, clap::Args)]
pub struct ManCommand {
    /// Write hook-runner.1 and a page per subcommand (hook-runner-run.1 and
    /// so on, which the main page refers to) into this folder
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

impl CompletionsCommand {
    /// Writes the completion script and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "hook-runner", &mut script);
        if self.shell == clap_complete::Shell::Bash {
            script = fix_bash_case_labels(&script);
        }
        write_stdout(&script)
    }
}

/// Makes the case labels of a bash script agree with the names its
/// dispatch loop sets. clap_complete 4.6 escapes the hyphen of
/// `hook-runner` in the labels as `hook__subcmd__runner` but in the loop as
/// `hook__runner`, so without this no option after a subcommand completes.
fn fix_bash_case_labels(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("hook__subcmd__runner__", "hook__runner__")
        .into_bytes()
}

impl ManCommand {
    /// Writes the man page and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        if let Some(dir) = &self.dir {
            clap_mangen::generate_to(Cli::command(), dir).map_err(|error| {
                Failure::new(
                    Status::Usage,
                    format!(
                        "failed to write the man pages into --dir `{}`: {error}; give an \
                         existing folder that you can write to",
                        dir.display()
                    ),
                )
            })?;
            return Ok(Status::Success);
        }
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut page)
            .map_err(|error| {
                Failure::new(
                    Status::Internal,
                    format!("failed to render the man page: {error}"),
                )
            })?;
        write_stdout(&page)
    }
}

fn write_stdout(bytes: &[u8]) -> Result<Status, Failure> {
    std::io::Write::write_all(&mut std::io::stdout(), bytes).map_err(|error| {
        Failure::new(
            Status::Internal,
            format!("failed to write to standard output: {error}"),
        )
    })?;
    Ok(Status::Success)
}

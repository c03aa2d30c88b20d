//! Log output: human-readable lines on standard error (coloured only on a
//! terminal) and, when configured, the same records appended to a file as
//! text or JSON lines.
//!
//! The filter comes from `HOOK_RUNNER_LOG` (tracing's `EnvFilter` syntax),
//! then from `log.level` in the configuration, then `info`.

use std::fs::OpenOptions;
use std::io::IsTerminal;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Environment variable with the log filter, such as `debug` or
/// `hook_runner=debug,hook=trace`.
pub const LOG_ENV: &str = "HOOK_RUNNER_LOG";

/// Logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// The filter does not parse.
    #[error(
        "invalid log filter `{filter}`: {message} (use a level such as `info` or `hook_runner=debug`)"
    )]
    Filter {
        /// The filter text.
        filter: String,
        /// The parser's message.
        message: String,
    },
    /// The log file cannot be opened for appending.
    #[error("failed to open log file `{}` for appending", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Checks that each directive without `=` is a level name: tracing would read
/// a misspelt level such as `inof` as a target name and silence every line.
pub fn check_levels(filter: &str) -> Result<(), LoggingError> {
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    for directive in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        if !directive.contains('=') && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return Err(LoggingError::Filter {
                filter: filter.to_string(),
                message: format!("`{directive}` is not a level"),
            });
        }
    }
    Ok(())
}

/// Target of the records that go to the log file only, because their text
/// is on standard error already.
const FILE_ONLY_TARGET: &str = "hook_runner::failure";

/// Logs the failure that ends the process to the log file, one line with
/// its causes. Standard error has it from `main` already.
pub fn record_failure(failure: &crate::failure::Failure) {
    let rendered = failure.render();
    let message = single_line(
        &rendered
            .strip_prefix("error: ")
            .unwrap_or(&rendered)
            .replace("\n  caused by: ", ": "),
    );
    tracing::error!(target: FILE_ONLY_TARGET, exit_code = failure.status.code(), "{message}");
}

/// Joins a multi-line message into one log record: the indented list items
/// after a colon that introduces them, separated by `; `.
pub fn single_line(message: &str) -> String {
    message
        .replace(":\n  - ", ": ")
        .replace("\n  - ", "; ")
        .replace(":\n  ", ": ")
        .replace("\n  ", "; ")
        .replace('\n', "; ")
}

/// Installs the global subscriber for the `[log]` settings.
pub fn init(config: &LogConfig) -> Result<(), LoggingError> {
    let configured_level = config.level.as_deref();
    let filter_text = std::env::var(LOG_ENV)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .or_else(|| configured_level.map(str::to_string))
        .unwrap_or_else(|| "info".to_string());
    check_levels(&filter_text)?;
    let filter = EnvFilter::try_new(&filter_text).map_err(|error| LoggingError::Filter {
        filter: filter_text.clone(),
        message: error.to_string(),
    })?;

    let stderr_layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_filter(filter_fn(|metadata| metadata.target() != FILE_ONLY_TARGET));
    let file_layer = match &config.file {
        None => None,
        Some(path) => {
            // The log quotes API error bodies and hooks' log lines, which
            // may carry ticket data, so a new file is for its owner only,
            // like the audit log and the outbox.
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
                .map_err(|source| LoggingError::File {
                    path: path.to_path_buf(),
                    source,
                })?;
            let layer = fmt::layer()
                .with_writer(Mutex::new(file))
                .with_ansi(false)
                .with_target(false);
            Some(match config.format {
                LogFormat::Text => layer.boxed(),
                LogFormat::Json => layer.json().boxed(),
            })
        }
    };

    // A second call (tests run several commands in one process) keeps the
    // first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::single_line;

    #[test]
    fn list_message_joins_on_one_line() {
        assert_eq!(
            single_line("2 problem(s):\n  - a\n  - b"),
            "2 problem(s): a; b"
        );
        assert_eq!(
            single_line("none was written:\n  field `x` is not granted\n  field `y` too"),
            "none was written: field `x` is not granted; field `y` too"
        );
        assert_eq!(single_line("one\ntwo"), "one; two");
    }
}

//! Log lines that the host writes under the hook's name.
//!
//! Each function takes anything that converts to a string slice, so both
//! `log::info("text")` and `log::info(format!(...))` work.

pub use crate::bindings::hook_runner::api::log::Level;
use crate::bindings::hook_runner::api::log::log as host_log;

/// Writes `message` at `level`.
pub fn log(level: Level, message: impl AsRef<str>) {
    host_log(level, message.as_ref());
}

/// Writes `message` at trace level.
pub fn trace(message: impl AsRef<str>) {
    log(Level::Trace, message);
}

/// Writes `message` at debug level.
pub fn debug(message: impl AsRef<str>) {
    log(Level::Debug, message);
}

/// Writes `message` at info level.
pub fn info(message: impl AsRef<str>) {
    log(Level::Info, message);
}

/// Writes `message` at warn level.
pub fn warn(message: impl AsRef<str>) {
    log(Level::Warn, message);
}

/// Writes `message` at error level.
pub fn error(message: impl AsRef<str>) {
    log(Level::Error, message);
}

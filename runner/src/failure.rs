//! A failure that ends the process, with the exit status it maps to.

use crate::exit_code::Status;

/// An error and the exit status it ends the process with.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub status: Status,
    /// The error, with its causes.
    pub error: Box<dyn std::error::Error + Send + Sync>,
}

impl Failure {
    /// Wraps `error` with `status`.
    pub fn new(
        status: Status,
        error: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Failure {
        Failure {
            status,
            error: error.into(),
        }
    }

    /// Renders the error and each cause on its own line, as
    /// `error: ...` followed by `  caused by: ...` lines.
    pub fn render(&self) -> String {
        let mut text = format!("error: {}", self.error);
        let mut source = self.error.source();
        while let Some(cause) = source {
            text.push_str(&format!("\n  caused by: {cause}"));
            source = cause.source();
        }
        text
    }
}

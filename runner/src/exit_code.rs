//! The process exit codes: the contract with SecureChange, which retries a
//! script that exits non-zero, and with an admin's monitoring.

use std::process::ExitCode;

/// The reason hook-runner stopped. The numeric values are documented in the
/// README and never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every selected hook ran and its changes were written (or no hook was
    /// bound to the event); on TEST, the setup is valid.
    Success = 0,
    /// A bug in hook-runner itself.
    Internal = 1,
    /// The command line is invalid (clap's own code).
    Usage = 2,
    /// The configuration, a component or a credential source is invalid or
    /// missing.
    Config = 3,
    /// `SCW_EVENT` or the `<ticket_info>` document on standard input is
    /// missing or invalid.
    Input = 4,
    /// A hook failed: it trapped, timed out, returned an error, or asked for
    /// changes that cannot be applied to the ticket.
    HookFailed = 5,
    /// The SecureChange API failed or rejected a read or a write.
    Api = 6,
}

impl Status {
    /// Returns the numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Returns the status with numeric code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Status> {
        [
            Status::Success,
            Status::Internal,
            Status::Usage,
            Status::Config,
            Status::Input,
            Status::HookFailed,
            Status::Api,
        ]
        .into_iter()
        .find(|status| status.code() == code)
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status.code())
    }
}

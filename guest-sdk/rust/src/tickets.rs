//! The SecureChange REST API, called by the host with its own credentials.

pub use crate::bindings::hook_runner::api::tickets::ApiError;
use crate::{HookError, Ticket};

/// Fetches the whole ticket `id`.
///
/// A hook may read only the ticket of the event it runs for.
///
/// # Errors
///
/// Returns [`ApiError::Denied`] for any other ticket, [`ApiError::NotFound`]
/// when the ticket does not exist, and [`ApiError::Unavailable`] when the API
/// could not be reached or failed. The `?` operator converts each of them into
/// a [`HookError`].
pub fn get_ticket(id: u64) -> Result<Ticket, ApiError> {
    crate::bindings::hook_runner::api::tickets::get_ticket(id)
}

impl From<ApiError> for HookError {
    /// Converts an API error into a hook error that is retryable only when
    /// the API was unavailable.
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Denied(message) => {
                HookError::failed(format!("SecureChange API denied the request: {message}"))
            }
            ApiError::NotFound(message) => {
                HookError::failed(format!("SecureChange API: not found: {message}"))
            }
            ApiError::Unavailable(message) => {
                HookError::retryable(format!("SecureChange API unavailable: {message}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_unavailable_is_retryable() {
        let error = HookError::from(ApiError::Unavailable("connection refused".into()));
        assert!(error.retryable);
        assert_eq!(
            error.message,
            "SecureChange API unavailable: connection refused"
        );
    }

    #[test]
    fn api_error_denied_is_not_retryable() {
        let error = HookError::from(ApiError::Denied("ticket 7".into()));
        assert!(!error.retryable);
        assert!(error.message.contains("ticket 7"));
    }

    #[test]
    fn api_error_not_found_is_not_retryable() {
        let error = HookError::from(ApiError::NotFound("ticket 9".into()));
        assert!(!error.retryable);
        assert!(error.message.contains("not found"));
    }
}

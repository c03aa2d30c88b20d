//! API failures and the SecureChange error body, which comes as
//! `<result><code>..</code><message>..</message></result>` or its JSON
//! form, whatever format the request asked for.

use crate::xml_tree::{parse_json, parse_xml};

/// Maximum number of characters of an unparsed error body quoted in a message.
const MAX_QUOTED_BODY: usize = 300;

/// A failed API call.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The client could not be set up.
    #[error("{0}")]
    Client(String),
    /// The request did not complete: connection refused, timed out, reset.
    #[error("{method} {url} failed: {}", transport_reason(source))]
    Transport {
        /// HTTP method.
        method: String,
        /// Request URL (it never carries credentials).
        url: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The server returned an error status.
    #[error("{method} {url} returned {status}{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Status {
        /// HTTP method.
        method: String,
        /// Request URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// SecureChange's error code, like `FIELD_VALIDATION_ERROR`.
        code: Option<String>,
        /// SecureChange's message.
        message: String,
    },
    /// The server returned success with a body that could not be read, or
    /// that is not what was requested.
    #[error("invalid response from {url}: {message}")]
    Body {
        /// Request URL.
        url: String,
        /// The problem with the body.
        message: String,
    },
}

impl ApiError {
    /// True when the same request may succeed later: the server was
    /// unreachable, timed out, or failed with a 5xx status.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Transport { .. } => true,
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Client(_) | ApiError::Body { .. } => false,
        }
    }

    /// Returns the HTTP status, when the server responded.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn transport_reason(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({detail})")
    }
}

/// Extracts SecureChange's error code and message from an error body in
/// either format; an unknown body is quoted, shortened.
pub fn parse_error_body(body: &str) -> (Option<String>, String) {
    let trimmed = body.trim();
    let tree = if trimmed.starts_with('{') {
        parse_json(trimmed).ok()
    } else if trimmed.starts_with('<') {
        parse_xml(trimmed).ok()
    } else {
        None
    };
    if let Some(result) = tree.filter(|root| root.name == "result") {
        let code = Some(result.child_text("code").to_string()).filter(|code| !code.is_empty());
        return (code, result.child_text("message").to_string());
    }
    let quoted: String = trimmed.chars().take(MAX_QUOTED_BODY).collect();
    (None, quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_error_body_parses() {
        let (code, message) = parse_error_body(
            "<?xml version=\"1.0\"?><result><code>FIELD_VALIDATION_ERROR</code><message>bad date</message></result>",
        );
        assert_eq!(code.as_deref(), Some("FIELD_VALIDATION_ERROR"));
        assert_eq!(message, "bad date");
    }

    #[test]
    fn json_error_body_parses() {
        let (code, message) = parse_error_body(
            r#"{"result":{"code":"ILLEGAL_ARGUMENT_ERROR","message":"not current"}}"#,
        );
        assert_eq!(code.as_deref(), Some("ILLEGAL_ARGUMENT_ERROR"));
        assert_eq!(message, "not current");
    }

    #[test]
    fn unknown_body_is_quoted_and_shortened() {
        let long = "x".repeat(1000);
        let (code, message) = parse_error_body(&long);
        assert!(code.is_none());
        assert_eq!(message.len(), MAX_QUOTED_BODY);
        assert_eq!(parse_error_body("<html>oops</html>").1, "<html>oops</html>");
    }
}

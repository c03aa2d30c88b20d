//! API errors and their bodies: `<result><code>..</code><message>..</message>
//! </result>` for XML requests, `{"result":{"code":..,"message":..}}` for
//! JSON ones.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::xml::{Element, to_document};

/// The `WWW-Authenticate` challenge sent with every 401.
pub const AUTH_CHALLENGE: &str = r#"Basic realm="SecureChange""#;

/// The error codes the emulator returns, spelled as the real API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: a field value, type, name or id that the field does not accept,
    /// or a write to a read-only field.
    FieldValidation,
    /// 400: a write to a step that is not current, to a closed ticket, to a
    /// task of another step, or a malformed body.
    IllegalArgument,
    /// 404: no such ticket, step or task.
    NotFound,
    /// 401: missing or wrong credentials.
    Authentication,
}

impl ErrorCode {
    /// Returns the code as it appears in `<code>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FieldValidation => "FIELD_VALIDATION_ERROR",
            Self::IllegalArgument => "ILLEGAL_ARGUMENT_ERROR",
            Self::NotFound => "NOT_FOUND_ERROR",
            Self::Authentication => "AUTHENTICATION_ERROR",
        }
    }

    /// Returns the HTTP status that goes with the code.
    pub fn status(self) -> StatusCode {
        match self {
            Self::FieldValidation | Self::IllegalArgument => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Authentication => StatusCode::UNAUTHORIZED,
        }
    }
}

/// An error response of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn field(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::FieldValidation, message)
    }

    pub fn illegal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::IllegalArgument, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Builds the response, with a JSON body when `json` is true.
    ///
    /// A 401 always gets an XML body, even for a JSON request, because the
    /// real API responds that way and clients must cope with it.
    pub fn into_response_as(self, json: bool) -> Response {
        let status = self.code.status();
        let mut response = if json && self.code != ErrorCode::Authentication {
            let body = json!({"result": {"code": self.code.as_str(), "message": self.message}});
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        } else {
            (
                status,
                [(header::CONTENT_TYPE, "application/xml")],
                self.xml_body(),
            )
                .into_response()
        };
        if self.code == ErrorCode::Authentication {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(AUTH_CHALLENGE),
            );
        }
        response
    }

    fn xml_body(&self) -> String {
        let mut result = Element::new("result");
        result.push(Element::with_text("code", self.code.as_str()));
        result.push(Element::with_text("message", self.message.as_str()));
        to_document(&result)
    }
}

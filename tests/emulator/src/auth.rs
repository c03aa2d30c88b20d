//! HTTP Basic authentication for every API request.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::{ApiError, ErrorCode};
use crate::routes::API_PREFIX;

/// The one account the emulator accepts.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// The login of the authenticated user, for handlers that record it.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser(pub String);

/// Rejects API requests without the right `Authorization: Basic` header
/// with a 401, and passes the login on to the handler. Paths outside the
/// API (`/emulator/...`) need no credentials.
pub async fn require_auth(
    State(credentials): State<Arc<Credentials>>,
    mut request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    match check(&credentials, request.headers()) {
        Ok(user) => {
            request.extensions_mut().insert(AuthenticatedUser(user));
            next.run(request).await
        }
        Err(message) => {
            tracing::warn!(path = %request.uri().path(), "{message}");
            ApiError::new(ErrorCode::Authentication, message).into_response_as(false)
        }
    }
}

/// Returns the login when the header carries the configured credentials.
fn check(credentials: &Credentials, headers: &HeaderMap) -> Result<String, String> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err("authentication required: send HTTP Basic credentials".into());
    };
    let invalid = || "invalid user name or password".to_owned();
    let encoded = value
        .to_str()
        .ok()
        .and_then(|text| text.strip_prefix("Basic "))
        .ok_or_else(|| "the Authorization header is not HTTP Basic".to_owned())?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (user, password) = decoded.split_once(':').ok_or_else(invalid)?;
    if user == credentials.username && password == credentials.password {
        Ok(user.to_owned())
    } else {
        Err(invalid())
    }
}

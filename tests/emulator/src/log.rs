//! The request log: method, path and status of every API request, readable
//! from the library handle and at `GET /emulator/requests`.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::routes::API_PREFIX;

/// One API request and the status the emulator returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    /// The URI path, without the query string.
    pub path: String,
    pub status: u16,
}

/// Requests in arrival order.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<RecordedRequest>>,
}

impl RequestLog {
    /// Returns a copy of every recorded request.
    pub fn entries(&self) -> Vec<RecordedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn push(&self, entry: RecordedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }
}

/// Records and logs each API request with the status it got. Requests to
/// `/emulator/...` are not recorded, so reading the log does not change it.
pub async fn record(State(log): State<Arc<RequestLog>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::info!(%method, %path, status, "request");
    if path.starts_with(API_PREFIX) {
        log.push(RecordedRequest {
            method,
            path,
            status,
        });
    }
    response
}

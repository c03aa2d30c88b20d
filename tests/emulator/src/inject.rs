//! The middleware that applies the fault rules of [`crate::faults`] to API
//! requests.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;

use crate::error::{ApiError, ErrorCode};
use crate::faults::{Fault, FaultRule, Faults, Phase};
use crate::routes::API_PREFIX;

/// Applies the first matching fault rule to an API request.
pub async fn inject_faults(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let Some(relative) = path.strip_prefix(API_PREFIX) else {
        return next.run(request).await;
    };
    let Some(rule) = faults.take(request.method().as_str(), relative) else {
        return next.run(request).await;
    };
    tracing::info!(method = %request.method(), %path, fault = ?rule.fault, "injecting a fault");
    match rule.effective_phase() {
        Phase::Before => fault_response(&faults, &rule, None).await,
        Phase::After => {
            let handled = next.run(request).await;
            fault_response(&faults, &rule, Some(handled)).await
        }
    }
}

/// Builds the response for `rule`; `handled` is the handler's response in
/// the `after` phase.
async fn fault_response(faults: &Faults, rule: &FaultRule, handled: Option<Response>) -> Response {
    match rule.fault {
        Fault::Refuse => {
            // An error before any byte makes the server drop the connection
            // with the response head still unsent.
            Response::new(Body::new(BrokenBody {
                first: None,
                pause: None,
            }))
        }
        Fault::Status => {
            let status = rule
                .status
                .and_then(|code| StatusCode::from_u16(code).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><result><code>GENERAL_ERROR</code>\
                 <message>injected fault: {status}</message></result>"
            );
            (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
        }
        Fault::Unauthorized => ApiError::new(
            ErrorCode::Authentication,
            "injected fault: credentials rejected",
        )
        .into_response_as(false),
        Fault::Stall => {
            faults.stall(rule.stall_time()).await;
            handled.unwrap_or_else(|| StatusCode::GATEWAY_TIMEOUT.into_response())
        }
        Fault::CloseMidResponse => {
            let (status, headers, body) = parts(handled).await;
            let half = body.slice(..body.len() / 2);
            broken_response(status, headers, half)
        }
        Fault::MalformedBody => {
            let (status, headers, _) = parts(handled).await;
            let mut response = (status, "<ticket><id>1001</id><steps><step>\u{1}").into_response();
            if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, content_type.clone());
            }
            response
        }
    }
}

/// Splits a handled response into status, headers and body bytes; without
/// one, a 200 with an empty body.
async fn parts(handled: Option<Response>) -> (StatusCode, HeaderMap, Bytes) {
    let Some(response) = handled else {
        return (StatusCode::OK, HeaderMap::new(), Bytes::new());
    };
    let (head, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (head.status, head.headers, bytes)
}

/// Builds a response whose body sends `first` and then fails, which makes
/// the server close the connection before the body is complete.
fn broken_response(status: StatusCode, mut headers: HeaderMap, first: Bytes) -> Response {
    headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::new(Body::new(BrokenBody {
        first: Some(first),
        pause: Some(Box::pin(tokio::time::sleep(FLUSH_PAUSE))),
    }));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// How long a [`BrokenBody`] waits between its bytes and its error. The
/// server sends buffered bytes only while the body is pending, so without
/// the pause the head would be dropped with the connection.
const FLUSH_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// A response body that yields its bytes, pauses, then fails.
struct BrokenBody {
    first: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(bytes) = self.first.take()
            && !bytes.is_empty()
        {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        let paused = match self.pause.as_mut() {
            Some(pause) => pause.as_mut().poll(context),
            None => Poll::Ready(()),
        };
        match paused {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected fault: connection closed",
            )))),
        }
    }
}

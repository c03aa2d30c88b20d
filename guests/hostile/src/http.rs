//! The `http` and `env-secret` modes: outgoing requests through standard
//! `wasi:http` (the `wasi` crate's bindings), reported as text that
//! `tests/all/http_attacks.rs` reads back from the hook's log lines.
//!
//! Each request adds one line to the report:
//!
//! ```text
//! request 1: GET http://allowed.test:8080/api/ status=200 body_len=2 body_start="ok" error=none
//! ```
//!
//! `status` is `none` when no response arrived. `body_start` contains the
//! first [`BODY_START_BYTES`] bytes of the body with control characters
//! escaped. `error` is the `Debug` form of the `wasi:http` `ErrorCode`, or a
//! short description of a failure before the request was sent. Each line is
//! also logged, because the outcome of a hook with a denied request is
//! discarded and the log is the one place every report reaches.

use hook_runner_guest::{FieldInput, Outcome, config, log};
use wasi::http::outgoing_handler;
use wasi::http::types::{
    Fields, FutureIncomingResponse, IncomingBody, IncomingResponse, Method, OutgoingBody,
    OutgoingRequest, Scheme,
};
use wasi::io::streams::StreamError;

/// Bytes of each response body shown in the report.
const BODY_START_BYTES: usize = 200;

/// Redirects followed for one request when `follow_redirects` is set.
const MAX_REDIRECTS: usize = 5;

/// Bytes written to a request body per call, the most that
/// `blocking-write-and-flush` accepts in one call.
const WRITE_CHUNK_BYTES: usize = 4096;

/// Bytes read from a response body per call.
const READ_CHUNK_BYTES: u64 = 64 * 1024;

/// The result of one request.
struct Exchange {
    method: String,
    url: String,
    status: Option<u16>,
    body_len: usize,
    body_start: Vec<u8>,
    location: Option<String>,
    error: Option<String>,
}

/// Runs the `http` mode: sends `count` requests (default 1) to `url` with
/// `method` (default `GET`) and a body of `body_bytes` bytes (default 0).
/// With `follow_redirects = "true"`, a 3xx response with a `Location`
/// header leads to a new request to that location. The report goes to the
/// field named by `field` when it is set, otherwise into a comment.
pub fn make_requests(outcome: Outcome) -> Outcome {
    let url = config::get_or("url", "");
    let method = config::get_or("method", "GET");
    let body_bytes: usize = parse_setting("body_bytes", 0);
    let count: usize = parse_setting("count", 1);
    let follow_redirects = config::get("follow_redirects").is_some_and(|value| value == "true");

    let mut lines = Vec::new();
    for _ in 0..count {
        let mut target = url.clone();
        for hop in 0..=MAX_REDIRECTS {
            let exchange = send(&method, &target, body_bytes);
            let line = format!("request {}: {}", lines.len() + 1, exchange.describe());
            log::info(&line);
            lines.push(line);
            let redirect = exchange
                .status
                .filter(|status| (300..400).contains(status))
                .and(exchange.location);
            match redirect {
                Some(location) if follow_redirects && hop < MAX_REDIRECTS => {
                    target = absolute_location(&target, &location);
                }
                _ => break,
            }
        }
    }

    let report = lines.join("\n");
    match config::get("field") {
        Some(field) => outcome.set_field(field, FieldInput::text(report)),
        None => outcome.comment(report),
    }
}

/// Runs the `env-secret` mode: adds a comment that reports whether the
/// environment variable named by `secret_env` (default `TEST_SECRET`) is
/// visible to the hook, without showing its value.
pub fn check_secret_variable(outcome: Outcome) -> Outcome {
    let name = config::get_or("secret_env", "TEST_SECRET");
    let seen = match std::env::var_os(&name) {
        Some(value) => format!("set ({} bytes)", value.len()),
        None => "not set".to_string(),
    };
    outcome.comment(format!("environment variable {name}: {seen}"))
}

fn parse_setting(key: &str, default: usize) -> usize {
    config::get(key)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

impl Exchange {
    fn new(method: &str, url: &str) -> Exchange {
        Exchange {
            method: method.to_string(),
            url: url.to_string(),
            status: None,
            body_len: 0,
            body_start: Vec::new(),
            location: None,
            error: None,
        }
    }

    fn failed(mut self, error: String) -> Exchange {
        self.error = Some(error);
        self
    }

    /// Returns the report line without its `request N:` prefix.
    fn describe(&self) -> String {
        let status = self
            .status
            .map_or_else(|| "none".to_string(), |status| status.to_string());
        let body_start = String::from_utf8_lossy(&self.body_start);
        let error = self.error.as_deref().unwrap_or("none");
        format!(
            "{} {} status={status} body_len={} body_start=\"{}\" error={error}",
            self.method,
            self.url.escape_debug(),
            self.body_len,
            body_start.escape_debug(),
        )
    }
}

/// Sends one request and reads its whole response body.
fn send(method: &str, url: &str, body_bytes: usize) -> Exchange {
    let exchange = Exchange::new(method, url);
    let Some((scheme, authority, path)) = split_url(url) else {
        return exchange.failed("invalid-url".to_string());
    };

    let request = OutgoingRequest::new(Fields::new());
    if request.set_method(&parse_method(method)).is_err() {
        return exchange.failed("set-method-rejected".to_string());
    }
    let scheme = match scheme.as_str() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    };
    if request.set_scheme(Some(&scheme)).is_err() {
        return exchange.failed("set-scheme-rejected".to_string());
    }
    if request.set_authority(Some(&authority)).is_err() {
        return exchange.failed("set-authority-rejected".to_string());
    }
    if request.set_path_with_query(Some(&path)).is_err() {
        return exchange.failed("set-path-rejected".to_string());
    }
    let Ok(body) = request.body() else {
        return exchange.failed("body-unavailable".to_string());
    };

    let future = match outgoing_handler::handle(request, None) {
        Ok(future) => future,
        Err(error) => return exchange.failed(format!("{error:?}")),
    };
    let write_error = write_body(body, body_bytes);
    let mut exchange = match wait_for_response(&future) {
        Ok(response) => read_response(exchange, response),
        Err(error) => exchange.failed(error),
    };
    if exchange.error.is_none() {
        exchange.error = write_error;
    }
    exchange
}

/// Writes `length` bytes of `x` and finishes the body. Returns the first
/// error, if any.
fn write_body(body: OutgoingBody, length: usize) -> Option<String> {
    let mut error = None;
    if length > 0 {
        match body.write() {
            Ok(stream) => {
                let chunk = vec![b'x'; WRITE_CHUNK_BYTES];
                let mut remaining = length;
                while remaining > 0 {
                    let size = remaining.min(WRITE_CHUNK_BYTES);
                    if let Err(stream_error) = stream.blocking_write_and_flush(&chunk[..size]) {
                        error = Some(describe_stream_error(stream_error));
                        break;
                    }
                    remaining -= size;
                }
            }
            Err(()) => error = Some("body-stream-unavailable".to_string()),
        }
    }
    if let Err(finish_error) = OutgoingBody::finish(body, None) {
        error.get_or_insert_with(|| format!("{finish_error:?}"));
    }
    error
}

fn wait_for_response(future: &FutureIncomingResponse) -> Result<IncomingResponse, String> {
    loop {
        match future.get() {
            Some(Ok(Ok(response))) => return Ok(response),
            Some(Ok(Err(error))) => return Err(format!("{error:?}")),
            Some(Err(())) => return Err("response-already-taken".to_string()),
            None => future.subscribe().block(),
        }
    }
}

/// Records the status and `Location` of `response` and reads its body,
/// keeping only the first [`BODY_START_BYTES`] bytes.
fn read_response(mut exchange: Exchange, response: IncomingResponse) -> Exchange {
    exchange.status = Some(response.status());
    let location = {
        let headers = response.headers();
        headers.get("location").into_iter().next()
    };
    exchange.location = location.map(|value| String::from_utf8_lossy(&value).into_owned());

    let Ok(body) = response.consume() else {
        return exchange.failed("body-unavailable".to_string());
    };
    let Ok(stream) = body.stream() else {
        return exchange.failed("body-stream-unavailable".to_string());
    };
    loop {
        match stream.blocking_read(READ_CHUNK_BYTES) {
            Ok(bytes) => {
                exchange.body_len += bytes.len();
                let room = BODY_START_BYTES.saturating_sub(exchange.body_start.len());
                exchange
                    .body_start
                    .extend_from_slice(&bytes[..room.min(bytes.len())]);
            }
            Err(StreamError::Closed) => break,
            Err(error) => {
                exchange.error = Some(describe_stream_error(error));
                break;
            }
        }
    }
    // The stream is a child of the body and must be dropped first.
    drop(stream);
    drop(IncomingBody::finish(body));
    exchange
}

/// Returns the `ErrorCode` behind a stream error in `Debug` form, or the
/// I/O error's own description when the host gave no `ErrorCode`.
fn describe_stream_error(error: StreamError) -> String {
    match error {
        StreamError::Closed => "stream-closed".to_string(),
        StreamError::LastOperationFailed(io_error) => {
            match wasi::http::types::http_error_code(&io_error) {
                Some(code) => format!("{code:?}"),
                None => io_error.to_debug_string(),
            }
        }
    }
}

fn parse_method(method: &str) -> Method {
    match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "CONNECT" => Method::Connect,
        "OPTIONS" => Method::Options,
        "TRACE" => Method::Trace,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_string()),
    }
}

/// Splits `scheme://authority/path?query` without normalising anything, so
/// that the host checks the URL exactly as written. An empty path becomes
/// `/`.
fn split_url(url: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let path_start = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(path_start);
    let path = if path.is_empty() {
        "/".to_string()
    } else if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    Some((scheme.to_string(), authority.to_string(), path))
}

/// Returns `location` as an absolute URL, resolving a path such as
/// `/next` against the scheme and authority of `base`.
fn absolute_location(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    match split_url(base) {
        Some((scheme, authority, _)) if location.starts_with('/') => {
            format!("{scheme}://{authority}{location}")
        }
        _ => location.to_string(),
    }
}

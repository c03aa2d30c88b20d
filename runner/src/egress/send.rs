//! Sends one guest request: policy check, resolution, address checks,
//! secrets, connection, response.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use http::{HeaderValue, Request, Response, header};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use wasmtime_wasi_http::{Error, WasiBody};

use super::Shared;
use super::body::{LimitedRequestBody, LimitedResponseBody};
use super::connect::open;
use super::record::{Decision, RequestRecord};
use crate::audit::redact_url;
use crate::policy::{Allowed, Denial, Scheme, check_request};

type IoFuture = Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>;

/// Checks and sends `request` for the hook in `shared`.
pub async fn send(
    shared: &Arc<Shared>,
    request: Request<WasiBody>,
) -> Result<(Response<WasiBody>, IoFuture), Error> {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let uri = request.uri().clone();
    let scheme = uri.scheme_str().unwrap_or("https").to_string();
    let authority = uri
        .authority()
        .map(|authority| authority.as_str())
        .unwrap_or_default()
        .to_string();
    let path = uri
        .path_and_query()
        .map(|path| path.as_str())
        .unwrap_or("/")
        .to_string();
    let raw_url = format!("{scheme}://{authority}{path}");

    let count = shared
        .records
        .lock()
        .map(|records| records.len() as u64)
        .unwrap_or(u64::MAX);
    if count >= shared.limits.max_requests {
        let reason = format!(
            "the hook already made {count} requests, its limit (max_http_requests in [limits] of its policy)"
        );
        deny(shared, &method, &redact_url(&raw_url), reason, started);
        return Err(Error::HttpRequestDenied);
    }

    let allowed = match check_request(&shared.policy, &method, &scheme, &authority, &path) {
        Ok(allowed) => allowed,
        Err(denial) => {
            deny(
                shared,
                &denial.method,
                &denial.url,
                denial.to_string(),
                started,
            );
            return Err(Error::HttpRequestDenied);
        }
    };

    let addresses = match addresses_for(shared, &allowed).await {
        Ok(addresses) => addresses,
        Err(Rejection::Denied(denial)) => {
            deny(
                shared,
                &denial.method,
                &denial.url,
                denial.to_string(),
                started,
            );
            return Err(Error::DestinationIpProhibited);
        }
        Err(Rejection::Dns(error)) => {
            let message = format!("failed to resolve `{}`: {error}", allowed.host);
            finish_failed(shared, &allowed, None, message, started);
            return Err(Error::DnsError {
                rcode: Some(error.to_string()),
                info_code: None,
            });
        }
    };

    let sent = Arc::new(AtomicU64::new(0));
    let request = prepare(shared, &allowed, request, sent.clone());
    let (stream, address) = match open(
        &addresses,
        allowed.port,
        &allowed.host,
        allowed.scheme == Scheme::Https,
        shared.limits.timeout,
    )
    .await
    {
        Ok(opened) => opened,
        Err(error) => {
            finish_failed(
                shared,
                &allowed,
                None,
                format!("failed to connect: {error}"),
                started,
            );
            return Err(error);
        }
    };

    let exchange = exchange(shared, stream, request).await;
    match exchange {
        Ok((response, io)) => {
            let received = Arc::new(AtomicU64::new(0));
            record(
                shared,
                RequestRecord {
                    method: allowed.method.clone(),
                    url: allowed.url(),
                    decision: Decision::Allowed {
                        grant: allowed.grant_name.clone(),
                    },
                    address: Some(address),
                    status: Some(response.status().as_u16()),
                    error: None,
                    duration: started.elapsed(),
                    request_bytes: sent.clone(),
                    response_bytes: received.clone(),
                },
            );
            tracing::info!(
                hook = %shared.hook,
                method = %allowed.method,
                url = %redact_url(&allowed.url()),
                grant = %allowed.grant_name,
                %address,
                status = response.status().as_u16(),
                "hook request"
            );
            let limit = shared.limits.max_response_body;
            let deadline = tokio::time::Instant::from_std(started) + shared.limits.timeout;
            let response = response.map(|incoming| {
                LimitedResponseBody::new(incoming, received, limit, deadline).boxed_unsync()
            });
            Ok((response, io))
        }
        Err(error) => {
            finish_failed(shared, &allowed, Some(address), error.to_string(), started);
            Err(error)
        }
    }
}

enum Rejection {
    Denied(Box<Denial>),
    Dns(std::io::Error),
}

/// Resolves the host (unless it is an address) and checks every address: one
/// blocked address denies the request, so a name cannot mix a public address
/// with a private one.
async fn addresses_for(
    shared: &Shared,
    allowed: &Allowed,
) -> Result<Vec<std::net::IpAddr>, Rejection> {
    let addresses = match allowed.ip_literal {
        Some(address) => vec![address],
        None => shared
            .resolver
            .resolve(&allowed.host, allowed.port)
            .await
            .map_err(Rejection::Dns)?,
    };
    if addresses.is_empty() {
        return Err(Rejection::Dns(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no address found",
        )));
    }
    for address in &addresses {
        allowed
            .check_address(&shared.policy, *address)
            .map_err(|denial| Rejection::Denied(Box::new(denial)))?;
    }
    Ok(addresses)
}

/// Rewrites the request for the wire: the checked path, the Host header from
/// the checked authority, the grant's secret headers, and the body cap.
fn prepare(
    shared: &Shared,
    allowed: &Allowed,
    request: Request<WasiBody>,
    sent: Arc<AtomicU64>,
) -> Request<LimitedRequestBody> {
    let (mut parts, body) = request.into_parts();
    if let Ok(uri) = allowed.path_with_query.parse() {
        parts.uri = uri;
    }
    let host = if allowed.port == allowed.scheme.default_port() {
        match allowed.ip_literal {
            Some(std::net::IpAddr::V6(_)) => format!("[{}]", allowed.host),
            _ => allowed.host.clone(),
        }
    } else {
        allowed.authority()
    };
    if let Ok(value) = HeaderValue::from_str(&host) {
        parts.headers.insert(header::HOST, value);
    }
    for secret in shared
        .secrets
        .iter()
        .filter(|secret| secret.grant_index == allowed.grant_index)
    {
        parts
            .headers
            .insert(secret.name.clone(), secret.value.clone());
    }
    Request::from_parts(
        parts,
        LimitedRequestBody::new(body, sent, shared.limits.max_request_body),
    )
}

/// Performs the HTTP/1.1 exchange on `stream` and returns the response head
/// with a future that drives the rest of the connection.
async fn exchange(
    shared: &Shared,
    stream: Box<dyn super::connect::Stream>,
    request: Request<LimitedRequestBody>,
) -> Result<(Response<hyper::body::Incoming>, IoFuture), Error> {
    let timeout = shared.limits.timeout;
    let handshake = hyper::client::conn::http1::Builder::new().handshake(TokioIo::new(stream));
    let (mut sender, connection) = tokio::time::timeout(timeout, handshake)
        .await
        .map_err(|_| Error::ConnectionTimeout)??;

    // The connection must be polled while the request is in flight; after
    // the head arrives, the guest's body reads drive it through `io`.
    let mut connection = Some(connection);
    let mut send = std::pin::pin!(tokio::time::timeout(timeout, sender.send_request(request)));
    let head = std::future::poll_fn(|context| {
        use std::task::Poll;
        if let Poll::Ready(result) = send.as_mut().poll(context) {
            return Poll::Ready(result);
        }
        if let Some(driver) = connection.as_mut()
            && let Poll::Ready(result) = std::pin::Pin::new(driver).poll(context)
        {
            connection = None;
            if let Err(error) = result {
                return Poll::Ready(Ok(Err(error)));
            }
        }
        Poll::Pending
    })
    .await;
    let response = head.map_err(|_| Error::ConnectionReadTimeout)??;

    let io: IoFuture = Box::new(async move {
        match connection {
            Some(connection) => connection.await.map_err(Error::from),
            None => Ok(()),
        }
    });
    Ok((response, io))
}

fn deny(shared: &Shared, method: &str, url: &str, reason: String, started: Instant) {
    tracing::warn!(hook = %shared.hook, "{reason}");
    record(
        shared,
        RequestRecord {
            method: method.to_string(),
            url: url.to_string(),
            decision: Decision::Denied { reason },
            address: None,
            status: None,
            error: None,
            duration: started.elapsed(),
            request_bytes: Arc::new(AtomicU64::new(0)),
            response_bytes: Arc::new(AtomicU64::new(0)),
        },
    );
}

fn finish_failed(
    shared: &Shared,
    allowed: &Allowed,
    address: Option<std::net::IpAddr>,
    error: String,
    started: Instant,
) {
    tracing::warn!(hook = %shared.hook, method = %allowed.method, url = %redact_url(&allowed.url()), "hook request failed: {error}");
    record(
        shared,
        RequestRecord {
            method: allowed.method.clone(),
            url: allowed.url(),
            decision: Decision::Allowed {
                grant: allowed.grant_name.clone(),
            },
            address,
            status: None,
            error: Some(error),
            duration: started.elapsed(),
            request_bytes: Arc::new(AtomicU64::new(0)),
            response_bytes: Arc::new(AtomicU64::new(0)),
        },
    );
}

fn record(shared: &Shared, record: RequestRecord) {
    if let Ok(mut records) = shared.records.lock() {
        records.push(record);
    }
}

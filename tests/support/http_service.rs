//! A small HTTP server on 127.0.0.1 that stands in for an external service
//! a hook calls, such as a vulnerability scanner or a KPI collector. It
//! records every request and answers with a function of the request.

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

/// Largest request body the server reads, far more than tests send.
const MAX_BODY_BYTES: usize = 1 << 20;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, such as `/api/v1/hosts/10.0.0.1`.
    pub path: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// Returns the value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The status code, content type and body of a response.
pub type Reply = (u16, &'static str, String);

type Responder = Arc<dyn Fn(&ReceivedRequest) -> Reply + Send + Sync>;

/// A running server, which stops when dropped.
#[derive(Debug)]
pub struct HttpService {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedRequest>>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl HttpService {
    /// Starts a server on a free port of 127.0.0.1 that answers each request
    /// with `respond(request)`.
    pub fn start(respond: impl Fn(&ReceivedRequest) -> Reply + Send + Sync + 'static) -> Self {
        let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind the test service");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let responder: Responder = Arc::new(respond);
        let (shutdown, shutdown_signal) = oneshot::channel::<()>();
        let thread_received = received.clone();
        let thread = std::thread::Builder::new()
            .name(format!("test service {addr}"))
            .spawn(move || serve(listener, thread_received, responder, shutdown_signal))
            .expect("start the test service thread");
        HttpService {
            addr,
            received,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// Returns the port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Returns the base URL, such as `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the requests received so far.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.received
            .lock()
            .map(|received| received.clone())
            .unwrap_or_default()
    }
}

impl Drop for HttpService {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    listener: StdTcpListener,
    received: Arc<Mutex<Vec<ReceivedRequest>>>,
    responder: Responder,
    shutdown_signal: oneshot::Receiver<()>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test service runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let app = axum::Router::new().fallback(move |request: Request<Body>| {
            let received = received.clone();
            let responder = responder.clone();
            async move { handle(request, &received, responder.as_ref()).await }
        });
        let shutdown = async {
            let _ = shutdown_signal.await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
}

async fn handle(
    request: Request<Body>,
    received: &Mutex<Vec<ReceivedRequest>>,
    responder: &(dyn Fn(&ReceivedRequest) -> Reply + Send + Sync),
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), ToString::to_string);
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let request = ReceivedRequest {
        method: parts.method.to_string(),
        path,
        headers,
        body: body.to_vec(),
    };
    let (status, content_type, text) = responder(&request);
    if let Ok(mut received) = received.lock() {
        received.push(request);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [("content-type", content_type)], text).into_response()
}

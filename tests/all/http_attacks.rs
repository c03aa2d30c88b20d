//! A hostile hook sends `wasi:http` requests that its policy must stop:
//! blocked addresses behind granted names, URL tricks, requests outside a
//! grant, redirects, oversized bodies, slow servers and too many requests.
//!
//! Each test starts its own HTTP servers on 127.0.0.1 and maps every host
//! name through the configuration's `[resolve]` table, so no test sends
//! traffic elsewhere or queries real DNS. A denied request must never reach
//! a server, so the tests check the servers' accepted-connection counts, the
//! guest's report in its log lines and the denial message on stderr. A hook
//! whose request is denied has broken its policy, so nothing it returns is
//! written to the ticket.
//!
//! The guest is `guests/hostile` in its `http` mode, which writes one line
//! per request: `request N: METHOD URL status=... body_len=...
//! body_start="..." error=...`.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hook_runner_tests::guests::HOSTILE;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

const SUCCESS: i32 = 0;
const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1001;

/// The policy's `[ticket]` table. With it, the first `[[http]]` table of
/// every policy below starts on line [`FIRST_GRANT_LINE`].
const TICKET_GRANT: &str = "[ticket]\nread = true\ncomment = true\n\n";
const FIRST_GRANT_LINE: usize = 5;

/// Value of the secret that the host adds to granted requests.
const SECRET_VALUE: &str = "s3cret-token-value";

/// Time after which a test server stops on its own, even if the test that
/// started it hangs.
const SERVER_LIFETIME: Duration = Duration::from_secs(20);

/// Time a dribbling or silent server keeps a connection open at most.
const SLOW_REPLY_LIMIT: Duration = Duration::from_secs(15);

/// Time a server waits for more request bytes before it responds.
const SERVER_READ_TIMEOUT: Duration = Duration::from_secs(2);

// Test servers.

/// What a test server sends once it has read a request.
#[derive(Debug, Clone)]
enum Reply {
    /// A complete response, then the connection closes.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Response headers that announce 1000 bytes, then one byte per second
    /// for at most [`SLOW_REPLY_LIMIT`].
    Dribble,
    /// No response: the connection stays open for at most
    /// [`SLOW_REPLY_LIMIT`].
    Silent,
}

/// One request as a test server read it.
#[derive(Debug, Clone)]
struct ReceivedRequest {
    /// Request line and headers, without the blank line.
    head: String,
    /// Body bytes received, with chunked framing left in place.
    body: Vec<u8>,
    /// Whether the body ended as its framing announced.
    body_complete: bool,
}

#[derive(Debug, Default)]
struct ServerState {
    stop: AtomicBool,
    accepted: AtomicUsize,
    requests: Mutex<Vec<ReceivedRequest>>,
}

/// An HTTP/1.1 server on 127.0.0.1 that handles at most `max_connections`
/// connections, one at a time, and stops when dropped or after
/// [`SERVER_LIFETIME`].
#[derive(Debug)]
struct TestServer {
    port: u16,
    state: Arc<ServerState>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    fn start(reply: Reply, max_connections: usize) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind test server");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(ServerState::default());
        let thread_state = state.clone();
        let thread = std::thread::spawn(move || {
            serve(&listener, &reply, max_connections, &thread_state);
        });
        TestServer {
            port,
            state,
            thread: Some(thread),
        }
    }

    /// Starts a server that responds to each request with `status` and `body`.
    fn replying(status: u16, body: &[u8], max_connections: usize) -> TestServer {
        TestServer::start(
            Reply::Full {
                status,
                headers: Vec::new(),
                body: body.to_vec(),
            },
            max_connections,
        )
    }

    fn accepted(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    fn requests(&self) -> Vec<ReceivedRequest> {
        self.state
            .requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, reply: &Reply, max_connections: usize, state: &ServerState) {
    let deadline = Instant::now() + SERVER_LIFETIME;
    while !state.stop.load(Ordering::SeqCst)
        && state.accepted.load(Ordering::SeqCst) < max_connections
        && Instant::now() < deadline
    {
        match listener.accept() {
            Ok((stream, _)) => {
                state.accepted.fetch_add(1, Ordering::SeqCst);
                handle_connection(stream, reply, state);
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => return,
        }
    }
}

fn handle_connection(mut stream: TcpStream, reply: &Reply, state: &ServerState) {
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(SERVER_READ_TIMEOUT)).is_err()
    {
        return;
    }
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    if let Ok(mut requests) = state.requests.lock() {
        requests.push(request);
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut response = format!(
                "HTTP/1.1 {status} Test\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str("\r\n");
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.write_all(body);
        }
        Reply::Dribble => {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let started = Instant::now();
            while started.elapsed() < SLOW_REPLY_LIMIT && !state.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(1));
                if stream.write_all(b"x").is_err() {
                    return;
                }
            }
        }
        Reply::Silent => {
            let started = Instant::now();
            while started.elapsed() < SLOW_REPLY_LIMIT && !state.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Reads a request head and as much of its body as arrives before the
/// framing ends, the peer closes, or [`SERVER_READ_TIMEOUT`] passes.
fn read_request(stream: &mut TcpStream) -> Option<ReceivedRequest> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(end) = find(&received, b"\r\n\r\n") {
            break end;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return None,
            Ok(read) => received.extend_from_slice(&buffer[..read]),
        }
    };

    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let mut body = received[head_end + 4..].to_vec();

    let lower = head.to_ascii_lowercase();
    let content_length = lower
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok());
    let chunked = lower.contains("transfer-encoding: chunked");
    let is_complete = |body: &[u8]| match content_length {
        Some(length) => body.len() >= length,
        None if chunked => body.ends_with(b"0\r\n\r\n"),
        None => true,
    };

    while !is_complete(&body) {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => body.extend_from_slice(&buffer[..read]),
        }
    }
    let body_complete = is_complete(&body);

    Some(ReceivedRequest {
        head,
        body,
        body_complete,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

// Running the hostile hook.

/// One ADVANCE run of the hostile hook on ticket 1001.
struct HttpRun {
    scenario: Scenario,
    policy_path: String,
    output: Output,
}

/// Settings of one run: the policy text after [`TICKET_GRANT`] (`None` for
/// a hook without a policy file), the `[resolve]` table, the hook's
/// `[hook.config]` lines and extra environment variables.
#[derive(Debug, Default)]
struct RunSpec<'a> {
    policy: Option<&'a str>,
    resolve: &'a str,
    settings: &'a str,
    env: &'a [(&'a str, &'a str)],
}

impl HttpRun {
    fn start(spec: &RunSpec<'_>) -> HttpRun {
        let scenario = Scenario::start();
        let policy_path = scenario.dir.path().join("policy.toml");
        let extra = match spec.policy {
            Some(grants) => {
                std::fs::write(&policy_path, format!("{TICKET_GRANT}{grants}"))
                    .expect("write policy");
                format!("policy = \"{}\"", policy_path.display())
            }
            None => String::new(),
        };
        let resolve = if spec.resolve.is_empty() {
            String::new()
        } else {
            format!("[resolve]\n{}", spec.resolve)
        };
        scenario.write_config_with(
            &resolve,
            &[HookEntry {
                name: "hostile",
                component: HOSTILE,
                events: "[\"ADVANCE\"]",
                extra: &extra,
                settings: spec.settings,
            }],
        );
        if spec.policy.is_none() {
            remove_policy_lines(&scenario);
        }
        let output = scenario.run_with_env(
            Some("ADVANCE"),
            &ticket_info("advance-1001.xml"),
            &[],
            API_PASSWORD,
            spec.env,
        );
        HttpRun {
            scenario,
            policy_path: policy_path.display().to_string(),
            output,
        }
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn assert_exit(&self, expected: i32) {
        assert_eq!(
            self.output.status.code(),
            Some(expected),
            "{}",
            describe(&self.output)
        );
    }

    fn assert_stderr_contains(&self, text: &str) {
        let stderr = self.stderr();
        assert!(stderr.contains(text), "expected `{text}` in:\n{stderr}");
    }

    /// Returns `grant `NAME` at `POLICY:LINE``, as denials name a grant.
    fn grant_ref(&self, name: &str, line: usize) -> String {
        format!("grant `{name}` at `{}:{line}`", self.policy_path)
    }

    /// Returns the comments on the ticket after the run, unescaped.
    fn comments(&self) -> Vec<String> {
        let xml = self.scenario.ticket_xml(TICKET);
        xml.split("<content>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</content>"))
            .map(|(content, _)| unescape_xml(content))
            .collect()
    }

    /// Returns the report lines of the `http` mode, one per request, from the
    /// hook's log lines on stderr: a hook whose request was denied has its
    /// comment discarded, so the log is the one place every report reaches.
    fn report(&self) -> Vec<String> {
        self.stderr()
            .lines()
            .filter_map(|line| {
                let start = line.find("request ")?;
                let rest = &line[start..];
                let number_end = rest["request ".len()..].find(':')? + "request ".len();
                rest["request ".len()..number_end]
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| rest.trim_end_matches(" hook=\"hostile\"").to_string())
            })
            .collect()
    }

    /// Returns the report line of request `number` (from 1).
    fn request_line(&self, number: usize) -> String {
        let prefix = format!("request {number}: ");
        let report = self.report();
        report
            .iter()
            .find(|line| line.starts_with(&prefix))
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "no report line for request {number} in {report:?}\n{}",
                    describe(&self.output)
                )
            })
    }
}

/// Removes the `policy = ...` lines from the scenario's configuration,
/// including the test policy that [`Scenario::write_config_with`] gives a
/// hook without one, so that the hook runs without a policy file.
fn remove_policy_lines(scenario: &Scenario) {
    let path = scenario.config_path();
    let text = std::fs::read_to_string(&path).expect("read config");
    let lines_without_policy: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("policy ="))
        .collect();
    std::fs::write(&path, lines_without_policy.join("\n")).expect("write config");
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Returns the `[[http]]` grant `api`: plain HTTP to `host` on `port`,
/// `GET` under `/api/`.
fn api_grant(host: &str, port: u16) -> String {
    format!(
        "[[http]]\nname = \"api\"\nscheme = \"http\"\nhost = \"{host}\"\nports = {port}\npath_prefix = \"/api/\"\nmethods = [\"GET\"]\n"
    )
}

/// Returns the hook settings of the `http` mode for `url`, plus `extra`
/// lines.
fn http_settings(url: &str, extra: &str) -> String {
    format!("mode = \"http\"\nurl = \"{url}\"\n{extra}")
}

// Names that resolve to blocked addresses.

#[test]
fn name_grant_to_loopback_is_denied() {
    let server = TestServer::replying(200, b"ok", 1);
    let port = server.port;
    let url = format!("http://allowed.test:{port}/api/");
    let policy = api_grant("allowed.test", port);
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        resolve: "\"allowed.test\" = [\"127.0.0.1\"]\n",
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let line = run.request_line(1);
    assert!(line.contains("status=none"), "{line}");
    assert!(
        line.contains("error=ErrorCode::DestinationIpProhibited"),
        "{line}"
    );
    assert_eq!(server.accepted(), 0);
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains("resolved to 127.0.0.1, a loopback address");
    run.assert_stderr_contains(&run.grant_ref("api", FIRST_GRANT_LINE));
}

#[test]
fn address_grant_reaches_server_with_secret() {
    let server = TestServer::replying(200, b"hello from the test server", 1);
    let port = server.port;
    let url = format!("http://127.0.0.1:{port}/api/data");
    let policy = format!(
        "{}\n[[secret]]\nname = \"token\"\nenv = \"TEST_SECRET\"\ngrant = \"api\"\nheader = \"Authorization\"\nformat = \"Bearer {{}}\"\n",
        api_grant("127.0.0.1", port)
    );
    let settings = format!("mode = \"env-secret,http\"\nurl = \"{url}\"\n");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        env: &[("TEST_SECRET", SECRET_VALUE)],
        ..RunSpec::default()
    });

    run.assert_exit(SUCCESS);
    let line = run.request_line(1);
    assert!(line.contains("status=200"), "{line}");
    assert!(line.contains("body_len=26"), "{line}");
    assert!(
        line.contains("body_start=\"hello from the test server\""),
        "{line}"
    );
    assert!(line.contains("error=none"), "{line}");
    assert_eq!(server.accepted(), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let head = requests[0].head.to_ascii_lowercase();
    assert!(head.starts_with("get /api/data http/1.1"), "{head}");
    assert!(
        head.contains(&format!(
            "authorization: bearer {}",
            SECRET_VALUE.to_ascii_lowercase()
        )),
        "{head}"
    );
    let comments = run.comments();
    assert!(
        comments.contains(&"environment variable TEST_SECRET: not set".to_string()),
        "{comments:?}"
    );
    let stderr = run.stderr();
    assert!(!stderr.contains(SECRET_VALUE), "secret logged:\n{stderr}");
}

/// Runs a request to `blocked.test` under a name grant while `[resolve]`
/// maps the name to `address`, checks that it is denied before any
/// connection with a message that contains `reason`, and returns the run.
fn assert_resolved_address_denied(address: &str, reason: &str) -> HttpRun {
    let server = TestServer::replying(200, b"ok", 1);
    let port = server.port;
    let url = format!("http://blocked.test:{port}/api/");
    let policy = api_grant("blocked.test", port);
    let resolve = format!("\"blocked.test\" = [\"{address}\"]\n");
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        resolve: &resolve,
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let line = run.request_line(1);
    assert!(line.contains("status=none"), "{line}");
    assert!(
        line.contains("error=ErrorCode::DestinationIpProhibited"),
        "{line}"
    );
    assert_eq!(server.accepted(), 0);
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains(reason);
    run.assert_stderr_contains(&run.grant_ref("api", FIRST_GRANT_LINE));
    assert!(
        run.comments().is_empty(),
        "a hook that broke its policy wrote a comment"
    );
    let stderr = run.stderr();
    assert!(
        !stderr.contains("failed to connect"),
        "a connection was tried:\n{stderr}"
    );
    run
}

#[test]
fn dns_answer_loopback_is_denied() {
    assert_resolved_address_denied("127.0.0.1", "resolved to 127.0.0.1, a loopback address");
}

#[test]
fn dns_answer_metadata_is_denied() {
    // The runner must block this resolved address before connecting, so no
    // packet goes to 169.254.169.254.
    assert_resolved_address_denied(
        "169.254.169.254",
        "resolved to 169.254.169.254, a link-local address",
    );
}

#[test]
fn dns_answer_mapped_loopback_is_denied() {
    assert_resolved_address_denied(
        "::ffff:127.0.0.1",
        "(which embeds the IPv4 address 127.0.0.1), a loopback address",
    );
}

#[test]
fn dns_answer_ipv6_loopback_is_denied() {
    assert_resolved_address_denied("::1", "a loopback address");
}

#[test]
fn ipv6_loopback_denial_names_no_ipv4() {
    let run = assert_resolved_address_denied("::1", "a loopback address");

    run.assert_stderr_contains("resolved to ::1, a loopback address");
}

// URL tricks against a wildcard grant.

/// Runs a request to `url` under a grant for `*.example.test` on the
/// server's port, with every name in the test mapped to 127.0.0.1, and
/// returns the run after checking that nothing reached the server.
fn run_wildcard_trick(url_for_port: impl Fn(u16) -> String) -> (HttpRun, String) {
    let server = TestServer::replying(200, b"ok", 1);
    let port = server.port;
    let url = url_for_port(port);
    let policy = format!(
        "[[http]]\nname = \"wildcard\"\nscheme = \"http\"\nhost = \"*.example.test\"\nports = {port}\n"
    );
    let settings = http_settings(&url, "");
    let resolve = "\"example.test\" = [\"127.0.0.1\"]\n\"a.example.test\" = [\"127.0.0.1\"]\n\"evil.test\" = [\"127.0.0.1\"]\n\"example.test.evil.test\" = [\"127.0.0.1\"]\n";

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        resolve,
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let line = run.request_line(1);
    assert!(line.contains("status=none"), "{line}");
    assert_eq!(server.accepted(), 0);
    (run, url)
}

#[test]
fn userinfo_host_trick_is_denied() {
    let (run, _) = run_wildcard_trick(|port| format!("http://a.example.test@evil.test:{port}/"));

    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpRequestDenied"),
        "{line}"
    );
    run.assert_stderr_contains("the URL contains userinfo (`user@`), which is never allowed");
}

#[test]
fn suffix_host_trick_is_denied() {
    let (run, url) = run_wildcard_trick(|port| format!("http://example.test.evil.test:{port}/"));

    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpRequestDenied"),
        "{line}"
    );
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains(&format!(
        "no [[http]] grant in `{}` matches host `example.test.evil.test`",
        run.policy_path
    ));
}

#[test]
fn wildcard_excludes_apex_domain() {
    let (run, url) = run_wildcard_trick(|port| format!("http://example.test:{port}/"));

    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpRequestDenied"),
        "{line}"
    );
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains(&format!(
        "no [[http]] grant in `{}` matches host `example.test`",
        run.policy_path
    ));
}

// Requests outside the grant's scheme, port, path and methods.

/// Runs a request with `method` to `url_for_port(port)` under
/// [`api_grant`] for 127.0.0.1 on the server's port, checks that it was
/// denied before any connection, and returns the run and the URL.
fn run_outside_grant(method: &str, url_for_port: impl Fn(u16) -> String) -> (HttpRun, String) {
    let server = TestServer::replying(200, b"ok", 1);
    let port = server.port;
    let url = url_for_port(port);
    let policy = api_grant("127.0.0.1", port);
    let settings = http_settings(&url, &format!("method = \"{method}\"\n"));

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let line = run.request_line(1);
    assert!(line.contains("status=none"), "{line}");
    assert!(
        line.contains("error=ErrorCode::HttpRequestDenied"),
        "{line}"
    );
    assert_eq!(server.accepted(), 0);
    run.assert_stderr_contains(&run.grant_ref("api", FIRST_GRANT_LINE));
    (run, url)
}

#[test]
fn wrong_port_is_denied() {
    // The port after the server's is never connected to: the request is
    // denied first.
    let other_port = |port: u16| port.wrapping_add(1).max(1);
    let (run, url) = run_outside_grant("GET", |port| {
        format!("http://127.0.0.1:{}/api/", other_port(port))
    });

    run.assert_stderr_contains(&format!("denied GET {url}"));
    let requested = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/api/");
    run.assert_stderr_contains(&format!(
        "not `{requested}`; to allow it set ports = {requested}"
    ));
}

#[test]
fn wrong_method_is_denied() {
    let (run, url) = run_outside_grant("POST", |port| format!("http://127.0.0.1:{port}/api/"));

    run.assert_stderr_contains(&format!("denied POST {url}"));
    run.assert_stderr_contains("allows methods `GET`, not `POST`");
}

#[test]
fn dot_segment_path_is_denied() {
    let (run, url) = run_outside_grant("GET", |port| {
        format!("http://127.0.0.1:{port}/api/../admin")
    });

    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains("allows paths under `/api/`, not `/admin`");
}

#[test]
fn prefix_lookalike_path_is_denied() {
    let (run, url) = run_outside_grant("GET", |port| format!("http://127.0.0.1:{port}/apix"));

    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains("allows paths under `/api/`, not `/apix`");
}

#[test]
fn https_under_http_grant_is_denied() {
    let (run, url) = run_outside_grant("GET", |port| format!("https://127.0.0.1:{port}/api/"));

    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains("allows only `http`, not `https`");
}

// Hooks without grants.

#[test]
fn policy_without_grant_denies_all() {
    let server = TestServer::replying(200, b"ok", 1);
    let url = format!("http://127.0.0.1:{}/api/", server.port);
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(""),
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpRequestDenied"),
        "{line}"
    );
    assert_eq!(server.accepted(), 0);
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains(&format!(
        "no [[http]] grant in `{}` matches host `127.0.0.1`",
        run.policy_path
    ));
}

#[test]
fn hook_without_policy_has_no_network() {
    let server = TestServer::replying(200, b"ok", 1);
    let url = format!("http://127.0.0.1:{}/api/", server.port);
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: None,
        settings: &settings,
        ..RunSpec::default()
    });

    // A hook without a policy file may not comment, so the guest's report
    // is read from its log lines on stderr.
    assert_eq!(server.accepted(), 0);
    run.assert_stderr_contains(&format!("request 1: GET {url} status=none"));
    run.assert_stderr_contains("error=ErrorCode::HttpRequestDenied");
    run.assert_stderr_contains(&format!("denied GET {url}"));
    run.assert_stderr_contains("the hook has no policy file, so no grant matches host `127.0.0.1`");
}

// Redirects.

/// Starts a granted server that redirects (302) to
/// `http://evil.test:PORT/steal` on a second server, and runs one request to
/// the first. Returns the run,
/// both servers and the redirect target.
fn run_redirect(follow: bool) -> (HttpRun, TestServer, TestServer, String) {
    let target = TestServer::replying(200, b"stolen", 1);
    let location = format!("http://evil.test:{}/steal", target.port);
    let redirecting = TestServer::start(
        Reply::Full {
            status: 302,
            headers: vec![("Location".to_string(), location.clone())],
            body: Vec::new(),
        },
        2,
    );
    let url = format!("http://127.0.0.1:{}/api/start", redirecting.port);
    let policy = api_grant("127.0.0.1", redirecting.port);
    let settings = http_settings(&url, &format!("follow_redirects = \"{follow}\"\n"));

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        resolve: "\"evil.test\" = [\"127.0.0.1\"]\n",
        settings: &settings,
        ..RunSpec::default()
    });
    (run, redirecting, target, location)
}

#[test]
fn followed_redirect_is_checked_again() {
    let (run, redirecting, target, location) = run_redirect(true);

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    let first = run.request_line(1);
    assert!(first.contains("status=302"), "{first}");
    let second = run.request_line(2);
    assert!(second.contains(&location), "{second}");
    assert!(second.contains("status=none"), "{second}");
    assert!(
        second.contains("error=ErrorCode::HttpRequestDenied"),
        "{second}"
    );
    assert_eq!(redirecting.accepted(), 1);
    assert_eq!(target.accepted(), 0);
    run.assert_stderr_contains(&format!("denied GET {location}"));
    run.assert_stderr_contains("no [[http]] grant in");
}

#[test]
fn redirect_is_not_followed_by_host() {
    let (run, redirecting, target, _) = run_redirect(false);

    run.assert_exit(SUCCESS);
    let first = run.request_line(1);
    assert!(first.contains("status=302"), "{first}");
    assert!(first.contains("error=none"), "{first}");
    let report = run.report();
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(redirecting.accepted(), 1);
    assert_eq!(target.accepted(), 0);
    let stderr = run.stderr();
    assert!(!stderr.contains("denied"), "{stderr}");
}

// Size, time and count limits.

/// Runs one GET whose 64 KiB response passes `max_response_body_kib = 1`
/// and returns the run and the server.
fn run_oversized_response() -> (HttpRun, TestServer) {
    let body = vec![b'r'; 64 * 1024];
    let server = TestServer::replying(200, &body, 1);
    let url = format!("http://127.0.0.1:{}/api/big", server.port);
    let policy = format!(
        "{}\n[limits]\nmax_response_body_kib = 1\n",
        api_grant("127.0.0.1", server.port)
    );
    let settings = http_settings(&url, "");

    // RUST_BACKTRACE must not make host errors carry backtraces to guests.
    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        env: &[("RUST_BACKTRACE", "1")],
        ..RunSpec::default()
    });
    (run, server)
}

/// Returns the number after `body_len=` in a report line.
fn body_len(line: &str) -> usize {
    line.split("body_len=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no body_len in {line}"))
}

#[test]
fn oversized_response_is_cut() {
    let (run, server) = run_oversized_response();

    run.assert_exit(SUCCESS);
    let line = run.request_line(1);
    assert!(line.contains("status=200"), "{line}");
    assert!(!line.contains("error=none"), "{line}");
    assert!(line.contains("response body size exceeds limit"), "{line}");
    let received = body_len(&line);
    assert!(received <= 1024, "the guest read {received} bytes: {line}");
    assert_eq!(server.accepted(), 1);
    let stderr = run.stderr();
    assert!(
        !stderr.contains("backtrace"),
        "a backtrace leaked:\n{stderr}"
    );
}

#[test]
#[ignore = "bug: the response size error reaches the guest as a plain I/O error, so wasi:http http-error-code returns none instead of ErrorCode::HttpResponseBodySize"]
fn oversized_response_error_code_is_typed() {
    let (run, _server) = run_oversized_response();

    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpResponseBodySize"),
        "{line}"
    );
}

#[test]
fn dribbling_response_hits_http_timeout() {
    let server = TestServer::start(Reply::Dribble, 1);
    let url = format!("http://127.0.0.1:{}/api/slow", server.port);
    let policy = format!(
        "{}\n[limits]\nhttp_timeout_seconds = 2\nwall_time_seconds = 30\n",
        api_grant("127.0.0.1", server.port)
    );
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(SUCCESS);
    let line = run.request_line(1);
    assert!(line.contains("status=200"), "{line}");
    // The request's 2 s time-out fired, not the run's 30 s limit.
    assert!(line.contains("error=connection read timeout"), "{line}");
    assert_eq!(server.accepted(), 1);
}

#[test]
fn dribbling_response_stopped_by_wall_time() {
    let server = TestServer::start(Reply::Dribble, 1);
    let url = format!("http://127.0.0.1:{}/api/slow", server.port);
    let policy = format!(
        "{}\n[limits]\nhttp_timeout_seconds = 30\nwall_time_seconds = 4\n",
        api_grant("127.0.0.1", server.port)
    );
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });

    // The run's 4 s limit fired, not the request's 30 s time-out.
    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("within its time limit of 4s");
    assert_eq!(server.accepted(), 1);
}

#[test]
fn silent_server_hits_wall_time() {
    let server = TestServer::start(Reply::Silent, 1);
    let url = format!("http://127.0.0.1:{}/api/silent", server.port);
    let policy = format!(
        "{}\n[limits]\nwall_time_seconds = 3\n",
        api_grant("127.0.0.1", server.port)
    );
    let settings = http_settings(&url, "");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });

    // The run's 3 s limit fired, not the request's 10 s time-out.
    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("within its time limit of 3s");
    assert_eq!(server.accepted(), 1);
    assert!(run.report().is_empty(), "{:?}", run.report());
}

#[test]
fn request_count_limit_denies_extra() {
    let server = TestServer::replying(200, b"ok", 5);
    let url = format!("http://127.0.0.1:{}/api/", server.port);
    let policy = format!(
        "{}\n[limits]\nmax_http_requests = 2\n",
        api_grant("127.0.0.1", server.port)
    );
    let settings = http_settings(&url, "count = \"5\"\n");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("broke its policy");
    for number in 1..=2 {
        let line = run.request_line(number);
        assert!(line.contains("status=200"), "{line}");
        assert!(line.contains("error=none"), "{line}");
    }
    for number in 3..=5 {
        let line = run.request_line(number);
        assert!(line.contains("status=none"), "{line}");
        assert!(
            line.contains("error=ErrorCode::HttpRequestDenied"),
            "{line}"
        );
    }
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.requests().len(), 2);
    run.assert_stderr_contains("the hook already made 2 requests, its limit (max_http_requests");
}

/// Runs one POST with a 64 KiB body under `max_request_body_kib = 1` and
/// returns the run and the server.
fn run_oversized_request_body() -> (HttpRun, TestServer) {
    let server = TestServer::replying(200, b"ok", 1);
    let url = format!("http://127.0.0.1:{}/api/upload", server.port);
    let policy = format!(
        "[[http]]\nname = \"api\"\nscheme = \"http\"\nhost = \"127.0.0.1\"\nports = {}\npath_prefix = \"/api/\"\nmethods = [\"POST\"]\n\n[limits]\nmax_request_body_kib = 1\n",
        server.port
    );
    let settings = http_settings(&url, "method = \"POST\"\nbody_bytes = \"65536\"\n");

    let run = HttpRun::start(&RunSpec {
        policy: Some(&policy),
        settings: &settings,
        ..RunSpec::default()
    });
    (run, server)
}

#[test]
fn oversized_request_body_is_cut() {
    let (run, server) = run_oversized_request_body();

    run.assert_exit(SUCCESS);
    let line = run.request_line(1);
    assert!(line.contains("status=none"), "{line}");
    assert!(!line.contains("error=none"), "{line}");
    let requests = server.requests();
    assert!(requests.len() <= 1, "{requests:?}");
    for request in requests {
        assert!(!request.body_complete, "{}", request.head);
        assert!(
            request.body.len() < 64 * 1024,
            "the server received {} body bytes",
            request.body.len()
        );
    }
}

#[test]
#[ignore = "bug: hyper wraps the request size error, so the guest gets ErrorCode::HttpProtocolError instead of ErrorCode::HttpRequestBodySize"]
fn oversized_request_error_code_is_typed() {
    let (run, _server) = run_oversized_request_body();

    let line = run.request_line(1);
    assert!(
        line.contains("error=ErrorCode::HttpRequestBodySize"),
        "{line}"
    );
}

//! Python hooks built with componentize-py: the `vuln-check` example asks a
//! scanner on 127.0.0.1 about the servers of a ticket through `wasi:http`,
//! only as far as its policy allows, and a probe shows that sockets and
//! name lookups stay closed to Python code.
//!
//! Compiling a component of about 20 MB takes a minute or more, so these
//! tests keep to one run each and share a compile cache.

use std::io::ErrorKind;
use std::net::TcpListener;

use hook_runner_tests::components::{component, shared_compile_cache};
use hook_runner_tests::http_service::{HttpService, ReceivedRequest, Reply};
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const SUCCESS: i32 = 0;
const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1004;

/// The path of the example policy, relative to the tests package.
const EXAMPLE_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../guests/vuln-check/policy.toml"
);

/// Answers as a vulnerability scanner that knows three of the four servers
/// of ticket 1004.
fn scanner_reply(request: &ReceivedRequest) -> Reply {
    let body = match request.path.as_str() {
        "/api/v1/hosts/10.20.30.40" => {
            r#"{"vulnerabilities": [
                {"id": "CVE-2023-44487", "severity": "medium", "title": "HTTP/2 rapid reset"},
                {"id": "CVE-2024-6387", "severity": "critical", "title": "OpenSSH signal handler race"}
            ]}"#
        }
        "/api/v1/hosts/172.16.5.10" => {
            r#"{"vulnerabilities": [{"id": "CVE-2021-44228", "severity": "high", "title": "Log4Shell"}]}"#
        }
        "/api/v1/hosts/192.168.10.5" => r#"{"vulnerabilities": []}"#,
        _ => {
            return (
                404,
                "application/json",
                r#"{"error": "unknown host"}"#.into(),
            );
        }
    };
    (200, "application/json", body.to_owned())
}

/// Returns the example policy with its scanner grant moved to plain HTTP on
/// 127.0.0.1 and `port`, the one change a test server needs.
fn example_policy_for_port(port: u16) -> String {
    let text = std::fs::read_to_string(EXAMPLE_POLICY).expect("read the example policy");
    let scheme = "scheme = \"https\"";
    let host = "host = \"scanner.example.com\"";
    assert!(text.contains(scheme), "{EXAMPLE_POLICY} has no `{scheme}`");
    assert!(text.contains(host), "{EXAMPLE_POLICY} has no `{host}`");
    text.replace(scheme, "scheme = \"http\"")
        .replace(host, &format!("host = \"127.0.0.1\"\nports = {port}"))
}

/// Returns the example policy without its `[[http]]` grant.
fn example_policy_without_http() -> String {
    let text = std::fs::read_to_string(EXAMPLE_POLICY).expect("read the example policy");
    let start = text
        .find("[[http]]")
        .expect("the example policy has an [[http]] grant");
    let end = text
        .find("[limits]")
        .expect("the example policy has [limits]");
    format!("{}{}", &text[..start], &text[end..])
}

/// Writes `policy` and a configuration that runs `vuln-check` on ADVANCE
/// with the scanner at `scanner_url`, then runs ticket 1004's ADVANCE event.
fn run_vuln_check(scenario: &Scenario, policy: &str, scanner_url: &str) -> std::process::Output {
    let policy_path = scenario.dir.path().join("vuln-check.toml");
    std::fs::write(&policy_path, policy).expect("write the policy");
    let extra = format!("policy = \"{}\"", policy_path.display());
    let settings = format!("scanner_url = \"{scanner_url}\"");
    scenario.write_config_with(
        &shared_compile_cache(),
        &[HookEntry {
            name: "vuln-check",
            component: &component("python/vuln_check.wasm"),
            events: "[\"ADVANCE\"]",
            extra: &extra,
            settings: &settings,
        }],
    );
    scenario.run("ADVANCE", &ticket_info("advance-1004.xml"))
}

#[test]
fn vuln_check_writes_scanner_findings() {
    let scanner = HttpService::start(scanner_reply);
    let scenario = Scenario::start();

    let output = run_vuln_check(
        &scenario,
        &example_policy_for_port(scanner.port()),
        &scanner.base_url(),
    );

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let paths: Vec<String> = scanner
        .requests()
        .iter()
        .map(|request| format!("{} {}", request.method, request.path))
        .collect();
    assert_eq!(
        paths,
        [
            "GET /api/v1/hosts/10.20.30.40",
            "GET /api/v1/hosts/192.168.10.5",
            "GET /api/v1/hosts/172.16.5.10",
            "GET /api/v1/hosts/172.16.6.20",
        ]
        .map(String::from)
        .to_vec(),
        "one request per server, in ticket order"
    );
    let xml = scenario.ticket_xml(TICKET);
    let findings = [
        "10.20.30.40: CVE-2024-6387 (critical) OpenSSH signal handler race; \
         CVE-2023-44487 (medium) HTTP/2 rapid reset",
        "192.168.10.5: no known vulnerabilities",
        "172.16.5.10: CVE-2021-44228 (high) Log4Shell",
        "172.16.6.20: not known to the scanner",
    ];
    for line in findings {
        assert!(xml.contains(line), "missing `{line}` in:\n{xml}");
    }
    assert!(
        xml.contains(
            "Vulnerability scan of 4 server(s): 2 with known vulnerabilities, \
             worst severity critical."
        ),
        "{xml}"
    );
}

#[test]
fn vuln_check_without_grant_is_denied() {
    let scanner = HttpService::start(scanner_reply);
    let scenario = Scenario::start();
    let before = scenario.ticket_xml(TICKET);

    let output = run_vuln_check(
        &scenario,
        &example_policy_without_http(),
        &scanner.base_url(),
    );

    assert_eq!(
        output.status.code(),
        Some(HOOK_FAILED),
        "{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let url = format!("{}/api/v1/hosts/10.20.30.40", scanner.base_url());
    assert!(stderr.contains(&format!("denied GET {url}")), "{stderr}");
    let hook_error = format!(
        "the hook returned an error: the hook's policy denied the scanner request GET {url}"
    );
    assert!(stderr.contains(&hook_error), "{stderr}");
    assert!(
        scanner.requests().is_empty(),
        "a denied request reached the scanner"
    );
    assert!(
        scenario.writes().is_empty(),
        "a hook that broke its policy wrote"
    );
    assert_eq!(scenario.ticket_xml(TICKET), before);
}

#[test]
fn python_sockets_and_lookups_fail() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a listener");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let port = listener.local_addr().expect("local address").port();
    let scenario = Scenario::start();
    let settings = format!("port = \"{port}\"");
    scenario.write_config_with(
        &shared_compile_cache(),
        &[HookEntry {
            name: "socket-probe",
            component: &component("python/socket_probe.wasm"),
            events: "[\"ADVANCE\"]",
            extra: "",
            settings: &settings,
        }],
    );

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(error) if error.kind() == ErrorKind::WouldBlock),
        "the Python hook opened a TCP connection: {accepted:?}"
    );
    let xml = scenario.ticket_xml(1001);
    assert!(
        xml.contains(&format!("socket connect to 127.0.0.1:{port} failed:")),
        "{xml}"
    );
    assert!(!xml.contains("socket connect succeeded"), "{xml}");
    assert!(xml.contains("name lookup of localhost failed:"), "{xml}");
    assert!(!xml.contains("name lookup of localhost succeeded"), "{xml}");
}

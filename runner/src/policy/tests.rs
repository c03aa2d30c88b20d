use std::net::IpAddr;

use super::*;

const FULL: &str = r#"[ticket]
read = true
write_fields = ["Risk Score", "Risk Reason"]
comment = true

[config]
score_field = "Risk Score"

[[http]]
name = "scanner"
scheme = "https"
host = "scanner.example.com"
ports = "443"
path_prefix = "/api/v1/"
methods = ["get", "POST"]

[[http]]
host = "10.1.0.0/16"
scheme = "http"
ports = 8080

[[secret]]
name = "scanner-token"
env = "SCANNER_TOKEN"
grant = "scanner"
header = "Authorization"
format = "Bearer {}"

[limits]
memory_mib = 256
wall_time_seconds = 60
fuel = 1000000
max_http_requests = 4
max_request_body_kib = 0
max_response_body_kib = 8192
http_timeout_seconds = 5
max_outcome_kib = 128
max_log_kib = 0
max_output_kib = 32
"#;

fn parse(text: &str) -> Result<Policy, PolicyError> {
    Policy::parse(Path::new("policies/risk.toml"), text)
}

fn error_text(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("policy was accepted:\n{text}"),
        Err(error) => error.to_string(),
    }
}

/// Returns a policy with one `[[http]]` grant made of `body`.
fn grant_policy(body: &str) -> String {
    format!("[[http]]\n{body}\n")
}

#[test]
fn full_policy_loads() {
    let policy = parse(FULL).expect("valid policy");
    assert_eq!(
        policy.path.as_deref(),
        Some(Path::new("policies/risk.toml"))
    );

    assert!(policy.ticket.read, "ticket.read");
    assert!(policy.ticket.comment, "ticket.comment");
    assert_eq!(policy.ticket.write_fields, ["Risk Score", "Risk Reason"]);
    assert_eq!(policy.ticket.line, Some(1), "ticket line");
    assert!(policy.ticket.may_write("Risk Score"), "granted field");
    assert!(!policy.ticket.may_write("risk score"), "field case differs");
    assert_eq!(policy.config["score_field"], "Risk Score");

    assert_eq!(policy.http.len(), 2);
    let scanner = &policy.http[0];
    assert_eq!(scanner.name, "scanner");
    assert_eq!(scanner.scheme, Scheme::Https);
    assert_eq!(
        scanner.host,
        HostPattern::Exact("scanner.example.com".into())
    );
    assert_eq!(scanner.ports, PortRange::single(443));
    assert_eq!(scanner.path_prefix, "/api/v1/");
    assert_eq!(scanner.methods, ["GET", "POST"]);
    assert_eq!(scanner.line, 9, "scanner line");
    assert_eq!(policy.grant("scanner"), Some(scanner));

    let network = &policy.http[1];
    assert_eq!(network.name, "http[2]", "default name");
    assert_eq!(network.scheme, Scheme::Http);
    assert_eq!(
        network.host,
        HostPattern::Cidr("10.1.0.0/16".parse().expect("cidr"))
    );
    assert_eq!(network.ports, PortRange::single(8080));
    assert_eq!(network.path_prefix, "/", "default path_prefix");
    assert_eq!(network.methods, ["GET"], "default methods");
    assert_eq!(network.line, 17, "second grant line");

    assert_eq!(policy.secrets.len(), 1);
    let secret = &policy.secrets[0];
    assert_eq!(secret.name, "scanner-token");
    assert_eq!(secret.source, SecretSource::Env("SCANNER_TOKEN".into()));
    assert_eq!(secret.grant, "scanner");
    assert_eq!(secret.grant_index, 0);
    assert_eq!(secret.header, "Authorization");
    assert_eq!(secret.format, "Bearer {}");
    assert_eq!(secret.line, 22, "secret line");
    assert_eq!(policy.secrets_for(0).count(), 1, "secrets of grant 0");
    assert_eq!(policy.secrets_for(1).count(), 0, "secrets of grant 1");

    let limits = policy.limits;
    assert_eq!(limits.memory_mib, 256);
    assert_eq!(limits.memory_bytes(), 256 * 1024 * 1024);
    assert_eq!(limits.wall_time_seconds, 60);
    assert_eq!(limits.fuel, Some(1_000_000));
    assert_eq!(limits.max_http_requests, 4);
    assert_eq!(limits.max_request_body_kib, 0);
    assert_eq!(limits.max_response_body_kib, 8192);
    assert_eq!(limits.http_timeout_seconds, 5);
    assert_eq!(limits.max_outcome_kib, 128);
    assert_eq!(limits.max_log_kib, 0);
    assert_eq!(limits.max_output_kib, 32);
    assert_eq!(limits.max_output_bytes(), 32 * 1024);
}

#[test]
fn empty_policy_grants_nothing() {
    let policy = parse("").expect("empty policy");
    assert_eq!(policy.ticket, TicketGrant::default());
    assert!(policy.config.is_empty(), "config");
    assert!(policy.http.is_empty(), "http");
    assert!(policy.secrets.is_empty(), "secrets");
    assert_eq!(policy.limits, PolicyLimits::default());
}

#[test]
fn deny_all_grants_nothing() {
    let policy = Policy::deny_all();
    assert_eq!(policy.path, None);
    assert!(!policy.ticket.read, "ticket.read");
    assert!(!policy.ticket.comment, "ticket.comment");
    assert!(policy.ticket.write_fields.is_empty(), "write_fields");
    assert!(policy.http.is_empty(), "http");
    assert!(policy.secrets.is_empty(), "secrets");
    assert_eq!(policy.limits, PolicyLimits::default());
}

#[test]
fn default_limits_match_constants() {
    let limits = PolicyLimits::default();
    assert_eq!(limits.memory_mib, DEFAULT_MEMORY_MIB);
    assert_eq!(limits.wall_time_seconds, DEFAULT_WALL_TIME_SECONDS);
    assert_eq!(limits.fuel, None, "fuel metering off");
    assert_eq!(limits.max_http_requests, DEFAULT_MAX_HTTP_REQUESTS);
    assert_eq!(limits.max_request_body_kib, DEFAULT_MAX_REQUEST_BODY_KIB);
    assert_eq!(limits.max_response_body_kib, DEFAULT_MAX_RESPONSE_BODY_KIB);
    assert_eq!(limits.http_timeout_seconds, DEFAULT_HTTP_TIMEOUT_SECONDS);
    assert_eq!(limits.max_outcome_kib, DEFAULT_MAX_OUTCOME_KIB);
    assert_eq!(limits.max_log_kib, DEFAULT_MAX_LOG_KIB);
    assert_eq!(limits.max_output_kib, DEFAULT_MAX_OUTPUT_KIB);
}

#[test]
fn empty_lists_grant_nothing() {
    let text = "[ticket]\nwrite_fields = []\n\n[[http]]\nhost = \"a.example.com\"\nmethods = []\n";
    let policy = parse(text).expect("valid policy");
    assert!(policy.ticket.write_fields.is_empty(), "write_fields");
    assert!(!policy.ticket.may_write("Risk Score"), "no field granted");
    assert!(policy.http[0].methods.is_empty(), "methods");
    assert!(!policy.http[0].allows_method("GET"), "GET not granted");
}

#[test]
fn fuel_zero_turns_metering_off() {
    let policy = parse("[limits]\nfuel = 0\n").expect("valid policy");
    assert_eq!(policy.limits.fuel, None);
}

#[test]
fn load_reads_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("risk.toml");
    std::fs::write(&path, "[ticket]\nread = true\n").expect("write");
    let policy = Policy::load(&path).expect("load");
    assert!(policy.ticket.read, "ticket.read");
    assert_eq!(policy.path.as_deref(), Some(path.as_path()));
}

#[test]
fn load_missing_file_names_it() {
    let error = Policy::load(Path::new("/nonexistent/risk.toml")).expect_err("missing file");
    assert!(matches!(error, PolicyError::Read { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "failed to read policy `/nonexistent/risk.toml`: No such file or directory (os error 2)"
    );
}

#[test]
fn unknown_keys_name_file_line_column() {
    let cases = [
        ("[ticket]\nread = true\nwrite = true\n", "3:1", "write"),
        (
            "[[http]]\nhost = \"a.example.com\"\nport = 443\n",
            "3:1",
            "port",
        ),
        ("[limits]\nmemory = 1\n", "2:1", "memory"),
        ("[[secret]]\nname = \"a\"\nvalue = \"x\"\n", "3:1", "value"),
        ("[network]\n", "1:2", "network"),
        (
            "[[http]]\nhost = \"a.example.com\"\nmethods = [\"GET\"]\nallow_all = true\n",
            "4:1",
            "allow_all",
        ),
    ];
    for (text, location, key) in cases {
        let message = error_text(text);
        assert!(
            message.starts_with(&format!("policies/risk.toml:{location}: ")),
            "{key}: {message}"
        );
        assert!(message.contains(&format!("`{key}`")), "{key}: {message}");
    }
}

#[test]
fn syntax_error_names_location() {
    let message = error_text("[ticket]\nread = yes\n");
    assert!(message.starts_with("policies/risk.toml:2:8: "), "{message}");
}

#[test]
fn wrong_types_are_rejected() {
    let cases = [
        ("[ticket]\nread = \"yes\"\n", "2:8"),
        ("[ticket]\nwrite_fields = \"Risk Score\"\n", "2:16"),
        ("[config]\nthreshold = 5\n", "2:13"),
        ("[http]\nhost = \"a.example.com\"\n", "1:1"),
        ("[[http]]\nhost = \"a.example.com\"\nports = 44.3\n", "3:9"),
        (
            "[[http]]\nhost = \"a.example.com\"\nmethods = \"GET\"\n",
            "3:11",
        ),
        ("[limits]\nmemory_mib = -1\n", "2:14"),
        ("[limits]\nmemory_mib = \"128\"\n", "2:14"),
    ];
    for (text, location) in cases {
        let message = error_text(text);
        assert!(
            message.starts_with(&format!("policies/risk.toml:{location}: ")),
            "{text:?}: {message}"
        );
    }
}

#[test]
fn host_is_required() {
    let message = error_text("[[http]]\nmethods = [\"GET\"]\n");
    assert!(message.starts_with("policies/risk.toml:1:1: "), "{message}");
    assert!(message.contains("`host`"), "{message}");
}

#[test]
fn valid_hosts_parse() {
    let ip = |text: &str| HostPattern::Ip(text.parse::<IpAddr>().expect("address"));
    let cidr = |text: &str| HostPattern::Cidr(text.parse().expect("network"));
    let cases = [
        (
            "api.example.com",
            HostPattern::Exact("api.example.com".into()),
        ),
        (
            "API.Example.COM",
            HostPattern::Exact("api.example.com".into()),
        ),
        (
            "api.example.com.",
            HostPattern::Exact("api.example.com".into()),
        ),
        ("localhost", HostPattern::Exact("localhost".into())),
        (
            "my_host.example.com",
            HostPattern::Exact("my_host.example.com".into()),
        ),
        (
            "xn--bcher-kva.example",
            HostPattern::Exact("xn--bcher-kva.example".into()),
        ),
        ("*.example.com", HostPattern::Wildcard("example.com".into())),
        (
            "*.EXAMPLE.com.",
            HostPattern::Wildcard("example.com".into()),
        ),
        ("*.co.uk", HostPattern::Wildcard("co.uk".into())),
        ("10.0.0.1", ip("10.0.0.1")),
        ("10.0.0.1.", ip("10.0.0.1")),
        ("127.0.0.1", ip("127.0.0.1")),
        ("::1", ip("::1")),
        ("[::1]", ip("::1")),
        ("2001:db8::10", ip("2001:db8::10")),
        ("10.0.0.0/8", cidr("10.0.0.0/8")),
        ("10.1.0.0/16", cidr("10.1.0.0/16")),
        ("10.1.2.3/32", cidr("10.1.2.3/32")),
        ("fd00::/16", cidr("fd00::/16")),
    ];
    for (text, expected) in cases {
        let policy = parse(&grant_policy(&format!("host = \"{text}\"")));
        match policy {
            Ok(policy) => assert_eq!(policy.http[0].host, expected, "host {text:?}"),
            Err(error) => panic!("host {text:?} was rejected: {error}"),
        }
    }
}

#[test]
fn invalid_hosts_are_rejected() {
    let cases = [
        ("", "the host is empty"),
        ("*.*.example.com", "single leading `*.`"),
        ("a.*.example.com", "single leading `*.`"),
        ("*example.com", "single leading `*.`"),
        ("*", "single leading `*.`"),
        ("*.", "the host name is empty"),
        ("*.com", "whole top-level domain"),
        ("*.com.", "whole top-level domain"),
        ("*.10.0.0.1", "cannot cover an IP address"),
        ("user@api.example.com", "userinfo"),
        ("api.example.com@evil.test", "userinfo"),
        ("api.example.com:443", "contains a port"),
        ("[::1]:443", "contains a port"),
        ("10.0.0.1:80", "contains a port"),
        ("api.example.com/v1", "contains a path"),
        ("https://api.example.com", "is a URL"),
        ("api.example.com?x", "`?`"),
        ("api.example.com#x", "`#`"),
        ("api\\example.com", "`\\`"),
        ("api%2eexample.com", "percent-encoding"),
        ("api.example.com ", "whitespace"),
        (" api.example.com", "whitespace"),
        ("api. example.com", "whitespace"),
        ("api.example.com\t", "whitespace"),
        ("api..example.com", "empty label"),
        (".example.com", "empty label"),
        ("api.example.com..", "empty label"),
        ("-api.example.com", "starts or ends with `-`"),
        ("api-.example.com", "starts or ends with `-`"),
        ("api!.example.com", "`!`"),
        ("b\u{fc}cher.example", "`xn--` form"),
        ("127.1", "ends in a number"),
        ("0x7f000001", "ends in a number"),
        ("2130706433", "ends in a number"),
        ("127.0.0.01", "ends in a number"),
        ("1.2.3.0x4", "ends in a number"),
        ("[::1", "not a valid IPv6 address"),
        ("[10.0.0.1]", "not a valid IPv6 address"),
        ("10.1.2.3/16", "write `10.1.0.0/16`"),
        ("0.0.0.0/0", "too broad"),
        ("10.0.0.0/7", "too broad"),
        ("::/0", "too broad"),
        ("10.0.0.0/33", "prefix length"),
    ];
    for (text, reason) in cases {
        let toml_text = text.replace('\\', "\\\\");
        let message = error_text(&grant_policy(&format!("host = \"{toml_text}\"")));
        assert!(
            message.starts_with("policies/risk.toml:2:8: invalid host `"),
            "host {text:?}: {message}"
        );
        assert!(message.contains(reason), "host {text:?}: {message}");
        assert!(
            message.ends_with(
                "use an exact host (`api.example.com`), a wildcard (`*.example.com`), \
                 an IP address or a CIDR (`10.0.0.0/8`)"
            ),
            "host {text:?}: {message}"
        );
    }
}

#[test]
fn invalid_host_error_matches_documented_form() {
    let text = "[ticket]\nread = true\n\n[[http]]\nhost = \"*.*.example.com\"\n";
    assert_eq!(
        error_text(text),
        "policies/risk.toml:5:8: invalid host `*.*.example.com`: a wildcard must be a single \
         leading `*.`; use an exact host (`api.example.com`), a wildcard (`*.example.com`), \
         an IP address or a CIDR (`10.0.0.0/8`)"
    );
}

#[test]
fn ports_parse() {
    let cases = [
        ("ports = 443", PortRange::single(443)),
        ("ports = \"443\"", PortRange::single(443)),
        ("ports = 1", PortRange::single(1)),
        ("ports = 65535", PortRange::single(65535)),
        (
            "ports = \"8000-8100\"",
            PortRange {
                start: 8000,
                end: 8100,
            },
        ),
        ("ports = \"8000-8000\"", PortRange::single(8000)),
        ("scheme = \"http\"", PortRange::single(80)),
        ("scheme = \"https\"", PortRange::single(443)),
        ("scheme = \"HTTP\"", PortRange::single(80)),
    ];
    for (line, expected) in cases {
        let text = grant_policy(&format!("host = \"a.example.com\"\n{line}"));
        let policy = parse(&text).unwrap_or_else(|error| panic!("{line}: {error}"));
        assert_eq!(policy.http[0].ports, expected, "{line}");
    }
}

#[test]
fn invalid_ports_are_rejected() {
    let cases = [
        ("0", "not from 1 to 65535"),
        ("\"0\"", "not from 1 to 65535"),
        ("65536", "not from 1 to 65535"),
        ("-1", "not from 1 to 65535"),
        ("\"70000\"", "not from 1 to 65535"),
        ("\"8100-8000\"", "starts at 8100, after its end 8000"),
        ("\"0-10\"", "not from 1 to 65535"),
        ("\"\"", "is not a port number"),
        ("\"https\"", "is not a port number"),
        ("\"+443\"", "is not a port number"),
        ("\" 443\"", "is not a port number"),
        ("\"8000-\"", "is not a port number"),
        ("\"8000-8100-8200\"", "is not a port number"),
        ("\"443,8443\"", "is not a port number"),
    ];
    for (value, reason) in cases {
        let text = grant_policy(&format!("host = \"a.example.com\"\nports = {value}"));
        let message = error_text(&text);
        assert!(
            message.starts_with("policies/risk.toml:3:9: invalid ports `"),
            "ports {value}: {message}"
        );
        assert!(message.contains(reason), "ports {value}: {message}");
        assert!(
            message.contains("(`\"8000-8100\"`)"),
            "ports {value}: {message}"
        );
    }
}

#[test]
fn invalid_scheme_is_rejected() {
    for scheme in ["ftp", "ws", "", "https:", "file"] {
        let text = grant_policy(&format!("host = \"a.example.com\"\nscheme = \"{scheme}\""));
        let message = error_text(&text);
        assert_eq!(
            message,
            format!(
                "policies/risk.toml:3:10: invalid scheme `{scheme}`: \
                 use scheme = \"https\" or scheme = \"http\""
            ),
            "scheme {scheme:?}"
        );
    }
}

#[test]
fn methods_are_upper_cased_and_deduplicated() {
    let text = grant_policy(
        "host = \"a.example.com\"\nmethods = [\"get\", \"Post\", \"GET\", \"PROPFIND\"]",
    );
    let policy = parse(&text).expect("valid policy");
    assert_eq!(policy.http[0].methods, ["GET", "POST", "PROPFIND"]);
}

#[test]
fn invalid_methods_are_rejected() {
    let cases = [
        ("*", "list each method"),
        ("", "use an HTTP method name"),
        ("GET POST", "use an HTTP method name"),
        ("GET,POST", "use an HTTP method name"),
        ("G\u{c9}T", "use an HTTP method name"),
    ];
    for (method, reason) in cases {
        let text = grant_policy(&format!(
            "host = \"a.example.com\"\nmethods = [\"{method}\"]"
        ));
        let message = error_text(&text);
        assert!(
            message.starts_with(&format!(
                "policies/risk.toml:3:12: invalid method `{method}`"
            )),
            "method {method:?}: {message}"
        );
        assert!(message.contains(reason), "method {method:?}: {message}");
    }
}

#[test]
fn path_prefix_is_normalised() {
    let cases = [
        ("/", "/"),
        ("/api/v1/", "/api/v1/"),
        ("/api/v1", "/api/v1"),
        ("/api/./v1/", "/api/v1/"),
        ("/api/x/../v1/", "/api/v1/"),
        ("/%61pi/", "/api/"),
    ];
    for (prefix, expected) in cases {
        let text = grant_policy(&format!(
            "host = \"a.example.com\"\npath_prefix = \"{prefix}\""
        ));
        let policy = parse(&text).unwrap_or_else(|error| panic!("{prefix}: {error}"));
        assert_eq!(
            policy.http[0].path_prefix, expected,
            "path_prefix {prefix:?}"
        );
    }
}

#[test]
fn invalid_path_prefix_is_rejected() {
    let cases = [
        ("api/v1", "does not start with `/`"),
        ("", "does not start with `/`"),
        ("/api/../..", "climb above `/`"),
        ("/api?x=1", "query"),
        ("/api#x", "fragment"),
        ("/api//v1", "empty segment"),
        ("/a b", "not percent-encoded"),
        ("/api%2Fv1", "encoded `/`"),
        ("/api/..;/v1", "with parameters"),
    ];
    for (prefix, reason) in cases {
        let text = grant_policy(&format!(
            "host = \"a.example.com\"\npath_prefix = \"{prefix}\""
        ));
        let message = error_text(&text);
        assert!(
            message.starts_with(&format!(
                "policies/risk.toml:3:15: invalid path_prefix `{prefix}`: "
            )),
            "path_prefix {prefix:?}: {message}"
        );
        assert!(
            message.contains(reason),
            "path_prefix {prefix:?}: {message}"
        );
        assert!(
            message.ends_with("use an absolute path such as \"/api/v1/\""),
            "path_prefix {prefix:?}: {message}"
        );
    }
}

#[test]
fn duplicate_grant_names_are_rejected() {
    let text = "[[http]]\nname = \"api\"\nhost = \"a.example.com\"\n\n\
                [[http]]\nname = \"api\"\nhost = \"b.example.com\"\n";
    assert_eq!(
        error_text(text),
        "policies/risk.toml:6:8: grant name `api` is already used by the [[http]] grant \
         on line 1: give each grant a unique name"
    );
}

#[test]
fn explicit_name_may_clash_with_default_name() {
    let text = "[[http]]\nhost = \"a.example.com\"\n\n\
                [[http]]\nname = \"http[1]\"\nhost = \"b.example.com\"\n";
    let message = error_text(text);
    assert!(
        message.starts_with("policies/risk.toml:5:8: grant name `http[1]` is already used"),
        "{message}"
    );
}

#[test]
fn invalid_grant_names_are_rejected() {
    for name in ["", " scanner", "scanner ", "scan\\nner"] {
        let text = grant_policy(&format!("name = \"{name}\"\nhost = \"a.example.com\""));
        let message = error_text(&text);
        assert!(
            message.starts_with("policies/risk.toml:2:8: invalid grant name `"),
            "name {name:?}: {message}"
        );
    }
}

#[test]
fn empty_write_field_is_rejected() {
    let message = error_text("[ticket]\nwrite_fields = [\"Risk Score\", \" \"]\n");
    assert!(
        message.starts_with("policies/risk.toml:2:31: ticket.write_fields has an empty field name"),
        "{message}"
    );
}

#[test]
fn duplicate_write_fields_are_merged() {
    let policy = parse("[ticket]\nwrite_fields = [\"A\", \"B\", \"A\"]\n").expect("valid policy");
    assert_eq!(policy.ticket.write_fields, ["A", "B"]);
}

const SECRET_GRANT: &str = "[[http]]\nname = \"scanner\"\nhost = \"scanner.example.com\"\n\n";

fn secret_policy(body: &str) -> String {
    format!("{SECRET_GRANT}[[secret]]\n{body}\n")
}

#[test]
fn secret_file_is_resolved_against_policy_folder() {
    let text = secret_policy(
        "name = \"token\"\nfile = \"secrets/scanner.token\"\ngrant = \"scanner\"\nheader = \"X-Api-Key\"",
    );
    let policy = Policy::parse(Path::new("/etc/hook-runner/policies/risk.toml"), &text)
        .expect("valid policy");
    let secret = &policy.secrets[0];
    assert_eq!(
        secret.source,
        SecretSource::File("/etc/hook-runner/policies/secrets/scanner.token".into())
    );
    assert_eq!(secret.format, "{}", "default format");
    assert_eq!(secret.line, 5, "secret line");
}

#[test]
fn secret_errors_name_location() {
    let cases = [
        (
            "name = \"t\"\nenv = \"T\"\ngrant = \"scaner\"\nheader = \"Authorization\"",
            "8:9",
            "grant `scaner` names no [[http]] grant: use one of `scanner`",
        ),
        (
            "name = \"t\"\nenv = \"T\"\nfile = \"t.token\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "5:1",
            "sets both env and file",
        ),
        (
            "name = \"t\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "5:1",
            "secret `t` has no source",
        ),
        (
            "name = \"t\"\nenv = \"\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "7:7",
            "invalid env ``",
        ),
        (
            "name = \"t\"\nenv = \"A=B\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "7:7",
            "invalid env `A=B`",
        ),
        (
            "name = \"t\"\nfile = \"\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "7:8",
            "has an empty file",
        ),
        (
            "name = \"\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"Authorization\"",
            "6:8",
            "invalid secret name ``",
        ),
        (
            "name = \"t\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"Authorization\"\nformat = \"Bearer\"",
            "10:10",
            "invalid format `Bearer`: it must contain `{}` exactly once",
        ),
        (
            "name = \"t\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"Authorization\"\nformat = \"{} {}\"",
            "10:10",
            "it must contain `{}` exactly once",
        ),
        (
            "name = \"t\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"Authorization\"\nformat = \"Bearer {}\\r\\nX: y\"",
            "10:10",
            "it contains a control character",
        ),
        (
            "name = \"t\"\nenv = \"T\"\ngrant = \"scanner\"",
            "5:1",
            "missing field `header`",
        ),
    ];
    for (body, location, reason) in cases {
        let message = error_text(&secret_policy(body));
        assert!(
            message.starts_with(&format!("policies/risk.toml:{location}: ")),
            "{reason}: {message}"
        );
        assert!(message.contains(reason), "{reason}: {message}");
    }
}

#[test]
fn secret_without_any_grant_is_rejected() {
    let text = "[[secret]]\nname = \"t\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"X-Key\"\n";
    assert_eq!(
        error_text(text),
        "policies/risk.toml:4:9: grant `scanner` names no [[http]] grant, and the policy has \
         none: add an [[http]] grant with name = \"scanner\""
    );
}

#[test]
fn secret_can_name_default_grant_name() {
    let text = "[[http]]\nhost = \"a.example.com\"\n\n\
                [[secret]]\nname = \"t\"\nenv = \"T\"\ngrant = \"http[1]\"\nheader = \"X-Key\"\n";
    let policy = parse(text).expect("valid policy");
    assert_eq!(policy.secrets[0].grant_index, 0);
}

#[test]
fn invalid_headers_are_rejected() {
    let cases = [
        ("Host", "is set by the HTTP client"),
        ("host", "is set by the HTTP client"),
        ("Content-Length", "is set by the HTTP client"),
        ("TRANSFER-ENCODING", "is set by the HTTP client"),
        ("Connection", "is set by the HTTP client"),
        ("Upgrade", "is set by the HTTP client"),
        ("TE", "is set by the HTTP client"),
        ("", "invalid header ``"),
        ("X Api Key", "invalid header `X Api Key`"),
        ("X-Api-Key:", "invalid header `X-Api-Key:`"),
        (
            "Authorization\\r\\nX-Evil",
            "invalid header `Authorization\\r\\nX-Evil`",
        ),
        ("X-K\u{e9}y", "invalid header"),
    ];
    for (header, reason) in cases {
        let body = format!("name = \"t\"\nenv = \"T\"\ngrant = \"scanner\"\nheader = \"{header}\"");
        let message = error_text(&secret_policy(&body));
        assert!(
            message.starts_with("policies/risk.toml:9:10: "),
            "header {header:?}: {message}"
        );
        assert!(message.contains(reason), "header {header:?}: {message}");
        assert!(
            message.contains("\"Authorization\""),
            "header {header:?}: {message}"
        );
    }
}

#[test]
fn duplicate_secrets_are_rejected() {
    let first =
        "[[secret]]\nname = \"a\"\nenv = \"A\"\ngrant = \"scanner\"\nheader = \"X-Key\"\n\n";
    let same_name =
        "[[secret]]\nname = \"a\"\nenv = \"B\"\ngrant = \"scanner\"\nheader = \"X-Other\"\n";
    let message = error_text(&format!("{SECRET_GRANT}{first}{same_name}"));
    assert!(
        message.starts_with(
            "policies/risk.toml:12:8: secret name `a` is already used by the \
             [[secret]] on line 5"
        ),
        "{message}"
    );

    let same_header =
        "[[secret]]\nname = \"b\"\nenv = \"B\"\ngrant = \"scanner\"\nheader = \"x-key\"\n";
    let message = error_text(&format!("{SECRET_GRANT}{first}{same_header}"));
    assert!(
        message.starts_with(
            "policies/risk.toml:15:10: header `x-key` of grant `scanner` is \
             already set by secret `a` on line 5"
        ),
        "{message}"
    );
}

fn env_secret(var: &str) -> SecretGrant {
    SecretGrant {
        name: "token".into(),
        source: SecretSource::Env(var.into()),
        grant: "scanner".into(),
        grant_index: 0,
        header: "Authorization".into(),
        format: "Bearer {}".into(),
        line: 5,
    }
}

fn file_secret(path: &Path) -> SecretGrant {
    SecretGrant {
        source: SecretSource::File(path.to_path_buf()),
        ..env_secret("unused")
    }
}

#[test]
fn secret_reads_first_line_of_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("token");
    std::fs::write(&path, "s3cret-value\r\nsecond line\n").expect("write");
    let secret = file_secret(&path);
    assert_eq!(secret.read_value().as_deref(), Ok("s3cret-value"));
    assert_eq!(secret.header_value().as_deref(), Ok("Bearer s3cret-value"));
}

#[test]
fn secret_read_errors_hide_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("empty", "", "is empty"),
        ("blank-line", "\nhidden-value\n", "is empty"),
        (
            "control",
            "hidden-value\u{0}x\n",
            "contains a control character",
        ),
        (
            "escape",
            "hidden-value\u{1b}[0m\n",
            "contains a control character",
        ),
        (
            "carriage-return",
            "hidden-value\rX-Evil: 1\n",
            "contains a control character",
        ),
    ];
    for (name, content, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let error = file_secret(&path).read_value().expect_err(name);
        assert!(error.contains(reason), "{name}: {error}");
        assert!(error.contains("secret `token`"), "{name}: {error}");
        assert!(!error.contains("hidden-value"), "{name}: {error}");
    }
}

#[test]
fn secret_missing_file_is_reported() {
    let error = file_secret(Path::new("/nonexistent/token"))
        .read_value()
        .expect_err("missing file");
    assert!(
        error.starts_with("secret `token`: failed to read `/nonexistent/token`"),
        "{error}"
    );
}

#[test]
fn secret_missing_env_is_reported() {
    let error = env_secret("HOOK_RUNNER_POLICY_TEST_UNSET_VARIABLE")
        .read_value()
        .expect_err("unset variable");
    assert_eq!(
        error,
        "secret `token`: environment variable `HOOK_RUNNER_POLICY_TEST_UNSET_VARIABLE` \
         is not set or not UTF-8"
    );
}

#[test]
fn secret_debug_has_no_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("token");
    std::fs::write(&path, "hidden-value\n").expect("write");
    let secret = file_secret(&path);
    assert_eq!(secret.read_value().as_deref(), Ok("hidden-value"));
    let debug = format!("{secret:?}");
    assert!(!debug.contains("hidden-value"), "{debug}");
    assert!(debug.contains("Authorization"), "{debug}");
}

#[test]
fn limits_out_of_range_are_rejected() {
    let cases = [
        ("memory_mib", 0),
        ("memory_mib", 4097),
        ("wall_time_seconds", 0),
        ("wall_time_seconds", 3601),
        ("max_http_requests", 10_001),
        ("max_request_body_kib", 1_048_577),
        ("max_response_body_kib", 0),
        ("max_response_body_kib", 1_048_577),
        ("http_timeout_seconds", 0),
        ("http_timeout_seconds", 3601),
        ("max_outcome_kib", 0),
        ("max_outcome_kib", 65_537),
        ("max_log_kib", 65_537),
        ("max_output_kib", 65_537),
    ];
    for (key, value) in cases {
        let message = error_text(&format!("[limits]\n{key} = {value}\n"));
        let column = key.len() + 4;
        assert!(
            message.starts_with(&format!(
                "policies/risk.toml:2:{column}: limits.{key} `{value}` is out of range: \
                 use a whole number of "
            )),
            "{key} = {value}: {message}"
        );
        assert!(
            message.contains("(the default is "),
            "{key} = {value}: {message}"
        );
    }
}

#[test]
fn limits_at_bounds_are_accepted() {
    let text = format!(
        "[limits]\nmemory_mib = {MAX_MEMORY_MIB}\nwall_time_seconds = 1\n\
         max_http_requests = 0\nmax_request_body_kib = {MAX_MAX_REQUEST_BODY_KIB}\n\
         max_response_body_kib = 1\nhttp_timeout_seconds = {MAX_HTTP_TIMEOUT_SECONDS}\n\
         max_outcome_kib = 1\nmax_log_kib = {MAX_MAX_LOG_KIB}\nmax_output_kib = 0\n"
    );
    let limits = parse(&text).expect("valid policy").limits;
    assert_eq!(limits.memory_mib, MAX_MEMORY_MIB);
    assert_eq!(limits.wall_time_seconds, 1);
    assert_eq!(limits.max_http_requests, 0);
    assert_eq!(limits.max_request_body_kib, MAX_MAX_REQUEST_BODY_KIB);
    assert_eq!(limits.max_response_body_kib, 1);
    assert_eq!(limits.http_timeout_seconds, MAX_HTTP_TIMEOUT_SECONDS);
    assert_eq!(limits.max_outcome_kib, 1);
    assert_eq!(limits.max_log_kib, MAX_MAX_LOG_KIB);
    assert_eq!(limits.max_output_kib, 0);
}

#[test]
fn location_counts_characters() {
    let text = "[[http]]\n# caf\u{e9} \u{2014} note\nhost = \"*.*.example.com\"\n";
    let message = error_text(text);
    assert!(message.starts_with("policies/risk.toml:3:8: "), "{message}");

    let text = "[ticket]\nwrite_fields = [\"\u{e9}\", \" \"]\n";
    let message = error_text(text);
    assert!(
        message.starts_with("policies/risk.toml:2:22: "),
        "{message}"
    );

    let text = "[[http]]\nhost = \"a.example.com\"\nmethods = [\"GET\", \"*\"]\n";
    let message = error_text(text);
    assert!(
        message.starts_with("policies/risk.toml:3:19: "),
        "{message}"
    );
}

use std::path::Path;

use super::*;

const POLICY: &str = r#"[[http]]
name = "scanner"
host = "scanner.example.com"
path_prefix = "/api/v1/"
methods = ["GET", "POST"]

[[http]]
name = "wildcard"
host = "*.example.org"

[[http]]
name = "plain"
scheme = "http"
host = "plain.example.net"
ports = "8000-8100"

[[http]]
name = "loopback"
scheme = "http"
host = "127.0.0.1"
ports = 8080

[[http]]
name = "internal"
host = "10.1.0.0/16"

[[http]]
name = "ipv6"
host = "fd00::/16"
ports = 8443

[[http]]
name = "upload"
host = "upload.example.com"
methods = ["PUT"]

[[http]]
name = "readonly"
host = "upload.example.com"
path_prefix = "/status"
"#;

fn policy() -> Policy {
    Policy::parse(Path::new("policies/risk.toml"), POLICY).expect("valid policy")
}

fn check(method: &str, scheme: &str, authority: &str, path: &str) -> Result<Allowed, Denial> {
    check_request(&policy(), method, scheme, authority, path)
}

/// Returns the grant name a request matched, or the denial message.
fn outcome(method: &str, scheme: &str, authority: &str, path: &str) -> Result<String, String> {
    check(method, scheme, authority, path)
        .map(|allowed| allowed.grant_name)
        .map_err(|denial| denial.to_string())
}

fn expect_denial(method: &str, scheme: &str, authority: &str, path: &str) -> Denial {
    match check(method, scheme, authority, path) {
        Ok(allowed) => panic!(
            "{method} {scheme}://{authority}{path} was allowed by `{}`",
            allowed.grant_name
        ),
        Err(denial) => denial,
    }
}

#[test]
fn allowed_requests_match_grants() {
    let cases = [
        (
            "GET",
            "https",
            "scanner.example.com",
            "/api/v1/scan",
            "scanner",
        ),
        (
            "POST",
            "https",
            "scanner.example.com",
            "/api/v1/",
            "scanner",
        ),
        ("GET", "https", "scanner.example.com", "/api/v1", "scanner"),
        (
            "GET",
            "https",
            "scanner.example.com:443",
            "/api/v1/x",
            "scanner",
        ),
        (
            "GET",
            "HTTPS",
            "scanner.example.com",
            "/api/v1/x",
            "scanner",
        ),
        (
            "GET",
            "https",
            "SCANNER.Example.COM",
            "/api/v1/x",
            "scanner",
        ),
        (
            "GET",
            "https",
            "scanner.example.com.",
            "/api/v1/x",
            "scanner",
        ),
        (
            "GET",
            "https",
            "scanner.example.com.:443",
            "/api/v1/x",
            "scanner",
        ),
        (
            "GET",
            "https",
            "scanner.example.com",
            "/api/v1/x?q=1&r=%20",
            "scanner",
        ),
        (
            "GET",
            "https",
            "scanner.example.com",
            "/api/v1/a/../b",
            "scanner",
        ),
        (
            "GET",
            "https",
            "scanner.example.com",
            "/api/%76%31/x",
            "scanner",
        ),
        ("GET", "https", "a.example.org", "/", "wildcard"),
        ("GET", "https", "a.b.example.org", "/anything", "wildcard"),
        ("GET", "https", "A.EXAMPLE.ORG.", "", "wildcard"),
        ("GET", "http", "plain.example.net:8000", "/", "plain"),
        ("GET", "http", "plain.example.net:8100", "/", "plain"),
        ("GET", "http", "127.0.0.1:8080", "/health", "loopback"),
        ("GET", "https", "10.1.2.3", "/", "internal"),
        ("GET", "https", "10.1.255.255:443", "/", "internal"),
        ("GET", "https", "[fd00::1]:8443", "/", "ipv6"),
        ("GET", "https", "[FD00::1]:8443", "/", "ipv6"),
        ("PUT", "https", "upload.example.com", "/files/a", "upload"),
        (
            "GET",
            "https",
            "upload.example.com",
            "/status/x",
            "readonly",
        ),
    ];
    for (method, scheme, authority, path, grant) in cases {
        assert_eq!(
            outcome(method, scheme, authority, path).as_deref(),
            Ok(grant),
            "{method} {scheme}://{authority}{path}"
        );
    }
}

#[test]
fn allowed_carries_normalised_request() {
    let allowed = check(
        "GET",
        "HTTPS",
        "Scanner.Example.com.",
        "/api/v1/./a/%7euser/../b?x=%2F",
    )
    .expect("allowed");
    assert_eq!(allowed.grant_index, 0);
    assert_eq!(allowed.grant_name, "scanner");
    assert_eq!(allowed.grant_line, 1);
    assert_eq!(allowed.method, "GET");
    assert_eq!(allowed.scheme, Scheme::Https);
    assert_eq!(allowed.host, "scanner.example.com");
    assert_eq!(allowed.ip_literal, None);
    assert_eq!(allowed.port, 443);
    assert_eq!(allowed.path_with_query, "/api/v1/a/b?x=%2F");
    assert_eq!(allowed.authority(), "scanner.example.com:443");
    assert_eq!(
        allowed.url(),
        "https://scanner.example.com:443/api/v1/a/b?x=%2F"
    );

    let allowed = check("GET", "https", "[fd00::1]:8443", "").expect("allowed");
    assert_eq!(allowed.host, "fd00::1");
    assert_eq!(
        allowed.ip_literal,
        Some("fd00::1".parse().expect("address"))
    );
    assert_eq!(allowed.port, 8443);
    assert_eq!(allowed.path_with_query, "/");
    assert_eq!(allowed.authority(), "[fd00::1]:8443");

    let allowed = check("GET", "http", "127.0.0.1:8080", "/").expect("allowed");
    assert_eq!(
        allowed.ip_literal,
        Some("127.0.0.1".parse().expect("address"))
    );
    assert_eq!(allowed.authority(), "127.0.0.1:8080");
}

#[test]
fn host_tricks_are_denied() {
    let cases = [
        ("example.org", "no [[http]] grant"),
        ("example.org.", "no [[http]] grant"),
        ("example.org.evil.test", "no [[http]] grant"),
        ("evilexample.org", "no [[http]] grant"),
        ("a.example.org.evil.test", "no [[http]] grant"),
        ("scanner.example.com.evil.test", "no [[http]] grant"),
        ("xscanner.example.com", "no [[http]] grant"),
        ("a.scanner.example.com", "no [[http]] grant"),
        ("scanner.example.co", "no [[http]] grant"),
        ("scanner.example.com..", "empty label"),
        (".scanner.example.com", "empty label"),
        ("user@scanner.example.com", "userinfo"),
        ("user:pass@scanner.example.com", "userinfo"),
        ("scanner.example.com@evil.test", "userinfo"),
        ("evil.test@scanner.example.com", "userinfo"),
        ("@scanner.example.com", "userinfo"),
        ("scanner%2eexample.com", "contains `%`"),
        ("scanner.example.com%00", "contains `%`"),
        ("%73canner.example.com", "contains `%`"),
        ("[fe80::1%25eth0]", "contains `%`"),
        ("scanner.example.com ", "contains ` `"),
        ("scanner.example.com\t", "contains `\\t`"),
        ("scanner.example.com\r\nX: y", "contains `\\r`"),
        ("scanner.example.com/evil", "contains `/`"),
        ("scanner.example.com\\evil", "contains `\\\\`"),
        ("scanner.example.com?x", "contains `?`"),
        ("scanner.example.com#x", "contains `#`"),
        ("", "has no host"),
        (":443", "the host name is empty"),
        ("sc\u{430}nner.example.com", "not ASCII"),
        ("10.1.2.3.evil.test", "no [[http]] grant"),
        ("10.1.2.3.", "no-error"),
        ("10.1.2", "ends in a number"),
        ("167838211", "ends in a number"),
        ("0x0a010203", "ends in a number"),
        ("10.1.2.03", "ends in a number"),
        ("012.1.2.3", "ends in a number"),
        ("[10.1.2.3]", "not a valid IPv6 address"),
        ("[::ffff:10.1.2.3]", "no [[http]] grant"),
        ("fd00::1", "must be in brackets"),
        ("[fd00::1", "is not closed"),
        ("[fd00::1]8443", "followed by text"),
        ("127.0.0.1:8080:80", "must be in brackets"),
    ];
    for (authority, expected) in cases {
        let result = outcome("GET", "https", authority, "/");
        if expected == "no-error" {
            assert!(result.is_ok(), "{authority:?}: {result:?}");
            continue;
        }
        let message = result.expect_err(authority);
        assert!(message.contains(expected), "{authority:?}: {message}");
    }
}

#[test]
fn port_tricks_are_denied() {
    let cases = [
        ("scanner.example.com:", "invalid port ``"),
        ("scanner.example.com:0", "invalid port `0`"),
        ("scanner.example.com:65536", "invalid port `65536`"),
        (
            "scanner.example.com:99999999999",
            "invalid port `99999999999`",
        ),
        ("scanner.example.com:https", "invalid port `https`"),
        ("scanner.example.com:+443", "invalid port `+443`"),
        ("scanner.example.com:-1", "invalid port `-1`"),
        ("scanner.example.com:0x1bb", "invalid port `0x1bb`"),
        ("[fd00::1]:", "invalid port ``"),
        ("[fd00::1]:0", "invalid port `0`"),
    ];
    for (authority, expected) in cases {
        let message = outcome("GET", "https", authority, "/api/v1/").expect_err(authority);
        assert!(message.contains(expected), "{authority:?}: {message}");
        assert!(
            message.contains("use a number from 1 to 65535"),
            "{authority:?}: {message}"
        );
    }
}

#[test]
fn ports_are_checked_against_grant() {
    let cases = [
        ("scanner.example.com:8443", "https", false),
        ("scanner.example.com:00443", "https", true),
        ("plain.example.net", "http", false),
        ("plain.example.net:80", "http", false),
        ("plain.example.net:7999", "http", false),
        ("plain.example.net:8101", "http", false),
        ("plain.example.net:8050", "http", true),
        ("127.0.0.1", "http", false),
        ("127.0.0.1:8081", "http", false),
        ("[fd00::1]", "https", false),
    ];
    for (authority, scheme, allowed) in cases {
        let result = outcome("GET", scheme, authority, "/api/v1/");
        assert_eq!(result.is_ok(), allowed, "{authority}: {result:?}");
        if !allowed {
            let message = result.expect_err(authority);
            assert!(message.contains("allows ports `"), "{authority}: {message}");
        }
    }
}

#[test]
fn path_tricks_are_denied() {
    let cases = [
        (
            "/api/v1/../admin",
            "allows paths under `/api/v1/`, not `/api/admin`",
        ),
        ("/api/v1/../../admin", "not `/admin`"),
        ("/api/v1/%2e%2e/admin", "not `/api/admin`"),
        ("/api/v1/%2E%2e/%2e%2e/etc", "not `/etc`"),
        ("/api/v10/x", "not `/api/v10/x`"),
        ("/api/v1x", "not `/api/v1x`"),
        ("/api", "not `/api`"),
        ("/API/v1/x", "not `/API/v1/x`"),
        ("/", "not `/`"),
        ("/api/v1/../../..", "climb above `/`"),
        ("/..", "climb above `/`"),
        ("/api/v1/..%2F..%2Fadmin", "encoded `/`"),
        ("/api/v1/..%2f..%2fadmin", "encoded `/`"),
        ("/api/v1/..%5c..%5cadmin", "encoded `/`"),
        ("/api/v1/..\\..\\admin", "contains `\\`"),
        ("/api/v1/..;/admin", "with parameters"),
        ("/api/v1/.;/x", "with parameters"),
        ("/api/v1//../admin", "empty segment"),
        ("/api//v1/x", "empty segment"),
        ("//evil.test/api/v1/", "empty segment"),
        ("/api/v1/x%00", "encoded control character"),
        ("/api/v1/x%0d%0aX-Evil:%201", "encoded control character"),
        ("/api/v1/x%", "two hex digits"),
        ("/api/v1/x%zz", "two hex digits"),
        ("/api/v1/x y", "not percent-encoded"),
        ("/api/v1/x\r\nHost: evil.test", "not percent-encoded"),
        ("/api/v1/caf\u{e9}", "not percent-encoded"),
        ("/api/v1/x#frag", "fragment"),
        ("/api/v1/x?q=1#frag", "fragment"),
        ("/api/v1/x?q= 1", "not percent-encoded"),
        ("api/v1/x", "does not start with `/`"),
        ("*", "does not start with `/`"),
        (
            "https://scanner.example.com/api/v1/",
            "does not start with `/`",
        ),
    ];
    for (path, expected) in cases {
        let message = outcome("GET", "https", "scanner.example.com", path).expect_err(path);
        assert!(message.contains(expected), "{path:?}: {message}");
    }
}

#[test]
fn query_does_not_affect_path_match() {
    let cases = [
        ("/api/v1/x?next=/admin", true),
        ("/api/v1/x?../../admin", true),
        ("/admin?/api/v1/", false),
        ("/api/v1/x?", true),
    ];
    for (path, allowed) in cases {
        let result = outcome("GET", "https", "scanner.example.com", path);
        assert_eq!(result.is_ok(), allowed, "{path}: {result:?}");
    }
    let allowed = check("GET", "https", "scanner.example.com", "/api/v1/x?").expect("allowed");
    assert_eq!(allowed.path_with_query, "/api/v1/x?");
}

#[test]
fn methods_are_checked() {
    let cases = [
        ("GET", true),
        ("POST", true),
        ("DELETE", false),
        ("PUT", false),
        ("get", false),
        ("Post", false),
        ("PROPFIND", false),
    ];
    for (method, allowed) in cases {
        let result = outcome(method, "https", "scanner.example.com", "/api/v1/");
        assert_eq!(result.is_ok(), allowed, "{method}: {result:?}");
    }
}

#[test]
fn invalid_methods_are_denied() {
    for method in ["", "GET POST", "GET\r\nX-Evil: 1", "G\u{c9}T", "GET/1"] {
        let denial = expect_denial(method, "https", "scanner.example.com", "/api/v1/");
        assert_eq!(
            *denial.reason,
            DenialReason::Malformed(MalformedRequest::InvalidMethod),
            "{method:?}"
        );
        assert!(
            !denial.to_string().contains('\n') && !denial.to_string().contains('\r'),
            "{method:?}: {denial}"
        );
    }
}

#[test]
fn schemes_are_checked() {
    let cases = [
        (
            "ftp",
            "scheme `ftp` is not supported; use `http` or `https`",
        ),
        ("", "scheme `` is not supported"),
        ("wss", "scheme `wss` is not supported"),
        ("http", "allows only `https`, not `http`"),
    ];
    for (scheme, expected) in cases {
        let message = outcome("GET", scheme, "scanner.example.com", "/api/v1/").expect_err(scheme);
        assert!(message.contains(expected), "{scheme:?}: {message}");
    }
    let message = outcome("GET", "https", "plain.example.net:8000", "/").expect_err("https");
    assert!(
        message.contains("allows only `http`, not `https`"),
        "{message}"
    );
}

#[test]
fn no_grant_message_suggests_grant() {
    let cases = [
        (
            "GET",
            "https",
            "evil.test",
            "/x",
            "denied GET https://evil.test/x: no [[http]] grant in `policies/risk.toml` \
             matches host `evil.test`; to allow it add a [[http]] table with the keys \
             host = \"evil.test\", methods = [\"GET\"], each on its own line",
        ),
        (
            "POST",
            "http",
            "Evil.Test:8080",
            "/x",
            "denied POST http://Evil.Test:8080/x: no [[http]] grant in `policies/risk.toml` \
             matches host `evil.test`; to allow it add a [[http]] table with the keys \
             host = \"evil.test\", scheme = \"http\", ports = 8080, methods = [\"POST\"], each on \
             its own line",
        ),
        (
            "GET",
            "https",
            "[2001:db8::1]",
            "/",
            "denied GET https://[2001:db8::1]/: no [[http]] grant in `policies/risk.toml` \
             matches host `2001:db8::1`; to allow it add a [[http]] table with the keys \
             host = \"2001:db8::1\", methods = [\"GET\"], each on its own line",
        ),
    ];
    for (method, scheme, authority, path, expected) in cases {
        let denial = expect_denial(method, scheme, authority, path);
        assert_eq!(denial.to_string(), expected, "{authority}");
        assert!(
            matches!(*denial.reason, DenialReason::NoGrant { .. }),
            "{authority}: {:?}",
            denial.reason
        );
    }
}

#[test]
fn deny_all_policy_denies_everything() {
    let denial = check_request(&Policy::deny_all(), "GET", "https", "api.example.com", "/")
        .expect_err("no policy file");
    assert_eq!(
        denial.to_string(),
        "denied GET https://api.example.com/: the hook has no policy file, so no grant \
         matches host `api.example.com`; to allow it give the hook a policy file with a \
         [[http]] table with the keys host = \"api.example.com\", methods = [\"GET\"], each on \
         its own line"
    );
}

#[test]
fn mismatch_messages_name_grant_and_line() {
    let cases = [
        (
            "DELETE",
            "https",
            "scanner.example.com",
            "/api/v1/x",
            "denied DELETE https://scanner.example.com/api/v1/x: grant `scanner` at \
             `policies/risk.toml:1` allows methods `GET`, `POST`, not `DELETE`; \
             to allow it add \"DELETE\" to its methods",
        ),
        (
            "get",
            "https",
            "scanner.example.com",
            "/api/v1/x",
            "denied get https://scanner.example.com/api/v1/x: grant `scanner` at \
             `policies/risk.toml:1` allows methods `GET`, `POST`, not `get`; \
             HTTP methods are case-sensitive, so send `GET`",
        ),
        (
            "GET",
            "https",
            "scanner.example.com",
            "/admin",
            "denied GET https://scanner.example.com/admin: grant `scanner` at \
             `policies/risk.toml:1` allows paths under `/api/v1/`, not `/admin`; \
             to allow it set path_prefix = \"/admin\" in that grant or add another",
        ),
        (
            "GET",
            "https",
            "scanner.example.com:8443",
            "/api/v1/",
            "denied GET https://scanner.example.com:8443/api/v1/: grant `scanner` at \
             `policies/risk.toml:1` allows ports `443`, not `8443`; \
             to allow it set ports = 8443 in that grant or add another",
        ),
        (
            "GET",
            "http",
            "scanner.example.com",
            "/api/v1/",
            "denied GET http://scanner.example.com/api/v1/: grant `scanner` at \
             `policies/risk.toml:1` allows only `https`, not `http`; to allow it add a \
             [[http]] grant for this host with scheme = \"http\"",
        ),
    ];
    for (method, scheme, authority, path, expected) in cases {
        let denial = expect_denial(method, scheme, authority, path);
        assert_eq!(denial.to_string(), expected, "{method} {path}");
    }
}

#[test]
fn closest_grant_is_reported() {
    // `upload` (PUT anywhere) and `readonly` (GET under /status) both fail
    // a DELETE at the method check, so the earlier grant is named.
    let denial = expect_denial("DELETE", "https", "upload.example.com", "/status/x");
    let DenialReason::Method { grant, .. } = &*denial.reason else {
        panic!("expected a method denial: {denial}");
    };
    assert_eq!(grant.name, "upload");
    assert_eq!(grant.line, 32);

    // `readonly` fails a GET outside /status at the path check, and `upload`
    // gets further, to the method check, so `upload` is named.
    let denial = expect_denial("GET", "https", "upload.example.com", "/files/x");
    let DenialReason::Method { grant, .. } = &*denial.reason else {
        panic!("expected a method denial: {denial}");
    };
    assert_eq!(grant.name, "upload");
}

#[test]
fn empty_methods_grant_nothing() {
    let text = "[[http]]\nname = \"none\"\nhost = \"api.example.com\"\nmethods = []\n";
    let policy = Policy::parse(Path::new("p.toml"), text).expect("valid policy");
    for method in ["GET", "HEAD", "POST", "OPTIONS"] {
        let denial =
            check_request(&policy, method, "https", "api.example.com", "/").expect_err(method);
        assert!(
            denial
                .to_string()
                .contains("grant `none` at `p.toml:1` allows no methods (methods = [])"),
            "{method}: {denial}"
        );
    }
}

#[test]
fn denial_url_hides_userinfo() {
    let cases = [
        "user:hunter2@scanner.example.com",
        "hunter2@scanner.example.com",
        "a:b@c:hunter2@scanner.example.com",
    ];
    for authority in cases {
        let denial = expect_denial("GET", "https", authority, "/api/v1/");
        assert_eq!(
            denial.url, "https://scanner.example.com/api/v1/",
            "{authority}"
        );
        assert!(
            !denial.to_string().contains("hunter2"),
            "{authority}: {denial}"
        );
        assert_eq!(
            *denial.reason,
            DenialReason::Malformed(MalformedRequest::Userinfo),
            "{authority}"
        );
    }
}

#[test]
fn denial_escapes_and_cuts_text() {
    let denial = expect_denial("GET", "https", "evil.test", "/x\u{1b}[31m");
    assert!(denial.url.contains("\\u{1b}"), "{}", denial.url);
    assert!(!denial.to_string().contains('\u{1b}'), "{denial}");

    let long = format!("/{}", "a".repeat(5000));
    let denial = expect_denial("GET", "https", "evil.test", &long);
    assert!(denial.url.len() < 400, "url of {} bytes", denial.url.len());
    assert!(denial.url.ends_with("..."), "{}", denial.url);

    let denial = expect_denial("GET", "https", "sc\u{430}nner.example.com", "/");
    assert!(denial.url.contains("sc\\u{430}nner"), "{}", denial.url);
}

#[test]
fn resolved_addresses_are_checked() {
    let policy = policy();
    let named = check_request(&policy, "GET", "https", "scanner.example.com", "/api/v1/x")
        .expect("allowed");
    let cases = [
        ("93.184.216.34", true),
        ("127.0.0.1", false),
        ("10.1.2.3", false),
        ("169.254.169.254", false),
        ("::ffff:127.0.0.1", false),
        ("::1", false),
        ("fd00::1", false),
    ];
    for (text, allowed) in cases {
        let address: IpAddr = text.parse().expect("address");
        let result = named.check_address(&policy, address);
        assert_eq!(result.is_ok(), allowed, "{text}: {result:?}");
    }

    let internal = check_request(&policy, "GET", "https", "10.1.2.3", "/").expect("allowed");
    let address: IpAddr = "10.1.2.3".parse().expect("address");
    assert_eq!(internal.check_address(&policy, address), Ok(()));
    let other: IpAddr = "10.9.9.9".parse().expect("address");
    assert!(
        internal.check_address(&policy, other).is_err(),
        "address outside the granted network"
    );
}

#[test]
fn blocked_address_message_names_everything() {
    let policy = policy();
    let allowed = check_request(&policy, "GET", "https", "a.example.org", "/x").expect("allowed");
    let address: IpAddr = "127.0.0.1".parse().expect("address");
    let denial = allowed
        .check_address(&policy, address)
        .expect_err("loopback");
    assert_eq!(
        denial.to_string(),
        "denied GET https://a.example.org:443/x: host `a.example.org` resolved to 127.0.0.1, \
         a loopback address; a host name never reaches such an address, so request the address itself under a grant with host = \"127.0.0.1\" \
         (the request matched grant `wildcard` at `policies/risk.toml:7`)"
    );
}

//! Checks on the outgoing HTTP requests of a hook.
//!
//! [`check_request`] takes the parts of a request as wasi:http gives them,
//! normalises them, rejects forms that could make a grant cover more than it
//! names, and finds a grant that allows the request. After the host is
//! resolved, [`Allowed::check_address`] checks every address before the
//! runner connects. Redirects are not followed here; the caller checks each
//! new request.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::Policy;
use super::address::{BlockedAddress, check_address};
use super::grant::{HttpGrant, PortRange, Scheme, is_token, parse_port};
use super::host::{Host, parse_name};
use super::path::{PathError, check_query, normalise_path};

/// Characters of a URL or method shown in a denial; the rest is cut.
const MAX_SHOWN_CHARS: usize = 300;

/// A request that a grant allows, with its normalised parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// Index of the grant in [`Policy::http`].
    pub grant_index: usize,
    /// Name of the grant.
    pub grant_name: String,
    /// Line of the grant in the policy file.
    pub grant_line: usize,
    /// The method, as sent.
    pub method: String,
    /// The scheme.
    pub scheme: Scheme,
    /// The host in lower case without a trailing dot; an IPv6 address
    /// without brackets.
    pub host: String,
    /// The address when the host is an IP literal, which needs no DNS
    /// lookup.
    pub ip_literal: Option<IpAddr>,
    /// The port, the scheme's default when the authority has none.
    pub port: u16,
    /// The normalised path with the query unchanged. Send this, so the
    /// server gets the path that was checked.
    pub path_with_query: String,
}

/// A request that no grant allows. Its message names the request, the
/// reason, and the policy change that would allow it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("denied {method} {url}: {reason}")]
pub struct Denial {
    /// The method, with control characters escaped and cut to a length
    /// fit for a log line.
    pub method: String,
    /// The URL without userinfo, escaped and cut like the method.
    pub url: String,
    /// The reason for the denial, boxed to keep `Result<_, Denial>` small.
    pub reason: Box<DenialReason>,
}

/// The reason a request was denied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenialReason {
    /// The request is malformed or uses a form that is never allowed.
    Malformed(MalformedRequest),
    /// No grant names the host.
    NoGrant {
        /// The policy file, or `None` for a hook without one.
        policy: Option<PathBuf>,
        /// The normalised host.
        host: String,
        /// A grant that would allow the request, in TOML.
        suggestion: String,
    },
    /// The grants for the host allow the other scheme.
    Scheme {
        /// The closest grant.
        grant: GrantRef,
        /// The scheme it allows.
        allowed: Scheme,
        /// The scheme of the request.
        requested: Scheme,
    },
    /// The grants for the host allow other ports.
    Port {
        /// The closest grant.
        grant: GrantRef,
        /// The ports it allows.
        allowed: PortRange,
        /// The port of the request.
        requested: u16,
    },
    /// The grants for the host allow other paths.
    Path {
        /// The closest grant.
        grant: GrantRef,
        /// Its path prefix.
        allowed: String,
        /// The normalised path of the request.
        requested: String,
    },
    /// The grants for the host allow other methods.
    Method {
        /// The closest grant.
        grant: GrantRef,
        /// The methods it allows.
        allowed: Vec<String>,
        /// The method of the request.
        requested: String,
    },
    /// The host resolved to an address that the grant does not allow.
    Address {
        /// The grant that allowed the request.
        grant: GrantRef,
        /// The host that was resolved.
        host: String,
        /// The reason the address was blocked.
        blocked: BlockedAddress,
    },
}

/// A request that is rejected before any grant is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MalformedRequest {
    /// The method is not an HTTP token.
    InvalidMethod,
    /// The scheme is neither `http` nor `https`.
    UnsupportedScheme(String),
    /// The authority is empty.
    EmptyHost,
    /// The authority contains userinfo (`user@host`).
    Userinfo,
    /// The host contains `%`.
    PercentInHost,
    /// The authority contains whitespace, a control character, `/`, `\`,
    /// `?` or `#`.
    HostCharacter(char),
    /// The host is not a valid name or address.
    InvalidHost {
        /// The host, escaped.
        host: String,
        /// The reason it is invalid.
        reason: String,
    },
    /// The port is empty, not a number or not from 1 to 65535.
    InvalidPort(String),
    /// The path or query is malformed or climbs above `/`.
    InvalidPath(PathError),
}

/// The grant a denial refers to, so that the admin can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRef {
    /// The grant's name.
    pub name: String,
    /// The policy file, or `None` for a hook without one.
    pub policy: Option<PathBuf>,
    /// Line of the grant in the policy file.
    pub line: usize,
}

/// Checks a request against the `[[http]]` grants of `policy`. The inputs
/// are as wasi:http gives them: `authority` is `host[:port]`, and an empty
/// `path_with_query` stands for `/`. Returns the first grant that allows the
/// request, or a denial that explains the closest miss.
pub fn check_request(
    policy: &Policy,
    method: &str,
    scheme: &str,
    authority: &str,
    path_with_query: &str,
) -> Result<Allowed, Denial> {
    let path_with_query = if path_with_query.is_empty() {
        "/"
    } else {
        path_with_query
    };
    let deny = |reason: Box<DenialReason>| Denial {
        method: shown(method),
        url: shown(&format!(
            "{scheme}://{}{path_with_query}",
            without_userinfo(authority)
        )),
        reason,
    };
    let malformed = |problem: MalformedRequest| deny(Box::new(DenialReason::Malformed(problem)));

    if !is_token(method) {
        return Err(malformed(MalformedRequest::InvalidMethod));
    }
    let scheme = Scheme::parse(scheme)
        .ok_or_else(|| malformed(MalformedRequest::UnsupportedScheme(shown(scheme))))?;
    let (host, port) = parse_authority(authority).map_err(malformed)?;
    let port = port.unwrap_or(scheme.default_port());
    let (path, query) = match path_with_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_with_query, None),
    };
    let path = normalise_path(path)
        .and_then(|path| query.map_or(Ok(()), check_query).map(|()| path))
        .map_err(|error| malformed(MalformedRequest::InvalidPath(error)))?;

    let request = Request {
        method,
        scheme,
        host: &host,
        port,
        path: &path,
    };
    let closest = find_grant(policy, &request).map_err(deny)?;
    let grant = &policy.http[closest];

    let mut normalised = path;
    if let Some(query) = query {
        normalised.push('?');
        normalised.push_str(query);
    }
    Ok(Allowed {
        grant_index: closest,
        grant_name: grant.name.clone(),
        grant_line: grant.line,
        method: method.to_string(),
        scheme,
        host: host.to_string(),
        ip_literal: match host {
            Host::Ip(address) => Some(address),
            Host::Name(_) => None,
        },
        port,
        path_with_query: normalised,
    })
}

/// The normalised parts of a request that grants are matched against.
struct Request<'a> {
    method: &'a str,
    scheme: Scheme,
    host: &'a Host,
    port: u16,
    path: &'a str,
}

/// The first check a grant for the right host fails, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Miss {
    Scheme,
    Port,
    Path,
    Method,
}

/// Returns the index of the first grant that allows the request, or the
/// reason to deny it: no grant for the host, or the grant that came
/// closest (the earliest grant among those that failed the latest check).
fn find_grant(policy: &Policy, request: &Request<'_>) -> Result<usize, Box<DenialReason>> {
    let mut closest: Option<(Miss, usize)> = None;
    for (index, grant) in policy.http.iter().enumerate() {
        if !grant.host.matches(request.host) {
            continue;
        }
        let Some(miss) = first_miss(grant, request) else {
            return Ok(index);
        };
        if closest.is_none_or(|(best, _)| miss > best) {
            closest = Some((miss, index));
        }
    }

    let Some((miss, index)) = closest else {
        return Err(Box::new(DenialReason::NoGrant {
            policy: policy.path.clone(),
            host: request.host.to_string(),
            suggestion: suggest_grant(request),
        }));
    };
    let grant = &policy.http[index];
    let grant_ref = GrantRef::new(policy.path.as_deref(), grant);
    Err(Box::new(match miss {
        Miss::Scheme => DenialReason::Scheme {
            grant: grant_ref,
            allowed: grant.scheme,
            requested: request.scheme,
        },
        Miss::Port => DenialReason::Port {
            grant: grant_ref,
            allowed: grant.ports,
            requested: request.port,
        },
        Miss::Path => DenialReason::Path {
            grant: grant_ref,
            allowed: grant.path_prefix.clone(),
            requested: request.path.to_string(),
        },
        Miss::Method => DenialReason::Method {
            grant: grant_ref,
            allowed: grant.methods.clone(),
            requested: request.method.to_string(),
        },
    }))
}

fn first_miss(grant: &HttpGrant, request: &Request<'_>) -> Option<Miss> {
    if grant.scheme != request.scheme {
        Some(Miss::Scheme)
    } else if !grant.ports.contains(request.port) {
        Some(Miss::Port)
    } else if !grant.allows_path(request.path) {
        Some(Miss::Path)
    } else if !grant.allows_method(request.method) {
        Some(Miss::Method)
    } else {
        None
    }
}

/// Describes the smallest `[[http]]` table that would allow the request.
/// A table takes one key per line, which a one-line message cannot show,
/// so the keys are listed with commas.
fn suggest_grant(request: &Request<'_>) -> String {
    let mut keys = vec![format!("host = \"{}\"", request.host)];
    if request.scheme != Scheme::Https {
        keys.push(format!("scheme = \"{}\"", request.scheme));
    }
    if request.port != request.scheme.default_port() {
        keys.push(format!("ports = {}", request.port));
    }
    keys.push(format!("methods = [\"{}\"]", request.method));
    format!(
        "a [[http]] table with the keys {}, each on its own line",
        keys.join(", ")
    )
}

/// Splits `host[:port]` and normalises the host. The port is `None` when
/// the authority has none.
fn parse_authority(authority: &str) -> Result<(Host, Option<u16>), MalformedRequest> {
    if authority.is_empty() {
        return Err(MalformedRequest::EmptyHost);
    }
    if authority.contains('@') {
        return Err(MalformedRequest::Userinfo);
    }
    if authority.contains('%') {
        return Err(MalformedRequest::PercentInHost);
    }
    let is_forbidden =
        |c: char| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\' | '?' | '#');
    if let Some(c) = authority.chars().find(|c| is_forbidden(*c)) {
        return Err(MalformedRequest::HostCharacter(c));
    }

    let invalid_host = |host: &str, reason: &str| MalformedRequest::InvalidHost {
        host: shown(host),
        reason: reason.to_string(),
    };
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (inner, rest) = bracketed
            .split_once(']')
            .ok_or_else(|| invalid_host(authority, "the `[` of an IPv6 address is not closed"))?;
        let address = inner
            .parse()
            .map_err(|_| invalid_host(inner, "it is not a valid IPv6 address"))?;
        let port = match rest {
            "" => None,
            _ => Some(rest.strip_prefix(':').ok_or_else(|| {
                invalid_host(authority, "an IPv6 address in brackets is followed by text")
            })?),
        };
        (Host::Ip(IpAddr::V6(address)), port)
    } else {
        let (name, port) = match authority.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        };
        if port.is_some_and(|port| port.contains(':')) {
            return Err(invalid_host(
                authority,
                "an IPv6 address must be in brackets, such as `[2001:db8::1]:443`",
            ));
        }
        let host = parse_name(name).map_err(|reason| invalid_host(name, &reason))?;
        (host, port)
    };

    let port = port
        .map(|port| parse_port(port).map_err(|_| MalformedRequest::InvalidPort(shown(port))))
        .transpose()?;
    Ok((host, port))
}

/// Drops everything up to the last `@`, so that no credentials reach a
/// message.
fn without_userinfo(authority: &str) -> &str {
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// Escapes control and non-ASCII characters, so that a hook cannot forge
/// log lines or hide a look-alike host, and cuts the text to
/// [`MAX_SHOWN_CHARS`].
fn shown(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX_SHOWN_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out
}

impl Allowed {
    /// Returns `host:port` as it goes on the wire, with an IPv6 address in
    /// brackets.
    pub fn authority(&self) -> String {
        match self.ip_literal {
            Some(IpAddr::V6(_)) => format!("[{}]:{}", self.host, self.port),
            _ => format!("{}:{}", self.host, self.port),
        }
    }

    /// Returns the normalised URL.
    pub fn url(&self) -> String {
        format!(
            "{}://{}{}",
            self.scheme,
            self.authority(),
            self.path_with_query
        )
    }

    /// Checks one address the host resolved to, and also the address of an
    /// IP literal. `policy` must be the one that allowed the request.
    pub fn check_address(&self, policy: &Policy, address: IpAddr) -> Result<(), Denial> {
        let grant = policy.http.get(self.grant_index).ok_or_else(|| Denial {
            method: shown(&self.method),
            url: shown(&self.url()),
            reason: Box::new(DenialReason::NoGrant {
                policy: policy.path.clone(),
                host: self.host.clone(),
                suggestion: format!("[[http]] host = \"{}\"", self.host),
            }),
        })?;
        check_address(grant, address).map_err(|blocked| Denial {
            method: shown(&self.method),
            url: shown(&self.url()),
            reason: Box::new(DenialReason::Address {
                grant: GrantRef::new(policy.path.as_deref(), grant),
                host: self.host.clone(),
                blocked,
            }),
        })
    }
}

impl GrantRef {
    fn new(policy: Option<&Path>, grant: &HttpGrant) -> GrantRef {
        GrantRef {
            name: grant.name.clone(),
            policy: policy.map(Path::to_path_buf),
            line: grant.line,
        }
    }
}

impl fmt::Display for GrantRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.policy {
            Some(path) => write!(
                f,
                "grant `{}` at `{}:{}`",
                self.name,
                path.display(),
                self.line
            ),
            None => write!(f, "grant `{}` at line {}", self.name, self.line),
        }
    }
}

impl fmt::Display for DenialReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenialReason::Malformed(problem) => write!(f, "{problem}"),
            DenialReason::NoGrant {
                policy: Some(path),
                host,
                suggestion,
            } => write!(
                f,
                "no [[http]] grant in `{}` matches host `{host}`; to allow it add {suggestion}",
                path.display()
            ),
            DenialReason::NoGrant {
                policy: None,
                host,
                suggestion,
            } => write!(
                f,
                "the hook has no policy file, so no grant matches host `{host}`; \
                 to allow it give the hook a policy file with {suggestion}"
            ),
            DenialReason::Scheme {
                grant,
                allowed,
                requested,
            } => write!(
                f,
                "{grant} allows only `{allowed}`, not `{requested}`; to allow it add a \
                 [[http]] grant for this host with scheme = \"{requested}\""
            ),
            DenialReason::Port {
                grant,
                allowed,
                requested,
            } => write!(
                f,
                "{grant} allows ports `{allowed}`, not `{requested}`; to allow it set \
                 ports = {requested} in that grant or add another"
            ),
            DenialReason::Path {
                grant,
                allowed,
                requested,
            } => write!(
                f,
                "{grant} allows paths under `{allowed}`, not `{requested}`; to allow it \
                 set path_prefix = \"{requested}\" in that grant or add another"
            ),
            DenialReason::Method {
                grant,
                allowed,
                requested,
            } => write_method_denial(f, grant, allowed, requested),
            DenialReason::Address {
                grant,
                host,
                blocked,
            } => write!(f, "host `{host}` {blocked} (the request matched {grant})"),
        }
    }
}

fn write_method_denial(
    f: &mut fmt::Formatter<'_>,
    grant: &GrantRef,
    allowed: &[String],
    requested: &str,
) -> fmt::Result {
    if allowed.is_empty() {
        write!(f, "{grant} allows no methods (methods = [])")?;
    } else {
        let list: Vec<String> = allowed.iter().map(|method| format!("`{method}`")).collect();
        write!(f, "{grant} allows methods {}", list.join(", "))?;
    }
    write!(f, ", not `{requested}`")?;

    let upper = requested.to_ascii_uppercase();
    if upper != requested && allowed.contains(&upper) {
        write!(f, "; HTTP methods are case-sensitive, so send `{upper}`")
    } else {
        write!(f, "; to allow it add \"{upper}\" to its methods")
    }
}

impl fmt::Display for MalformedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedRequest::InvalidMethod => {
                f.write_str("the method is not a valid HTTP method name")
            }
            MalformedRequest::UnsupportedScheme(scheme) => {
                write!(
                    f,
                    "scheme `{scheme}` is not supported; use `http` or `https`"
                )
            }
            MalformedRequest::EmptyHost => f.write_str("the request has no host"),
            MalformedRequest::Userinfo => f.write_str(
                "the URL contains userinfo (`user@`), which is never allowed; \
                 give credentials to the runner in a [[secret]] instead",
            ),
            MalformedRequest::PercentInHost => {
                f.write_str("the host contains `%`, and percent-encoded hosts are never allowed")
            }
            MalformedRequest::HostCharacter(c) => write!(
                f,
                "the host contains `{}`, which is not allowed in a host",
                c.escape_default()
            ),
            MalformedRequest::InvalidHost { host, reason } => {
                write!(f, "invalid host `{host}`: {reason}")
            }
            MalformedRequest::InvalidPort(port) => {
                write!(f, "invalid port `{port}`: use a number from 1 to 65535")
            }
            MalformedRequest::InvalidPath(error) => write!(f, "invalid path: {error}"),
        }
    }
}

#[cfg(test)]
mod tests;

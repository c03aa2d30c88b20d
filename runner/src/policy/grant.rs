//! `[[http]]` grants: which requests a hook may send.

use std::fmt;

use super::host::HostPattern;
use super::path::{PathError, is_under, normalise_path};

/// A URL scheme that hooks may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP, port 80 by default.
    Http,
    /// HTTP over TLS, port 443 by default.
    Https,
}

/// An inclusive range of TCP ports; a single port has `start == end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// First port, at least 1.
    pub start: u16,
    /// Last port, at least `start`.
    pub end: u16,
}

/// One `[[http]]` table: requests to one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpGrant {
    /// The `name` key, or `http[N]` for the Nth grant (from 1) without one.
    pub name: String,
    /// The only scheme the grant allows.
    pub scheme: Scheme,
    /// The hosts the grant allows.
    pub host: HostPattern,
    /// The ports the grant allows.
    pub ports: PortRange,
    /// The normalised path that request paths must lie under, segment by
    /// segment; `/` allows every path.
    pub path_prefix: String,
    /// Allowed methods in upper case, compared exactly; empty allows none.
    pub methods: Vec<String>,
    /// Line of the `[[http]]` header in the policy file.
    pub line: usize,
}

impl Scheme {
    /// Parses `http` or `https` in any case.
    pub fn parse(text: &str) -> Option<Scheme> {
        if text.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else if text.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else {
            None
        }
    }

    /// Returns the scheme in lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// Returns the port a URL without one uses: 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PortRange {
    /// Returns the range that holds only `port`.
    pub fn single(port: u16) -> PortRange {
        PortRange {
            start: port,
            end: port,
        }
    }

    /// Parses `443` or `8000-8100`. The error is the reason, without the
    /// value.
    pub fn parse(text: &str) -> Result<PortRange, String> {
        let (start, end) = text.split_once('-').unwrap_or((text, text));
        let start = parse_port(start)?;
        let end = parse_port(end)?;
        if start > end {
            return Err(format!("the range starts at {start}, after its end {end}"));
        }
        Ok(PortRange { start, end })
    }

    /// Returns whether `port` is in the range.
    pub fn contains(&self, port: u16) -> bool {
        (self.start..=self.end).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// Parses a port from 1 to 65535 written in decimal digits only.
pub(crate) fn parse_port(text: &str) -> Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("`{text}` is not a port number"));
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("port `{text}` is not from 1 to 65535")),
        Ok(port) => Ok(port),
    }
}

/// Normalises a grant's `path_prefix`. The error is the reason, without the
/// value.
pub(crate) fn parse_path_prefix(text: &str) -> Result<String, PathError> {
    if text.contains('?') {
        return Err(PathError::Query);
    }
    normalise_path(text)
}

/// Returns whether `method` is an HTTP token (RFC 9110, section 5.6.2).
pub(crate) fn is_token(method: &str) -> bool {
    let token_char = |byte: u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte);
    !method.is_empty() && method.bytes().all(token_char)
}

impl HttpGrant {
    /// Returns whether the grant allows `method`, compared exactly, as HTTP methods
    /// are case-sensitive.
    pub fn allows_method(&self, method: &str) -> bool {
        self.methods.iter().any(|granted| granted == method)
    }

    /// Returns whether the grant allows a normalised path (without query).
    pub fn allows_path(&self, path: &str) -> bool {
        is_under(path, &self.path_prefix)
    }
}

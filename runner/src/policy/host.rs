//! Host names, and the `host` patterns of `[[http]]` grants.
//!
//! Grants and requests share one normalisation: one trailing dot is removed,
//! ASCII case is folded, and an IPv4 address in dotted-decimal form becomes
//! an address. Names that resolvers could read as a number in another form
//! (`127.1`, `0x7f000001`) are rejected, so a name never matches a grant
//! while it connects to an address that the grant does not name.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Shortest IPv4 CIDR prefix a grant may use; `0.0.0.0/0` or a `/4` would
/// open loopback, private and metadata addresses along with everything else.
pub const MIN_IPV4_PREFIX: u8 = 8;

/// Shortest IPv6 CIDR prefix a grant may use.
pub const MIN_IPV6_PREFIX: u8 = 16;

/// The `host` of an `[[http]]` grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// One host name, lower-case and without a trailing dot.
    Exact(String),
    /// `*.example.com`: a name with one or more labels in front of the
    /// suffix, never the suffix itself. The value is the suffix (`example.com`).
    Wildcard(String),
    /// One address; requests must use it as their host.
    Ip(IpAddr),
    /// A network; requests must use an address inside it as their host.
    Cidr(IpNet),
}

/// The host of a request after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// A DNS name, lower-case and without a trailing dot.
    Name(String),
    /// An address literal.
    Ip(IpAddr),
}

impl HostPattern {
    /// Parses a grant's `host` value. The error is the reason it was
    /// rejected, without the value.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        if text.is_empty() {
            return Err("the host is empty".to_string());
        }
        reject_host_characters(text)?;

        if let Ok(network) = text.parse::<IpNet>() {
            return parse_cidr(network);
        }
        if let Some((address, _)) = text.split_once('/')
            && address.parse::<IpAddr>().is_ok()
        {
            return Err("the prefix length is not valid for this address; \
                 write a network such as `10.0.0.0/8` or `fd00::/16`"
                .to_string());
        }
        if text.contains("://") {
            return Err("it is a URL, but only the host belongs here".to_string());
        }
        if text.contains('/') {
            return Err("it contains a path; set `path_prefix` instead".to_string());
        }
        if let Some(inner) = text.strip_prefix('[') {
            return match inner.strip_suffix(']').map(str::parse::<Ipv6Addr>) {
                Some(Ok(address)) => Ok(HostPattern::Ip(IpAddr::V6(address))),
                _ if inner.contains("]:") => Err(port_in_host()),
                _ => Err("it is not a valid IPv6 address".to_string()),
            };
        }
        if let Ok(address) = text.parse::<IpAddr>() {
            return Ok(HostPattern::Ip(address));
        }
        if text.contains(':') {
            return Err(port_in_host());
        }
        if let Some(suffix) = text.strip_prefix("*.") {
            return parse_wildcard(suffix);
        }
        if text.contains('*') {
            return Err("a wildcard must be a single leading `*.`".to_string());
        }

        Ok(match parse_name(text)? {
            Host::Name(name) => HostPattern::Exact(name),
            Host::Ip(address) => HostPattern::Ip(address),
        })
    }

    /// Returns whether the pattern is an address or a network, so that requests
    /// must use an address literal and may reach special-purpose addresses
    /// inside it.
    pub fn is_address(&self) -> bool {
        matches!(self, HostPattern::Ip(_) | HostPattern::Cidr(_))
    }

    /// Returns whether the pattern is an address or a network that contains
    /// `address`. Always false for host names.
    pub fn contains_address(&self, address: IpAddr) -> bool {
        match self {
            HostPattern::Ip(granted) => *granted == address,
            HostPattern::Cidr(network) => network.contains(&address),
            HostPattern::Exact(_) | HostPattern::Wildcard(_) => false,
        }
    }

    /// Returns whether a normalised request host matches the pattern.
    pub(crate) fn matches(&self, host: &Host) -> bool {
        match (self, host) {
            (HostPattern::Exact(granted), Host::Name(name)) => granted == name,
            (HostPattern::Wildcard(suffix), Host::Name(name)) => name
                .strip_suffix(suffix.as_str())
                .and_then(|front| front.strip_suffix('.'))
                .is_some_and(|labels| !labels.is_empty()),
            (HostPattern::Ip(_) | HostPattern::Cidr(_), Host::Ip(address)) => {
                self.contains_address(*address)
            }
            _ => false,
        }
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Exact(name) => f.write_str(name),
            HostPattern::Wildcard(suffix) => write!(f, "*.{suffix}"),
            HostPattern::Ip(address) => write!(f, "{address}"),
            HostPattern::Cidr(network) => write!(f, "{network}"),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(address) => write!(f, "{address}"),
        }
    }
}

fn reject_host_characters(text: &str) -> Result<(), String> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or a control character".to_string());
    }
    if text.contains('@') {
        return Err("it contains userinfo (`user@`); put credentials in a [[secret]]".to_string());
    }
    if text.contains('%') {
        return Err("it contains `%`, and percent-encoding is not allowed in a host".to_string());
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '?' | '#' | '\\')) {
        return Err(format!(
            "it contains `{c}`, which does not belong in a host"
        ));
    }
    Ok(())
}

fn port_in_host() -> String {
    "it contains a port; set `ports` instead".to_string()
}

fn parse_cidr(network: IpNet) -> Result<HostPattern, String> {
    if network != network.trunc() {
        return Err(format!(
            "the network has bits set after the prefix; write `{}`",
            network.trunc()
        ));
    }
    let min = match network {
        IpNet::V4(_) => MIN_IPV4_PREFIX,
        IpNet::V6(_) => MIN_IPV6_PREFIX,
    };
    if network.prefix_len() < min {
        return Err(format!(
            "a `/{}` network is too broad; use a prefix of at least /{min}",
            network.prefix_len()
        ));
    }
    Ok(HostPattern::Cidr(network))
}

fn parse_wildcard(suffix: &str) -> Result<HostPattern, String> {
    if suffix.contains('*') {
        return Err("a wildcard must be a single leading `*.`".to_string());
    }
    match parse_name(suffix)? {
        Host::Ip(_) => Err("a wildcard cannot cover an IP address".to_string()),
        Host::Name(name) if !name.contains('.') => Err(format!(
            "`*.{name}` would match a whole top-level domain; \
             name at least two labels after `*.`"
        )),
        Host::Name(name) => Ok(HostPattern::Wildcard(name)),
    }
}

/// Normalises a host that is not a bracketed IPv6 literal: removes one
/// trailing dot, folds case, and checks the labels of a DNS name. The error
/// is the reason, without the value.
pub(crate) fn parse_name(text: &str) -> Result<Host, String> {
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.is_empty() {
        return Err("the host name is empty".to_string());
    }
    if !name.is_ascii() {
        return Err(
            "it is not ASCII; write an internationalised name in its `xn--` form".to_string(),
        );
    }
    let name = name.to_ascii_lowercase();
    if let Ok(address) = name.parse::<Ipv4Addr>() {
        return Ok(Host::Ip(IpAddr::V4(address)));
    }

    if name.len() > 253 {
        return Err("it is longer than 253 characters".to_string());
    }
    for label in name.split('.') {
        check_label(label)?;
    }
    let last = name.rsplit('.').next().unwrap_or_default();
    if is_numeric_label(last) {
        return Err(
            "it ends in a number but is not an IPv4 address in dotted-decimal form; \
             write the address as four decimal numbers, such as `10.0.0.1`"
                .to_string(),
        );
    }
    Ok(Host::Name(name))
}

fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("it has an empty label (`..`, or a leading dot)".to_string());
    }
    if label.len() > 63 {
        return Err(format!("label `{label}` is longer than 63 characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if let Some(c) = label.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "it contains `{c}`, which is not allowed in a host name"
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!("label `{label}` starts or ends with `-`"));
    }
    Ok(())
}

/// Returns whether a URL parser or `inet_aton` would read the label as a number:
/// all decimal digits, or `0x` and hex digits.
fn is_numeric_label(label: &str) -> bool {
    let hex = label
        .strip_prefix("0x")
        .is_some_and(|digits| digits.chars().all(|c| c.is_ascii_hexdigit()));
    hex || label.chars().all(|c| c.is_ascii_digit())
}

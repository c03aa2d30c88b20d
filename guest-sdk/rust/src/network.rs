//! Helpers on the network objects and services of access requests.

use core::fmt;
use core::net::Ipv4Addr;

use crate::{NetworkObject, Service};

impl NetworkObject {
    /// Returns true for an object of kind `ANY` (any address).
    pub fn is_any(&self) -> bool {
        self.kind.eq_ignore_ascii_case("ANY")
    }

    /// Returns true for an object of kind `INTERNET` (any public address).
    pub fn is_internet(&self) -> bool {
        self.kind.eq_ignore_ascii_case("INTERNET")
    }

    /// Returns the prefix length of the dotted netmask (`255.255.0.0` is 16).
    ///
    /// Returns `None` when the object has no netmask, or when the netmask is
    /// not a dotted IPv4 mask whose one bits are contiguous from the left.
    pub fn prefix_len(&self) -> Option<u8> {
        self.netmask.as_deref().and_then(netmask_prefix_len)
    }
}

/// Returns the prefix length of a dotted IPv4 netmask, or `None` when `netmask`
/// is not one.
fn netmask_prefix_len(netmask: &str) -> Option<u8> {
    let mask = u32::from(netmask.trim().parse::<Ipv4Addr>().ok()?);
    let ones = mask.leading_ones();
    // A valid mask has no one bit after its first zero bit.
    let contiguous = mask.checked_shl(ones).unwrap_or(0) == 0;
    contiguous.then_some(ones as u8)
}

/// Formats the object as SecureChange users read it: `ANY`, `Internet`,
/// `10.0.0.0/8`, or the object's name.
impl fmt::Display for NetworkObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("ANY");
        }
        if self.is_internet() {
            return f.write_str("Internet");
        }
        match (&self.ip_address, &self.netmask, &self.name) {
            (Some(ip), Some(netmask), _) => match self.prefix_len() {
                Some(prefix) => write!(f, "{ip}/{prefix}"),
                None => write!(f, "{ip} netmask {netmask}"),
            },
            (Some(ip), None, _) => f.write_str(ip),
            (None, _, Some(name)) => f.write_str(name),
            (None, _, None) => f.write_str(&self.kind),
        }
    }
}

impl Service {
    /// Returns true for a service of kind `ANY` (every protocol and port).
    pub fn is_any(&self) -> bool {
        self.kind.eq_ignore_ascii_case("ANY")
    }
}

/// Formats the service as `ANY`, `tcp/443`, `udp` or the service's name.
impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            return f.write_str("ANY");
        }
        match (&self.protocol, &self.port, &self.name) {
            (Some(protocol), Some(port), _) => write!(f, "{}/{port}", protocol.to_lowercase()),
            (_, _, Some(name)) => f.write_str(name),
            (Some(protocol), None, None) => f.write_str(&protocol.to_lowercase()),
            (None, _, None) => f.write_str(&self.kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, ip: Option<&str>, netmask: Option<&str>) -> NetworkObject {
        NetworkObject {
            kind: kind.into(),
            ip_address: ip.map(Into::into),
            netmask: netmask.map(Into::into),
            name: None,
        }
    }

    fn service(kind: &str, protocol: Option<&str>, port: Option<&str>) -> Service {
        Service {
            kind: kind.into(),
            protocol: protocol.map(Into::into),
            port: port.map(Into::into),
            name: None,
        }
    }

    #[test]
    fn prefix_len_of_valid_netmasks() {
        let cases = [
            ("0.0.0.0", 0),
            ("128.0.0.0", 1),
            ("255.0.0.0", 8),
            ("255.255.0.0", 16),
            ("255.255.240.0", 20),
            ("255.255.255.0", 24),
            ("255.255.255.254", 31),
            ("255.255.255.255", 32),
            (" 255.255.255.0 ", 24),
        ];
        for (netmask, expected) in cases {
            let prefix = object("IP", Some("10.0.0.0"), Some(netmask)).prefix_len();
            assert_eq!(prefix, Some(expected), "netmask {netmask:?}");
        }
    }

    #[test]
    fn prefix_len_none_for_invalid_netmasks() {
        let cases = [
            "255.0.255.0",
            "0.0.0.255",
            "255.255.255.1",
            "255.255.255",
            "255.255.255.256",
            "24",
            "/24",
            "",
            "ffff:ff00::",
        ];
        for netmask in cases {
            let prefix = object("IP", Some("10.0.0.0"), Some(netmask)).prefix_len();
            assert_eq!(prefix, None, "netmask {netmask:?}");
        }
    }

    #[test]
    fn prefix_len_none_without_netmask() {
        assert_eq!(object("IP", Some("10.0.0.1"), None).prefix_len(), None);
    }

    #[test]
    fn kind_checks_ignore_case() {
        assert!(object("ANY", None, None).is_any());
        assert!(object("any", None, None).is_any());
        assert!(!object("IP", Some("0.0.0.0"), Some("0.0.0.0")).is_any());
        assert!(object("INTERNET", None, None).is_internet());
        assert!(object("Internet", None, None).is_internet());
        assert!(service("ANY", None, None).is_any());
        assert!(!service("PROTOCOL", Some("TCP"), Some("443")).is_any());
    }

    #[test]
    fn network_object_display() {
        let wide = object("IP", Some("10.0.0.0"), Some("255.0.0.0"));
        assert_eq!(wide.to_string(), "10.0.0.0/8");
        let bad = object("IP", Some("10.0.0.0"), Some("255.0.255.0"));
        assert_eq!(bad.to_string(), "10.0.0.0 netmask 255.0.255.0");
        let host = object("IP", Some("10.1.2.3"), None);
        assert_eq!(host.to_string(), "10.1.2.3");
        assert_eq!(object("ANY", None, None).to_string(), "ANY");
        assert_eq!(object("INTERNET", None, None).to_string(), "Internet");
        let mut named = object("Object", None, None);
        named.name = Some("web-servers".into());
        assert_eq!(named.to_string(), "web-servers");
    }

    #[test]
    fn service_display() {
        assert_eq!(service("ANY", None, None).to_string(), "ANY");
        let https = service("PROTOCOL", Some("TCP"), Some("443"));
        assert_eq!(https.to_string(), "tcp/443");
        assert_eq!(service("PROTOCOL", Some("UDP"), None).to_string(), "udp");
        let mut named = service("PREDEFINED", None, None);
        named.name = Some("ssh".into());
        assert_eq!(named.to_string(), "ssh");
    }
}

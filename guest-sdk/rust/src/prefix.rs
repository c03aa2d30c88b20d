//! IPv4 networks in CIDR notation, for hooks that compare the addresses of
//! access requests with network lists from their configuration.

use core::fmt;
use core::net::Ipv4Addr;
use core::str::FromStr;

use crate::NetworkObject;

/// An IPv4 network such as `10.1.0.0/16`. The host bits are cleared, so
/// `10.1.2.3/16` and `10.1.0.0/16` are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Prefix {
    network: u32,
    len: u8,
}

impl Ipv4Prefix {
    /// Creates the network of `address` with a prefix of `len` bits, or
    /// `None` when `len` is more than 32.
    pub fn new(address: Ipv4Addr, len: u8) -> Option<Ipv4Prefix> {
        (len <= 32).then(|| Ipv4Prefix {
            network: u32::from(address) & mask(len),
            len,
        })
    }

    /// Returns the network address.
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network)
    }

    /// Returns the prefix length in bits.
    pub fn prefix_len(&self) -> u8 {
        self.len
    }

    /// Returns true when `address` is in the network.
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & mask(self.len) == self.network
    }

    /// Returns true when the two networks share at least one address, which
    /// is when one contains the other.
    pub fn overlaps(&self, other: &Ipv4Prefix) -> bool {
        let shorter = self.len.min(other.len);
        self.network & mask(shorter) == other.network & mask(shorter)
    }
}

fn mask(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

/// A string that is not an IPv4 network in CIDR notation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixError(String);

impl fmt::Display for PrefixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an IPv4 network: write it as ADDRESS/BITS, such as 10.1.0.0/16",
            self.0
        )
    }
}

impl std::error::Error for PrefixError {}

/// Parses `ADDRESS/BITS`, or a bare address as a /32 network.
impl FromStr for Ipv4Prefix {
    type Err = PrefixError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || PrefixError(text.to_string());
        let trimmed = text.trim();
        let (address, len) = match trimmed.split_once('/') {
            Some((address, len)) => (address, len.parse::<u8>().map_err(|_| error())?),
            None => (trimmed, 32),
        };
        let address = address.parse::<Ipv4Addr>().map_err(|_| error())?;
        Ipv4Prefix::new(address, len).ok_or_else(error)
    }
}

/// Formats the network as `10.1.0.0/16`.
impl fmt::Display for Ipv4Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.len)
    }
}

impl NetworkObject {
    /// Returns the IPv4 network of the object: its address and netmask (a
    /// host when it has no netmask), or `0.0.0.0/0` for `ANY`.
    ///
    /// Returns `None` for objects without an IPv4 address and netmask, such
    /// as ranges, DNS names, `INTERNET` and named objects, whose addresses
    /// the access request does not carry.
    pub fn ipv4_prefix(&self) -> Option<Ipv4Prefix> {
        if self.is_any() {
            return Ipv4Prefix::new(Ipv4Addr::UNSPECIFIED, 0);
        }
        let address = self
            .ip_address
            .as_deref()?
            .trim()
            .parse::<Ipv4Addr>()
            .ok()?;
        let len = match &self.netmask {
            Some(_) => self.prefix_len()?,
            None => 32,
        };
        Ipv4Prefix::new(address, len)
    }
}

/// Parses a comma-separated list of networks, such as a configuration value
/// `10.1.0.0/16, 192.168.5.0/24`. Empty entries are skipped.
///
/// # Errors
///
/// Returns the first entry that is not a network.
pub fn parse_prefix_list(text: &str) -> Result<Vec<Ipv4Prefix>, PrefixError> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(text: &str) -> Ipv4Prefix {
        text.parse().expect("valid prefix")
    }

    #[test]
    fn parse_clears_host_bits() {
        assert_eq!(prefix("10.1.2.3/16"), prefix("10.1.0.0/16"));
        assert_eq!(prefix("10.1.2.3").to_string(), "10.1.2.3/32");
        assert_eq!(prefix("0.0.0.0/0").to_string(), "0.0.0.0/0");
    }

    #[test]
    fn parse_rejects_bad_networks() {
        for text in [
            "",
            "10.1.0.0/33",
            "10.1.0/16",
            "10.1.0.0/",
            "net",
            "::1/128",
        ] {
            assert!(text.parse::<Ipv4Prefix>().is_err(), "{text:?}");
        }
        let message = "x/8"
            .parse::<Ipv4Prefix>()
            .expect_err("invalid")
            .to_string();
        assert!(
            message.contains("`x/8` is not an IPv4 network"),
            "{message}"
        );
    }

    #[test]
    fn overlaps_and_contains() {
        let pci = prefix("10.1.0.0/16");
        assert!(pci.overlaps(&prefix("10.1.5.7/32")));
        assert!(pci.overlaps(&prefix("10.0.0.0/8")));
        assert!(!pci.overlaps(&prefix("10.2.0.0/16")));
        assert!(pci.contains("10.1.255.255".parse().expect("address")));
        assert!(!pci.contains("10.2.0.0".parse().expect("address")));
        assert!(prefix("0.0.0.0/0").overlaps(&pci));
    }

    #[test]
    fn prefix_list_skips_empty_entries() {
        let list = parse_prefix_list(" 10.1.0.0/16, ,192.168.5.0/24 ").expect("valid list");
        assert_eq!(list, [prefix("10.1.0.0/16"), prefix("192.168.5.0/24")]);
        assert!(parse_prefix_list("10.1.0.0/16, bad").is_err());
    }

    #[test]
    fn network_object_prefix() {
        let object = |kind: &str, ip: Option<&str>, netmask: Option<&str>| NetworkObject {
            kind: kind.into(),
            ip_address: ip.map(Into::into),
            netmask: netmask.map(Into::into),
            name: None,
        };
        assert_eq!(
            object("IP", Some("10.1.2.0"), Some("255.255.255.0")).ipv4_prefix(),
            Some(prefix("10.1.2.0/24"))
        );
        assert_eq!(
            object("IP", Some("10.1.2.9"), None).ipv4_prefix(),
            Some(prefix("10.1.2.9/32"))
        );
        assert_eq!(
            object("ANY", None, None).ipv4_prefix(),
            Some(prefix("0.0.0.0/0"))
        );
        assert_eq!(object("DNS", None, None).ipv4_prefix(), None);
        assert_eq!(
            object("IP", Some("10.1.2.0"), Some("255.0.255.0")).ipv4_prefix(),
            None
        );
    }
}

//! Checks on the addresses a granted host resolves to.
//!
//! A grant that names a host may reach only public addresses: a DNS answer
//! that points at loopback, a private network or the cloud metadata address
//! is blocked. Only a grant whose `host` is an address or a network reaches
//! the special-purpose addresses inside it. IPv6 forms that embed an IPv4
//! address are checked as that IPv4 address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::grant::HttpGrant;
use super::host::HostPattern;

/// A kind of special-purpose address that grants naming a host never reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// `0.0.0.0/8` or `::`.
    Unspecified,
    /// `127.0.0.0/8` or `::1`.
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12` or `192.168.0.0/16`.
    Private,
    /// `100.64.0.0/10`, used by carrier-grade NAT.
    Shared,
    /// `169.254.0.0/16` (which contains the cloud metadata address
    /// `169.254.169.254`) or `fe80::/10`.
    LinkLocal,
    /// `fec0::/10`, deprecated but still routed by some networks.
    SiteLocal,
    /// `fc00::/7`.
    UniqueLocal,
    /// `224.0.0.0/4` or `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// Other ranges reserved by IANA: `240.0.0.0/4`, `192.0.0.0/24`, the
    /// documentation and benchmarking networks, `100::/64`, `2001::/23`,
    /// `2001:db8::/32`, `64:ff9b:1::/48` and the rest of `::/8`.
    Reserved,
}

/// The reason a resolved address was blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockedAddress {
    /// The grant names a host, and the address is special-purpose.
    SpecialPurpose {
        /// The resolved address.
        address: IpAddr,
        /// The IPv4 address that an IPv6 address embeds, when it was checked
        /// in its place.
        embedded: Option<Ipv4Addr>,
        /// The kind of address.
        class: AddressClass,
    },
    /// The grant is an address or a network that does not contain the
    /// address.
    OutsideGrant {
        /// The resolved address.
        address: IpAddr,
        /// The grant's host.
        host: HostPattern,
    },
}

impl AddressClass {
    /// Returns the class as a noun phrase, such as "a loopback address".
    pub fn description(self) -> &'static str {
        match self {
            AddressClass::Unspecified => "an unspecified address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private address",
            AddressClass::Shared => "a shared (carrier-grade NAT) address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::SiteLocal => "a site-local address",
            AddressClass::UniqueLocal => "a unique local address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Broadcast => "a broadcast address",
            AddressClass::Reserved => "a reserved special-purpose address",
        }
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockedAddress::SpecialPurpose {
                address,
                embedded,
                class,
            } => {
                write!(f, "resolved to {address}")?;
                if let Some(ipv4) = embedded {
                    write!(f, " (which embeds the IPv4 address {ipv4})")?;
                }
                write!(
                    f,
                    ", {class}; a host name never reaches such an address, so request the \
                     address itself under a grant with host = \"{address}\""
                )
            }
            BlockedAddress::OutsideGrant { address, host } => write!(
                f,
                "resolved to {address}, which is outside the granted host `{host}`"
            ),
        }
    }
}

/// Checks one resolved address of a request that `grant` allowed. Every
/// address a host resolves to must pass before the runner connects to it.
pub fn check_address(grant: &HttpGrant, address: IpAddr) -> Result<(), BlockedAddress> {
    if grant.host.is_address() {
        if grant.host.contains_address(address) {
            return Ok(());
        }
        return Err(BlockedAddress::OutsideGrant {
            address,
            host: grant.host.clone(),
        });
    }

    let embedded = match address {
        IpAddr::V6(ipv6) if ipv6.is_loopback() || ipv6.is_unspecified() => None,
        IpAddr::V6(ipv6) => embedded_ipv4(ipv6),
        IpAddr::V4(_) => None,
    };
    match special_purpose(address) {
        Some(class) => Err(BlockedAddress::SpecialPurpose {
            address,
            embedded,
            class,
        }),
        None => Ok(()),
    }
}

/// Returns the class of a special-purpose address, or `None` for a public
/// one.
pub fn special_purpose(address: IpAddr) -> Option<AddressClass> {
    match address {
        IpAddr::V4(ipv4) => special_purpose_v4(ipv4),
        IpAddr::V6(ipv6) => special_purpose_v6(ipv6),
    }
}

fn special_purpose_v4(address: Ipv4Addr) -> Option<AddressClass> {
    let class = match address.octets() {
        [0, ..] => AddressClass::Unspecified,
        [127, ..] => AddressClass::Loopback,
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] => AddressClass::Private,
        [100, 64..=127, ..] => AddressClass::Shared,
        [169, 254, ..] => AddressClass::LinkLocal,
        [224..=239, ..] => AddressClass::Multicast,
        [255, 255, 255, 255] => AddressClass::Broadcast,
        [240..=255, ..] => AddressClass::Reserved,
        [192, 0, 0, _] | [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => {
            AddressClass::Reserved
        }
        [198, 18..=19, ..] => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

fn special_purpose_v6(address: Ipv6Addr) -> Option<AddressClass> {
    if address.is_unspecified() {
        return Some(AddressClass::Unspecified);
    }
    if address.is_loopback() {
        return Some(AddressClass::Loopback);
    }
    if let Some(ipv4) = embedded_ipv4(address) {
        return special_purpose_v4(ipv4);
    }

    let segments = address.segments();
    let class = match segments {
        [0xfe80..=0xfebf, ..] => AddressClass::LinkLocal,
        [0xfec0..=0xfeff, ..] => AddressClass::SiteLocal,
        [0xfc00..=0xfdff, ..] => AddressClass::UniqueLocal,
        [0xff00..=0xffff, ..] => AddressClass::Multicast,
        [0x0100, 0, 0, 0, ..] => AddressClass::Reserved,
        [0x2001, 0..=0x01ff, ..] | [0x2001, 0x0db8, ..] => AddressClass::Reserved,
        [0x0000..=0x00ff, ..] => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

/// Returns the IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`) address.
/// `::` and `::1` count as IPv4-compatible here, so callers check them first.
fn embedded_ipv4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let from_pair = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    let tail = from_pair(segments[6], segments[7]);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0xffff, 0, _, _] => Some(tail),
        [0, 0, 0, 0, 0, 0, _, _] => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, high, low, ..] => Some(from_pair(high, low)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

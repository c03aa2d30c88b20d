use super::*;
use crate::policy::grant::{PortRange, Scheme};

fn grant(host: &str) -> HttpGrant {
    HttpGrant {
        name: "api".into(),
        scheme: Scheme::Https,
        host: HostPattern::parse(host).expect("valid host"),
        ports: PortRange::single(443),
        path_prefix: "/".into(),
        methods: vec!["GET".into()],
        line: 3,
    }
}

fn address(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|_| panic!("`{text}` is an address"))
}

#[test]
fn special_purpose_addresses_are_classified() {
    use AddressClass::*;
    let cases = [
        ("0.0.0.0", Some(Unspecified)),
        ("0.1.2.3", Some(Unspecified)),
        ("::", Some(Unspecified)),
        ("127.0.0.1", Some(Loopback)),
        ("127.255.255.254", Some(Loopback)),
        ("::1", Some(Loopback)),
        ("10.0.0.1", Some(Private)),
        ("10.255.255.255", Some(Private)),
        ("172.16.0.1", Some(Private)),
        ("172.31.255.255", Some(Private)),
        ("172.15.255.255", None),
        ("172.32.0.1", None),
        ("192.168.1.1", Some(Private)),
        ("192.169.0.1", None),
        ("100.64.0.1", Some(Shared)),
        ("100.127.255.255", Some(Shared)),
        ("100.63.255.255", None),
        ("100.128.0.1", None),
        ("169.254.169.254", Some(LinkLocal)),
        ("169.254.0.1", Some(LinkLocal)),
        ("fe80::1", Some(LinkLocal)),
        ("febf::1", Some(LinkLocal)),
        ("fec0::1", Some(SiteLocal)),
        ("fc00::1", Some(UniqueLocal)),
        ("fd12:3456::1", Some(UniqueLocal)),
        ("224.0.0.1", Some(Multicast)),
        ("239.255.255.250", Some(Multicast)),
        ("ff02::1", Some(Multicast)),
        ("255.255.255.255", Some(Broadcast)),
        ("240.0.0.1", Some(Reserved)),
        ("192.0.0.8", Some(Reserved)),
        ("192.0.2.1", Some(Reserved)),
        ("198.18.0.1", Some(Reserved)),
        ("198.51.100.1", Some(Reserved)),
        ("203.0.113.1", Some(Reserved)),
        ("100::1", Some(Reserved)),
        ("2001::1", Some(Reserved)),
        ("2001:db8::1", Some(Reserved)),
        ("64:ff9b:1::1", Some(Reserved)),
        ("::ffff:0:0:1", Some(Unspecified)),
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("2a00:1450:4001::200e", None),
    ];
    for (text, expected) in cases {
        assert_eq!(special_purpose(address(text)), expected, "{text}");
    }
}

#[test]
fn embedded_ipv4_is_checked() {
    use AddressClass::*;
    let cases = [
        ("::ffff:127.0.0.1", Some(Loopback)),
        ("::ffff:7f00:1", Some(Loopback)),
        ("::ffff:169.254.169.254", Some(LinkLocal)),
        ("::ffff:10.0.0.1", Some(Private)),
        ("::ffff:0:127.0.0.1", Some(Loopback)),
        ("::127.0.0.1", Some(Loopback)),
        ("::10.0.0.1", Some(Private)),
        ("::0.0.0.2", Some(Unspecified)),
        ("64:ff9b::127.0.0.1", Some(Loopback)),
        ("64:ff9b::a9fe:a9fe", Some(LinkLocal)),
        ("64:ff9b::192.168.0.1", Some(Private)),
        ("2002:7f00:1::", Some(Loopback)),
        ("2002:a9fe:a9fe::1", Some(LinkLocal)),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::8.8.8.8", None),
        ("2002:808:808::1", None),
    ];
    for (text, expected) in cases {
        assert_eq!(special_purpose(address(text)), expected, "{text}");
    }
}

#[test]
fn named_host_blocks_special_purpose() {
    let named = [grant("api.example.com"), grant("*.example.com")];
    let blocked = [
        "127.0.0.1",
        "::1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.0.10",
        "169.254.169.254",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",
        "::",
        "224.0.0.251",
        "ff02::fb",
        "255.255.255.255",
        "100.64.0.1",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
    ];
    for grant in &named {
        for text in blocked {
            let result = check_address(grant, address(text));
            assert!(
                matches!(result, Err(BlockedAddress::SpecialPurpose { .. })),
                "{} -> {text}: {result:?}",
                grant.host
            );
        }
        for text in ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert_eq!(
                check_address(grant, address(text)),
                Ok(()),
                "{} -> {text}",
                grant.host
            );
        }
    }
}

#[test]
fn address_grant_allows_only_its_addresses() {
    let cases = [
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("127.0.0.1", "::ffff:127.0.0.1", false),
        ("::1", "::1", true),
        ("10.1.0.0/16", "10.1.200.3", true),
        ("10.1.0.0/16", "10.2.0.1", false),
        ("10.1.0.0/16", "8.8.8.8", false),
        ("169.254.169.254", "169.254.169.254", true),
        ("fd00::/16", "fd00::5", true),
        ("fd00::/16", "fd01::5", false),
        ("8.8.8.8", "8.8.8.8", true),
        ("8.8.8.8", "8.8.4.4", false),
    ];
    for (host, text, allowed) in cases {
        let result = check_address(&grant(host), address(text));
        assert_eq!(result.is_ok(), allowed, "{host} -> {text}: {result:?}");
        if !allowed {
            assert!(
                matches!(result, Err(BlockedAddress::OutsideGrant { .. })),
                "{host} -> {text}: {result:?}"
            );
        }
    }
}

#[test]
fn blocked_address_messages() {
    let named = grant("api.example.com");
    let cases = [
        (
            "127.0.0.1",
            "resolved to 127.0.0.1, a loopback address; \
             a host name never reaches such an address, so request the address itself under a grant with host = \"127.0.0.1\"",
        ),
        (
            "169.254.169.254",
            "resolved to 169.254.169.254, a link-local address; \
             a host name never reaches such an address, so request the address itself under a grant with host = \"169.254.169.254\"",
        ),
        (
            "::ffff:10.0.0.1",
            "resolved to ::ffff:10.0.0.1 (which embeds the IPv4 address 10.0.0.1), \
             a private address; a host name never reaches such an address, so request the address itself under a grant with host = \"::ffff:10.0.0.1\"",
        ),
    ];
    for (text, expected) in cases {
        let error = check_address(&named, address(text)).expect_err(text);
        assert_eq!(error.to_string(), expected, "{text}");
    }

    let error = check_address(&grant("10.1.0.0/16"), address("10.2.0.1")).expect_err("outside");
    assert_eq!(
        error.to_string(),
        "resolved to 10.2.0.1, which is outside the granted host `10.1.0.0/16`"
    );
}

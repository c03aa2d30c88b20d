//! Risk rules for access requests.
//!
//! Each rule adds points for one property of one access request. The ticket's
//! score is the sum over all its access requests, capped at [`MAX_SCORE`].
//! Only requests that open access are scored: `Drop` and `Remove` requests
//! add nothing. The rules, per network object or service:
//!
//! | property | points |
//! |---|---|
//! | source of kind ANY | [`ANY_SOURCE`] |
//! | destination of kind ANY | [`ANY_DESTINATION`] |
//! | source of kind INTERNET | [`INTERNET_SOURCE`] |
//! | destination of kind INTERNET | [`INTERNET_DESTINATION`] |
//! | netmask shorter than /16 | [`WIDER_THAN_16`] |
//! | netmask shorter than /24 (and at least /16) | [`WIDER_THAN_24`] |
//! | netmask that is not a valid dotted mask | [`INVALID_NETMASK`] |
//! | service of kind ANY | [`ANY_SERVICE`] |
//!
//! The level is [`Level::Low`] below [`MEDIUM_FROM`], [`Level::Medium`]
//! below [`HIGH_FROM`] and [`Level::High`] from there up.

use core::fmt;

use hook_runner_guest::{AccessRequest, NetworkObject};

/// The highest score. Larger sums are capped to it.
pub const MAX_SCORE: u32 = 100;
/// Points for a source of kind ANY.
pub const ANY_SOURCE: u32 = 30;
/// Points for a destination of kind ANY.
pub const ANY_DESTINATION: u32 = 30;
/// Points for a source of kind INTERNET: access from any public address.
pub const INTERNET_SOURCE: u32 = 20;
/// Points for a destination of kind INTERNET: access to any public address.
pub const INTERNET_DESTINATION: u32 = 15;
/// Points for a service of kind ANY.
pub const ANY_SERVICE: u32 = 25;
/// Points for a network object with a prefix shorter than /16.
pub const WIDER_THAN_16: u32 = 25;
/// Points for a network object with a prefix from /16 to /23.
pub const WIDER_THAN_24: u32 = 10;
/// Points for a network object whose netmask is not a valid dotted mask, so
/// its size is unknown.
pub const INVALID_NETMASK: u32 = 10;
/// The lowest score of level Medium.
pub const MEDIUM_FROM: u32 = 30;
/// The lowest score of level High.
pub const HIGH_FROM: u32 = 60;

/// A risk level, named as the options of the level drop-down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Score below [`MEDIUM_FROM`].
    Low,
    /// Score from [`MEDIUM_FROM`] to below [`HIGH_FROM`].
    Medium,
    /// Score from [`HIGH_FROM`].
    High,
}

impl Level {
    /// Returns the level of `score`.
    pub fn of(score: u32) -> Self {
        if score >= HIGH_FROM {
            Level::High
        } else if score >= MEDIUM_FROM {
            Level::Medium
        } else {
            Level::Low
        }
    }

    /// Returns the level's name: `Low`, `Medium` or `High`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule that matched: its points and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Points the rule adds.
    pub points: u32,
    /// Description of the match, such as `source 10.0.0.0/8 is wider than /16`.
    pub reason: String,
}

/// The findings for one access request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestScore {
    /// The request's order, such as `AR2`.
    pub order: String,
    /// The rules that matched, in the order they were checked.
    pub findings: Vec<Finding>,
}

impl RequestScore {
    /// Returns the sum of the findings' points, before the cap.
    pub fn points(&self) -> u32 {
        self.findings.iter().map(|finding| finding.points).sum()
    }

    /// Formats the request's findings as one reason line, such as
    /// `AR2: source is ANY (+30); service is ANY (+25)`.
    pub fn reason_line(&self) -> String {
        let findings: Vec<String> = self
            .findings
            .iter()
            .map(|finding| format!("{} (+{})", finding.reason, finding.points))
            .collect();
        format!("{}: {}", self.order, findings.join("; "))
    }
}

/// The risk of a ticket's access requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The score, from 0 to [`MAX_SCORE`].
    pub score: u32,
    /// The sum of all points before the cap.
    pub uncapped: u32,
    /// The level of `score`.
    pub level: Level,
    /// How many access requests were assessed, including those that added
    /// nothing.
    pub request_count: usize,
    /// The access requests that added points, in ticket order.
    pub contributors: Vec<RequestScore>,
}

impl Assessment {
    /// Returns one reason line per contributing access request, or a sentence
    /// saying that none contributed.
    pub fn reason(&self) -> String {
        if self.request_count == 0 {
            return "No access requests to assess.".to_owned();
        }
        if self.contributors.is_empty() {
            return format!(
                "None of the {} access requests matched a risk rule.",
                self.request_count
            );
        }
        let lines: Vec<String> = self
            .contributors
            .iter()
            .map(RequestScore::reason_line)
            .collect();
        lines.join("\n")
    }
}

/// Scores `requests` and returns the capped score, its level and the reasons.
pub fn assess(requests: &[AccessRequest]) -> Assessment {
    let contributors: Vec<RequestScore> = requests
        .iter()
        .map(score_request)
        .filter(|request| !request.findings.is_empty())
        .collect();
    let uncapped = contributors.iter().map(RequestScore::points).sum();
    let score = u32::min(uncapped, MAX_SCORE);
    Assessment {
        score,
        uncapped,
        level: Level::of(score),
        request_count: requests.len(),
        contributors,
    }
}

/// Applies every rule to one access request.
pub fn score_request(request: &AccessRequest) -> RequestScore {
    let mut findings = Vec::new();
    if opens_access(&request.action) {
        for source in &request.sources {
            findings.extend(score_object(Side::Source, source));
        }
        for destination in &request.destinations {
            findings.extend(score_object(Side::Destination, destination));
        }
        if request.services.iter().any(|service| service.is_any()) {
            findings.push(Finding {
                points: ANY_SERVICE,
                reason: "service is ANY".to_owned(),
            });
        }
    }
    RequestScore {
        order: request.order.clone(),
        findings,
    }
}

/// Returns false for the actions that only close or remove access.
///
/// Any other action, including one this scorer does not know, is scored as
/// if it opened access.
fn opens_access(action: &str) -> bool {
    !(action.eq_ignore_ascii_case("Drop") || action.eq_ignore_ascii_case("Remove"))
}

#[derive(Clone, Copy)]
enum Side {
    Source,
    Destination,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Destination => "destination",
        }
    }
}

/// Applies the network object rules, of which at most one matches an object.
fn score_object(side: Side, object: &NetworkObject) -> Option<Finding> {
    let side_name = side.as_str();
    if object.is_any() {
        let points = match side {
            Side::Source => ANY_SOURCE,
            Side::Destination => ANY_DESTINATION,
        };
        return Some(Finding {
            points,
            reason: format!("{side_name} is ANY"),
        });
    }
    if object.is_internet() {
        let points = match side {
            Side::Source => INTERNET_SOURCE,
            Side::Destination => INTERNET_DESTINATION,
        };
        return Some(Finding {
            points,
            reason: format!("{side_name} is the Internet"),
        });
    }
    let netmask = object.netmask.as_deref()?;
    let Some(prefix) = object.prefix_len() else {
        let address = object.ip_address.as_deref().unwrap_or("object");
        return Some(Finding {
            points: INVALID_NETMASK,
            reason: format!("{side_name} {address} has an invalid netmask {netmask}"),
        });
    };
    let (points, limit) = match prefix {
        0..16 => (WIDER_THAN_16, 16),
        16..24 => (WIDER_THAN_24, 24),
        _ => return None,
    };
    Some(Finding {
        points,
        reason: format!("{side_name} {object} is wider than /{limit}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hook_runner_guest::Service;

    fn ip(address: &str, netmask: &str) -> NetworkObject {
        NetworkObject {
            kind: "IP".into(),
            ip_address: Some(address.into()),
            netmask: Some(netmask.into()),
            name: None,
        }
    }

    fn of_kind(kind: &str) -> NetworkObject {
        NetworkObject {
            kind: kind.into(),
            ip_address: None,
            netmask: None,
            name: None,
        }
    }

    fn tcp(port: &str) -> Service {
        Service {
            kind: "PROTOCOL".into(),
            protocol: Some("TCP".into()),
            port: Some(port.into()),
            name: None,
        }
    }

    fn any_service() -> Service {
        Service {
            kind: "ANY".into(),
            protocol: None,
            port: None,
            name: None,
        }
    }

    /// Builds an Accept request from one host to a /24 on tcp/443, which no
    /// rule matches.
    fn narrow(order: &str) -> AccessRequest {
        AccessRequest {
            id: 1,
            order: order.into(),
            action: "Accept".into(),
            sources: vec![ip("10.1.2.3", "255.255.255.255")],
            destinations: vec![ip("192.168.7.0", "255.255.255.0")],
            services: vec![tcp("443")],
            targets: vec!["fw-1".into()],
            users: vec!["Any".into()],
            comment: String::new(),
        }
    }

    fn reasons(score: &RequestScore) -> Vec<&str> {
        score.findings.iter().map(|f| f.reason.as_str()).collect()
    }

    #[test]
    fn narrow_request_scores_zero() {
        let score = score_request(&narrow("AR1"));
        assert!(score.findings.is_empty(), "{score:?}");
        assert_eq!(score.points(), 0);
    }

    #[test]
    fn any_source_rule() {
        let mut request = narrow("AR1");
        request.sources = vec![of_kind("ANY")];
        let score = score_request(&request);
        assert_eq!(score.points(), ANY_SOURCE);
        assert_eq!(reasons(&score), ["source is ANY"]);
    }

    #[test]
    fn any_destination_rule() {
        let mut request = narrow("AR1");
        request.destinations = vec![of_kind("ANY")];
        let score = score_request(&request);
        assert_eq!(score.points(), ANY_DESTINATION);
        assert_eq!(reasons(&score), ["destination is ANY"]);
    }

    #[test]
    fn internet_source_rule() {
        let mut request = narrow("AR1");
        request.sources = vec![of_kind("INTERNET")];
        let score = score_request(&request);
        assert_eq!(score.points(), INTERNET_SOURCE);
        assert_eq!(reasons(&score), ["source is the Internet"]);
    }

    #[test]
    fn internet_destination_rule() {
        let mut request = narrow("AR1");
        request.destinations = vec![of_kind("Internet")];
        let score = score_request(&request);
        assert_eq!(score.points(), INTERNET_DESTINATION);
        assert_eq!(reasons(&score), ["destination is the Internet"]);
    }

    #[test]
    fn any_service_rule() {
        let mut request = narrow("AR1");
        request.services = vec![tcp("22"), any_service()];
        let score = score_request(&request);
        assert_eq!(score.points(), ANY_SERVICE);
        assert_eq!(reasons(&score), ["service is ANY"]);
    }

    #[test]
    fn netmask_wider_than_16_rule() {
        let mut request = narrow("AR2");
        request.sources = vec![ip("10.0.0.0", "255.0.0.0")];
        let score = score_request(&request);
        assert_eq!(score.points(), WIDER_THAN_16);
        assert_eq!(
            score.reason_line(),
            "AR2: source 10.0.0.0/8 is wider than /16 (+25)"
        );
    }

    #[test]
    fn netmask_wider_than_24_rule() {
        let mut request = narrow("AR1");
        request.destinations = vec![ip("172.16.0.0", "255.255.0.0")];
        let score = score_request(&request);
        assert_eq!(score.points(), WIDER_THAN_24);
        assert_eq!(
            reasons(&score),
            ["destination 172.16.0.0/16 is wider than /24"]
        );
    }

    #[test]
    fn netmask_boundaries() {
        let cases = [
            ("0.0.0.0", WIDER_THAN_16),
            ("255.254.0.0", WIDER_THAN_16),
            ("255.255.0.0", WIDER_THAN_24),
            ("255.255.254.0", WIDER_THAN_24),
            ("255.255.255.0", 0),
            ("255.255.255.255", 0),
        ];
        for (netmask, expected) in cases {
            let mut request = narrow("AR1");
            request.sources = vec![ip("10.0.0.0", netmask)];
            assert_eq!(
                score_request(&request).points(),
                expected,
                "netmask {netmask}"
            );
        }
    }

    #[test]
    fn invalid_netmask_rule() {
        let mut request = narrow("AR1");
        request.sources = vec![ip("10.0.0.0", "255.0.255.0")];
        let score = score_request(&request);
        assert_eq!(score.points(), INVALID_NETMASK);
        assert_eq!(
            reasons(&score),
            ["source 10.0.0.0 has an invalid netmask 255.0.255.0"]
        );
    }

    #[test]
    fn host_without_netmask_scores_zero() {
        let mut request = narrow("AR1");
        request.sources = vec![NetworkObject {
            kind: "IP".into(),
            ip_address: Some("10.1.2.3".into()),
            netmask: None,
            name: None,
        }];
        assert_eq!(score_request(&request).points(), 0);
    }

    #[test]
    fn drop_and_remove_add_nothing() {
        for action in ["Drop", "Remove", "remove"] {
            let mut request = narrow("AR1");
            request.action = action.into();
            request.sources = vec![of_kind("ANY")];
            request.services = vec![any_service()];
            assert_eq!(score_request(&request).points(), 0, "action {action}");
        }
    }

    #[test]
    fn unknown_action_is_scored() {
        let mut request = narrow("AR1");
        request.action = "Something new".into();
        request.sources = vec![of_kind("ANY")];
        assert_eq!(score_request(&request).points(), ANY_SOURCE);
    }

    #[test]
    fn rules_add_up_within_request() {
        let mut request = narrow("AR3");
        request.sources = vec![of_kind("ANY")];
        request.destinations = vec![ip("10.20.0.0", "255.255.0.0")];
        request.services = vec![any_service()];
        let score = score_request(&request);
        assert_eq!(score.points(), ANY_SOURCE + WIDER_THAN_24 + ANY_SERVICE);
        assert_eq!(
            score.reason_line(),
            "AR3: source is ANY (+30); destination 10.20.0.0/16 is wider than /24 (+10); \
             service is ANY (+25)"
        );
    }

    #[test]
    fn assess_no_requests() {
        let assessment = assess(&[]);
        assert_eq!(assessment.score, 0);
        assert_eq!(assessment.level, Level::Low);
        assert_eq!(assessment.request_count, 0);
        assert!(assessment.contributors.is_empty());
        assert_eq!(assessment.reason(), "No access requests to assess.");
    }

    #[test]
    fn assess_only_narrow_requests() {
        let assessment = assess(&[narrow("AR1"), narrow("AR2")]);
        assert_eq!(assessment.score, 0);
        assert_eq!(assessment.level, Level::Low);
        assert_eq!(
            assessment.reason(),
            "None of the 2 access requests matched a risk rule."
        );
    }

    #[test]
    fn assess_lists_contributors_only() {
        let mut wide = narrow("AR2");
        wide.sources = vec![ip("10.0.0.0", "255.0.0.0")];
        let assessment = assess(&[narrow("AR1"), wide]);
        assert_eq!(assessment.score, WIDER_THAN_16);
        assert_eq!(assessment.request_count, 2);
        assert_eq!(
            assessment.reason(),
            "AR2: source 10.0.0.0/8 is wider than /16 (+25)"
        );
    }

    #[test]
    fn assess_caps_score() {
        let mut open = narrow("AR1");
        open.sources = vec![of_kind("ANY")];
        open.destinations = vec![of_kind("ANY")];
        open.services = vec![any_service()];
        let mut also_open = open.clone();
        also_open.order = "AR2".into();
        let assessment = assess(&[open, also_open]);
        let expected_sum = 2 * (ANY_SOURCE + ANY_DESTINATION + ANY_SERVICE);
        assert_eq!(assessment.uncapped, expected_sum);
        assert_eq!(assessment.score, MAX_SCORE);
        assert_eq!(assessment.level, Level::High);
        assert_eq!(assessment.reason().lines().count(), 2);
    }

    #[test]
    fn level_thresholds() {
        assert_eq!(Level::of(0), Level::Low);
        assert_eq!(Level::of(MEDIUM_FROM - 1), Level::Low);
        assert_eq!(Level::of(MEDIUM_FROM), Level::Medium);
        assert_eq!(Level::of(HIGH_FROM - 1), Level::Medium);
        assert_eq!(Level::of(HIGH_FROM), Level::High);
        assert_eq!(Level::of(MAX_SCORE), Level::High);
        assert_eq!(Level::Medium.to_string(), "Medium");
    }
}

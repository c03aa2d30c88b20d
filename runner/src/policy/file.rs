//! Reading a policy file: the TOML layout, and the checks on each value.
//!
//! Values that are checked after parsing are read as [`Spanned`], so that
//! every error names the line and column of the bad value.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::grant::{HttpGrant, PortRange, Scheme, is_token, parse_path_prefix};
use super::host::HostPattern;
use super::limits::{self, PolicyLimits};
use super::secret::{FORBIDDEN_HEADERS, SecretGrant, SecretSource};
use super::{Policy, PolicyError, TicketGrant};

/// Accepted forms of `host`, shown in every host error.
const HOST_FORMS: &str = "use an exact host (`api.example.com`), a wildcard (`*.example.com`), \
     an IP address or a CIDR (`10.0.0.0/8`)";

/// A hook's sandbox policy. Everything it does not grant is denied.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hook-runner sandbox policy")]
struct RawPolicy {
    /// What the hook may do with the ticket of its event.
    #[schemars(with = "Option<RawTicket>")]
    ticket: Option<Spanned<RawTicket>>,
    /// Settings added to the hook's `config` values; a key here replaces
    /// the same key of `[hook.config]`.
    #[serde(default)]
    config: BTreeMap<String, String>,
    /// HTTP destinations the hook may reach, one table per destination.
    #[serde(default)]
    #[schemars(with = "Vec<RawHttp>")]
    http: Vec<Spanned<RawHttp>>,
    /// Secret headers that the host adds to granted requests; the hook
    /// never sees their values.
    #[serde(default, rename = "secret")]
    #[schemars(with = "Vec<RawSecret>")]
    secrets: Vec<Spanned<RawSecret>>,
    /// Resource limits of one run.
    #[serde(default)]
    limits: RawLimits,
}

/// What the hook may do with the ticket of its event.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Ticket")]
#[serde(deny_unknown_fields)]
struct RawTicket {
    /// May read the event's ticket through `get-ticket`.
    #[serde(default)]
    read: bool,
    /// Field names the hook may write, compared exactly.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    write_fields: Vec<Spanned<String>>,
    /// May add comments to the ticket.
    #[serde(default)]
    comment: bool,
}

/// One HTTP destination the hook may reach.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Http")]
#[serde(deny_unknown_fields)]
struct RawHttp {
    /// The grant's name, which `[[secret]] grant` refers to.
    #[schemars(with = "Option<String>")]
    name: Option<Spanned<String>>,
    /// `https` or `http` [default: `https`].
    #[schemars(with = "Option<String>", regex(pattern = "^[Hh][Tt][Tt][Pp][Ss]?$"))]
    scheme: Option<Spanned<String>>,
    /// Exact host, `*.example.com` (subdomains only), an IP address or a
    /// CIDR range.
    #[schemars(with = "String", length(min = 1))]
    host: Spanned<String>,
    /// A port, or a range such as `"8000-8100"` [default: the scheme's
    /// port].
    #[schemars(with = "Option<RawPorts>")]
    ports: Option<Spanned<RawPorts>>,
    /// Path prefix, matched on whole path segments [default: `/`].
    #[schemars(with = "Option<String>", regex(pattern = "^/"))]
    path_prefix: Option<Spanned<String>>,
    /// HTTP methods, case-sensitive [default: `["GET"]`].
    #[schemars(with = "Option<Vec<String>>")]
    methods: Option<Vec<Spanned<String>>>,
}

/// `ports = 443` or `ports = "8000-8100"`.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Ports")]
#[serde(
    untagged,
    expecting = "a port such as 443 or a range such as \"8000-8100\""
)]
enum RawPorts {
    Number(#[schemars(range(min = 1, max = 65535))] i64),
    Text(#[schemars(regex(pattern = "^[0-9]+(-[0-9]+)?$"))] String),
}

/// A secret header that the host adds to the requests of one grant.
/// Exactly one of `env` and `file` must be set.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "Secret")]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::require_exactly_one("env", "file"))]
struct RawSecret {
    /// The secret's name, for messages and the audit log.
    #[schemars(with = "String", length(min = 1))]
    name: Spanned<String>,
    /// Environment variable that holds the value.
    #[schemars(with = "Option<String>", length(min = 1))]
    env: Option<Spanned<String>>,
    /// File that holds the value.
    #[schemars(with = "Option<PathBuf>")]
    file: Option<Spanned<PathBuf>>,
    /// The `[[http]] name` whose requests get the header.
    #[schemars(with = "String", length(min = 1))]
    grant: Spanned<String>,
    /// Header name, such as `Authorization`.
    #[schemars(with = "String", regex(pattern = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"))]
    header: Spanned<String>,
    /// Header value with exactly one `{}` for the secret, such as
    /// `"Bearer {}"` [default: `"{}"`].
    #[schemars(with = "Option<String>", regex(pattern = "\\{\\}"))]
    format: Option<Spanned<String>>,
}

/// Resource limits of one run; every key has a default.
#[derive(Deserialize, Default, JsonSchema)]
#[schemars(rename = "Limits")]
#[serde(deny_unknown_fields)]
struct RawLimits {
    /// Each linear memory of the hook, in MiB [default: 128].
    #[schemars(with = "Option<u64>", range(min = 1, max = limits::MAX_MEMORY_MIB))]
    memory_mib: Option<Spanned<u64>>,
    /// The whole run, host calls included, in seconds [default: 30].
    #[schemars(with = "Option<u64>", range(min = 1, max = limits::MAX_WALL_TIME_SECONDS))]
    wall_time_seconds: Option<Spanned<u64>>,
    /// wasmtime fuel units for the run; 0 turns metering off [default: 0].
    #[schemars(with = "Option<u64>")]
    fuel: Option<Spanned<u64>>,
    /// Requests per run, denied ones included [default: 32].
    #[schemars(with = "Option<u64>", range(max = limits::MAX_MAX_HTTP_REQUESTS))]
    max_http_requests: Option<Spanned<u64>>,
    /// One request body, in KiB [default: 1024].
    #[schemars(with = "Option<u64>", range(max = limits::MAX_MAX_REQUEST_BODY_KIB))]
    max_request_body_kib: Option<Spanned<u64>>,
    /// One response body, in KiB [default: 4096].
    #[schemars(with = "Option<u64>", range(min = 1, max = limits::MAX_MAX_RESPONSE_BODY_KIB))]
    max_response_body_kib: Option<Spanned<u64>>,
    /// One request, from connect to the last response byte, in seconds
    /// [default: 10].
    #[schemars(with = "Option<u64>", range(min = 1, max = limits::MAX_HTTP_TIMEOUT_SECONDS))]
    http_timeout_seconds: Option<Spanned<u64>>,
    /// Field names, values and comments of the outcome, in KiB [default:
    /// 256].
    #[schemars(with = "Option<u64>", range(min = 1, max = limits::MAX_MAX_OUTCOME_KIB))]
    max_outcome_kib: Option<Spanned<u64>>,
    /// Log messages of a run, in KiB [default: 256].
    #[schemars(with = "Option<u64>", range(max = limits::MAX_MAX_LOG_KIB))]
    max_log_kib: Option<Spanned<u64>>,
    /// Captured standard output and error, each, in KiB [default: 64].
    #[schemars(with = "Option<u64>", range(max = limits::MAX_MAX_OUTPUT_KIB))]
    max_output_kib: Option<Spanned<u64>>,
}

/// Returns the JSON Schema of a policy file.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawPolicy)
}

/// The policy text and its file, for errors that point at a byte span.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, span: Range<usize>, message: String) -> PolicyError {
        let (line, column) = self.location(span.start);
        PolicyError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// Returns the line and the column in characters, both from 1, of a
    /// byte offset.
    fn location(&self, offset: usize) -> (usize, usize) {
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let line = before.matches('\n').count() + 1;
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn line(&self, span: &Range<usize>) -> usize {
        self.location(span.start).0
    }
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Policy, PolicyError> {
    let source = Source { path, text };
    let raw: RawPolicy = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        source.error(span, error.message().trim_end().to_string())
    })?;

    let ticket = match raw.ticket {
        Some(ticket) => convert_ticket(&source, ticket)?,
        None => TicketGrant::default(),
    };
    let http = convert_grants(&source, raw.http)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let secrets = convert_secrets(&source, raw.secrets, &http, base)?;
    let limits = convert_limits(&source, raw.limits)?;

    Ok(Policy {
        path: Some(path.to_path_buf()),
        ticket,
        config: raw.config,
        http,
        secrets,
        limits,
    })
}

fn convert_ticket(source: &Source, raw: Spanned<RawTicket>) -> Result<TicketGrant, PolicyError> {
    let line = source.line(&raw.span());
    let raw = raw.into_inner();
    let mut write_fields: Vec<String> = Vec::with_capacity(raw.write_fields.len());
    for field in raw.write_fields {
        if field.get_ref().trim().is_empty() {
            return Err(source.error(
                field.span(),
                "ticket.write_fields has an empty field name: \
                 list field names as SecureChange shows them, such as \"Risk Score\""
                    .to_string(),
            ));
        }
        let field = field.into_inner();
        if !write_fields.contains(&field) {
            write_fields.push(field);
        }
    }
    Ok(TicketGrant {
        read: raw.read,
        write_fields,
        comment: raw.comment,
        line: Some(line),
    })
}

fn convert_grants(
    source: &Source,
    raw_grants: Vec<Spanned<RawHttp>>,
) -> Result<Vec<HttpGrant>, PolicyError> {
    let mut grants: Vec<HttpGrant> = Vec::with_capacity(raw_grants.len());
    for (index, raw) in raw_grants.into_iter().enumerate() {
        let header_span = raw.span();
        let name_span = raw
            .get_ref()
            .name
            .as_ref()
            .map_or(header_span.clone(), Spanned::span);
        let grant = convert_grant(source, index, raw)?;
        if let Some(first) = grants.iter().find(|seen| seen.name == grant.name) {
            return Err(source.error(
                name_span,
                format!(
                    "grant name `{}` is already used by the [[http]] grant on line {}: \
                     give each grant a unique name",
                    grant.name, first.line
                ),
            ));
        }
        grants.push(grant);
    }
    Ok(grants)
}

fn convert_grant(
    source: &Source,
    index: usize,
    raw: Spanned<RawHttp>,
) -> Result<HttpGrant, PolicyError> {
    let line = source.line(&raw.span());
    let raw = raw.into_inner();

    let name = match raw.name {
        Some(name) => check_name(source, name, "grant name", "scanner")?,
        None => format!("http[{}]", index + 1),
    };
    let scheme = match raw.scheme {
        Some(scheme) => Scheme::parse(scheme.get_ref()).ok_or_else(|| {
            source.error(
                scheme.span(),
                format!(
                    "invalid scheme `{}`: use scheme = \"https\" or scheme = \"http\"",
                    scheme.get_ref()
                ),
            )
        })?,
        None => Scheme::Https,
    };
    let host = HostPattern::parse(raw.host.get_ref()).map_err(|reason| {
        source.error(
            raw.host.span(),
            format!(
                "invalid host `{}`: {reason}; {HOST_FORMS}",
                raw.host.get_ref()
            ),
        )
    })?;
    let ports = match raw.ports {
        Some(ports) => convert_ports(source, ports)?,
        None => PortRange::single(scheme.default_port()),
    };
    let path_prefix = match raw.path_prefix {
        Some(prefix) => parse_path_prefix(prefix.get_ref()).map_err(|reason| {
            source.error(
                prefix.span(),
                format!(
                    "invalid path_prefix `{}`: {reason}; use an absolute path such as \"/api/v1/\"",
                    prefix.get_ref()
                ),
            )
        })?,
        None => "/".to_string(),
    };
    let methods = match raw.methods {
        Some(methods) => convert_methods(source, methods)?,
        None => vec!["GET".to_string()],
    };

    Ok(HttpGrant {
        name,
        scheme,
        host,
        ports,
        path_prefix,
        methods,
        line,
    })
}

fn convert_ports(source: &Source, raw: Spanned<RawPorts>) -> Result<PortRange, PolicyError> {
    let (text, parsed) = match raw.get_ref() {
        RawPorts::Number(number) => (
            number.to_string(),
            u16::try_from(*number)
                .map_err(|_| format!("port `{number}` is not from 1 to 65535"))
                .and_then(|port| PortRange::parse(&port.to_string())),
        ),
        RawPorts::Text(text) => (text.clone(), PortRange::parse(text)),
    };
    parsed.map_err(|reason| {
        source.error(
            raw.span(),
            format!(
                "invalid ports `{text}`: {reason}; use a port from 1 to 65535 (`443`) \
                 or a range (`\"8000-8100\"`)"
            ),
        )
    })
}

fn convert_methods(
    source: &Source,
    raw_methods: Vec<Spanned<String>>,
) -> Result<Vec<String>, PolicyError> {
    let mut methods: Vec<String> = Vec::with_capacity(raw_methods.len());
    for method in raw_methods {
        let text = method.get_ref();
        if text == "*" {
            return Err(source.error(
                method.span(),
                "invalid method `*`: list each method, such as methods = [\"GET\", \"POST\"]"
                    .to_string(),
            ));
        }
        if !is_token(text) {
            return Err(source.error(
                method.span(),
                format!(
                    "invalid method `{text}`: use an HTTP method name, \
                     such as methods = [\"GET\", \"POST\"]"
                ),
            ));
        }
        let upper = text.to_ascii_uppercase();
        if !methods.contains(&upper) {
            methods.push(upper);
        }
    }
    Ok(methods)
}

fn convert_secrets(
    source: &Source,
    raw_secrets: Vec<Spanned<RawSecret>>,
    grants: &[HttpGrant],
    base: &Path,
) -> Result<Vec<SecretGrant>, PolicyError> {
    let mut secrets: Vec<SecretGrant> = Vec::with_capacity(raw_secrets.len());
    for raw in raw_secrets {
        let header_span = raw.get_ref().header.span();
        let name_span = raw.get_ref().name.span();
        let secret = convert_secret(source, raw, grants, base)?;

        if let Some(first) = secrets.iter().find(|seen| seen.name == secret.name) {
            return Err(source.error(
                name_span,
                format!(
                    "secret name `{}` is already used by the [[secret]] on line {}: \
                     give each secret a unique name",
                    secret.name, first.line
                ),
            ));
        }
        let same_header = |seen: &&SecretGrant| {
            seen.grant_index == secret.grant_index
                && seen.header.eq_ignore_ascii_case(&secret.header)
        };
        if let Some(first) = secrets.iter().find(same_header) {
            return Err(source.error(
                header_span,
                format!(
                    "header `{}` of grant `{}` is already set by secret `{}` on line {}: \
                     keep one secret per header",
                    secret.header, secret.grant, first.name, first.line
                ),
            ));
        }
        secrets.push(secret);
    }
    Ok(secrets)
}

fn convert_secret(
    source: &Source,
    raw: Spanned<RawSecret>,
    grants: &[HttpGrant],
    base: &Path,
) -> Result<SecretGrant, PolicyError> {
    let header_span = raw.span();
    let line = source.line(&header_span);
    let raw = raw.into_inner();
    let name = check_name(source, raw.name, "secret name", "scanner-token")?;

    let secret_source = match (raw.env, raw.file) {
        (Some(var), None) => {
            let text = var.get_ref();
            if text.is_empty() || text.contains(['=', '\0']) {
                return Err(source.error(
                    var.span(),
                    format!(
                        "invalid env `{text}` in secret `{name}`: \
                         use an environment variable name such as \"SCANNER_TOKEN\""
                    ),
                ));
            }
            SecretSource::Env(var.into_inner())
        }
        (None, Some(file)) => {
            if file.get_ref().as_os_str().is_empty() {
                return Err(source.error(
                    file.span(),
                    format!(
                        "secret `{name}` has an empty file: \
                         use a path such as \"/etc/hook-runner/scanner.token\""
                    ),
                ));
            }
            SecretSource::File(base.join(file.into_inner()))
        }
        (Some(_), Some(_)) => {
            return Err(source.error(
                header_span,
                format!("secret `{name}` sets both env and file: keep exactly one"),
            ));
        }
        (None, None) => {
            return Err(source.error(
                header_span,
                format!(
                    "secret `{name}` has no source: set env = \"VARIABLE\" \
                     or file = \"/path/to/file\""
                ),
            ));
        }
    };

    let grant_index = find_grant(source, &raw.grant, grants)?;
    let header = check_header(source, raw.header)?;
    let format = match raw.format {
        Some(format) => check_format(source, format)?,
        None => "{}".to_string(),
    };

    Ok(SecretGrant {
        name,
        source: secret_source,
        grant: raw.grant.into_inner(),
        grant_index,
        header,
        format,
        line,
    })
}

/// Checks a grant or secret name: non-empty, no whitespace at either end,
/// no control characters.
fn check_name(
    source: &Source,
    name: Spanned<String>,
    what: &str,
    example: &str,
) -> Result<String, PolicyError> {
    let text = name.get_ref();
    let valid = !text.is_empty() && text.trim() == text && !text.chars().any(char::is_control);
    if !valid {
        return Err(source.error(
            name.span(),
            format!(
                "invalid {what} `{}`: use a non-empty name without surrounding spaces, \
                 such as \"{example}\"",
                text.escape_default()
            ),
        ));
    }
    Ok(name.into_inner())
}

fn find_grant(
    source: &Source,
    grant: &Spanned<String>,
    grants: &[HttpGrant],
) -> Result<usize, PolicyError> {
    if let Some(index) = grants.iter().position(|http| http.name == *grant.get_ref()) {
        return Ok(index);
    }
    let message = if grants.is_empty() {
        format!(
            "grant `{}` names no [[http]] grant, and the policy has none: \
             add an [[http]] grant with name = \"{}\"",
            grant.get_ref(),
            grant.get_ref()
        )
    } else {
        let names: Vec<String> = grants
            .iter()
            .map(|http| format!("`{}`", http.name))
            .collect();
        format!(
            "grant `{}` names no [[http]] grant: use one of {}",
            grant.get_ref(),
            names.join(", ")
        )
    };
    Err(source.error(grant.span(), message))
}

fn check_header(source: &Source, header: Spanned<String>) -> Result<String, PolicyError> {
    let text = header.get_ref();
    if !is_token(text) {
        return Err(source.error(
            header.span(),
            format!(
                "invalid header `{}`: use an HTTP header name such as \"Authorization\"",
                text.escape_default()
            ),
        ));
    }
    if FORBIDDEN_HEADERS.contains(&text.to_ascii_lowercase().as_str()) {
        return Err(source.error(
            header.span(),
            format!(
                "header `{text}` is set by the HTTP client and may not come from a secret: \
                 use a header such as \"Authorization\" or \"X-Api-Key\""
            ),
        ));
    }
    Ok(header.into_inner())
}

fn check_format(source: &Source, format: Spanned<String>) -> Result<String, PolicyError> {
    let text = format.get_ref();
    let problem = if text.matches("{}").count() != 1 {
        Some("it must contain `{}` exactly once")
    } else if text.chars().any(|c| c.is_control() && c != '\t') {
        Some("it contains a control character")
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(source.error(
            format.span(),
            format!(
                "invalid format `{}`: {problem}; use a template such as \"Bearer {{}}\"",
                text.escape_default()
            ),
        ));
    }
    Ok(format.into_inner())
}

fn convert_limits(source: &Source, raw: RawLimits) -> Result<PolicyLimits, PolicyError> {
    let apply = |rule: &limits::LimitRule, value: Option<Spanned<u64>>| {
        let Some(value) = value else {
            return Ok(rule.default);
        };
        rule.check(*value.get_ref())
            .map_err(|message| source.error(value.span(), message))
    };

    let fuel = apply(&limits::FUEL, raw.fuel)?;
    Ok(PolicyLimits {
        memory_mib: apply(&limits::MEMORY_MIB, raw.memory_mib)?,
        wall_time_seconds: apply(&limits::WALL_TIME_SECONDS, raw.wall_time_seconds)?,
        fuel: (fuel != 0).then_some(fuel),
        max_http_requests: apply(&limits::MAX_HTTP_REQUESTS, raw.max_http_requests)?,
        max_request_body_kib: apply(&limits::MAX_REQUEST_BODY_KIB, raw.max_request_body_kib)?,
        max_response_body_kib: apply(&limits::MAX_RESPONSE_BODY_KIB, raw.max_response_body_kib)?,
        http_timeout_seconds: apply(&limits::HTTP_TIMEOUT_SECONDS, raw.http_timeout_seconds)?,
        max_outcome_kib: apply(&limits::MAX_OUTCOME_KIB, raw.max_outcome_kib)?,
        max_log_kib: apply(&limits::MAX_LOG_KIB, raw.max_log_kib)?,
        max_output_kib: apply(&limits::MAX_OUTPUT_KIB, raw.max_output_kib)?,
    })
}

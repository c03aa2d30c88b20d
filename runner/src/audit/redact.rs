//! Keeps credentials and secret values out of audit lines.

use reqwest::Url;
use serde_json::Value;

/// The text that replaces a removed value.
pub const REDACTED: &str = "REDACTED";

/// Removes the parts of `url` that may carry credentials.
///
/// Keeps the scheme, host, port, path and the query keys, and replaces each
/// query value with `REDACTED`. Drops the user name, password and fragment.
/// A string that does not parse as a URL with a host, such as
/// `user:pw@host/path`, loses everything from the first `?` or `#`. It also
/// loses its user info, which is everything up to the last `@` in the part
/// that would be the authority.
pub fn redact_url(url: &str) -> String {
    let mut parsed = match Url::parse(url) {
        Ok(parsed) if !parsed.cannot_be_a_base() => parsed,
        _ => return redact_unparsed_url(url),
    };

    // Both calls fail only for URLs that cannot have user info, such as
    // `file:` URLs, so there is nothing to remove then.
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    parsed.set_fragment(None);

    if let Some(query) = parsed.query() {
        let keys = redact_query(query);
        parsed.set_query((!keys.is_empty()).then_some(keys.as_str()));
    }
    parsed.to_string()
}

/// Replaces every value in a query string with `REDACTED`. Keys stay as
/// written, still percent-encoded, and empty pairs are dropped.
fn redact_query(query: &str) -> String {
    let pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) => format!("{key}={REDACTED}"),
            None => pair.to_string(),
        })
        .collect();
    pairs.join("&")
}

fn redact_unparsed_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let without_query = &url[..end];

    // The authority starts after the first `//` unless a `/` comes before it.
    let authority_start = match without_query.find("//") {
        Some(index) if !without_query[..index].contains('/') => index + 2,
        _ => 0,
    };
    let authority_end = without_query[authority_start..]
        .find('/')
        .map_or(without_query.len(), |index| authority_start + index);
    match without_query[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{}",
            &without_query[..authority_start],
            &without_query[authority_start + at + 1..]
        ),
        None => without_query.to_string(),
    }
}

/// Registered secret values and the forms in which they can appear.
#[derive(Default)]
pub(super) struct Secrets {
    /// Each secret as given, plus its percent-encoded form when that differs,
    /// longest first so that a secret containing another is replaced whole.
    patterns: Vec<String>,
}

impl Secrets {
    /// Registers `secret`. An empty string is ignored.
    pub(super) fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        for pattern in [secret.to_string(), percent_encode_all(secret)] {
            if !self.patterns.contains(&pattern) {
                self.patterns.push(pattern);
            }
        }
        self.patterns
            .sort_by_key(|pattern| std::cmp::Reverse(pattern.len()));
    }

    /// Returns whether no secret is registered.
    pub(super) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Replaces every secret in the strings inside `value`, at any depth.
    /// Object keys are left alone.
    pub(super) fn redact_value(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.redact_string(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact_value(item)),
            Value::Object(fields) => fields
                .values_mut()
                .for_each(|field| self.redact_value(field)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn redact_string(&self, text: &mut String) {
        for pattern in &self.patterns {
            if text.contains(pattern.as_str()) {
                *text = text.replace(pattern.as_str(), REDACTED);
            }
        }
    }
}

/// Percent-encodes every byte outside RFC 3986's unreserved set, as
/// JavaScript's `encodeURIComponent` does, so a secret that a hook put into a
/// URL that way is found too.
///
/// NOTE: a URL that encodes only some of the reserved characters of a secret
/// (the `url` crate leaves `@` and `!` alone in paths, for example) does not
/// match this form, and such a secret stays in the path.
fn percent_encode_all(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

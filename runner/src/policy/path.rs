//! Request paths and the `path_prefix` of grants, normalised the same way.
//!
//! Percent-encoded unreserved characters are decoded and `.` and `..`
//! segments are resolved. Forms that some servers read differently are
//! rejected: a backslash, an encoded `/` or `\`, an encoded control
//! character, an empty segment inside the path and a dot segment with
//! parameters (`..;`).

use std::fmt;

/// The reason a path was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The path does not start with `/`.
    NotOriginForm,
    /// The path or query contains `#`.
    Fragment,
    /// The path contains `\`.
    Backslash,
    /// The path or query contains a space, a control character or a
    /// non-ASCII character that is not percent-encoded.
    RawCharacter,
    /// A `%` is not followed by two hex digits.
    InvalidEscape,
    /// The path contains `%2F` or `%5C`.
    EncodedSeparator,
    /// The path contains an encoded control character such as `%00`.
    EncodedControl,
    /// The path contains `//` before its last segment.
    EmptySegment,
    /// A segment is `.` or `..` followed by `;` parameters.
    DotSegmentWithParameters,
    /// A `..` segment climbs above `/`.
    AboveRoot,
    /// A grant's `path_prefix` contains a query.
    Query,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::NotOriginForm => "the path does not start with `/`",
            PathError::Fragment => "it contains a fragment (`#`)",
            PathError::Backslash => "it contains `\\`, which some servers read as `/`",
            PathError::RawCharacter => {
                "it contains a space, a control character or a non-ASCII character \
                 that is not percent-encoded"
            }
            PathError::InvalidEscape => "a `%` is not followed by two hex digits",
            PathError::EncodedSeparator => {
                "it contains an encoded `/` or `\\` (`%2F`, `%5C`), which some servers decode"
            }
            PathError::EncodedControl => "it contains an encoded control character such as `%00`",
            PathError::EmptySegment => "it contains an empty segment (`//`)",
            PathError::DotSegmentWithParameters => {
                "it contains a `.` or `..` segment with parameters (`..;`)"
            }
            PathError::AboveRoot => "its `..` segments climb above `/`",
            PathError::Query => "it contains a query (`?`)",
        })
    }
}

/// Normalises an absolute path without its query.
pub(crate) fn normalise_path(path: &str) -> Result<String, PathError> {
    if !path.starts_with('/') {
        return Err(PathError::NotOriginForm);
    }
    let decoded = decode_unreserved(path)?;

    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let mut resolved: Vec<&str> = Vec::with_capacity(segments.len());
    let mut trailing_slash = false;
    for (index, segment) in segments.iter().enumerate() {
        let last = index + 1 == segments.len();
        let base = segment.split(';').next().unwrap_or_default();
        if matches!(base, "." | "..") && base != *segment {
            return Err(PathError::DotSegmentWithParameters);
        }
        match *segment {
            "" if !last => return Err(PathError::EmptySegment),
            "" => trailing_slash = true,
            "." => trailing_slash = last,
            ".." => {
                resolved.pop().ok_or(PathError::AboveRoot)?;
                trailing_slash = last;
            }
            _ => resolved.push(segment),
        }
    }

    let mut normalised = String::with_capacity(decoded.len());
    for segment in &resolved {
        normalised.push('/');
        normalised.push_str(segment);
    }
    if trailing_slash || resolved.is_empty() {
        normalised.push('/');
    }
    Ok(normalised)
}

/// Checks a query: printable ASCII without `#`. The query is sent as the
/// hook wrote it.
pub(crate) fn check_query(query: &str) -> Result<(), PathError> {
    if query.contains('#') {
        return Err(PathError::Fragment);
    }
    if !query.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(PathError::RawCharacter);
    }
    Ok(())
}

/// Returns whether `path` lies under `prefix`, compared segment by segment, so
/// `/api/v1` covers `/api/v1` and `/api/v1/x` but not `/api/v10`. A trailing
/// slash in the prefix makes no difference. Both must be normalised.
pub(crate) fn is_under(path: &str, prefix: &str) -> bool {
    let mut path_segments = path.split('/').filter(|segment| !segment.is_empty());
    prefix
        .split('/')
        .filter(|segment| !segment.is_empty())
        .all(|wanted| path_segments.next() == Some(wanted))
}

/// Decodes `%XX` escapes of unreserved characters (letters, digits, `-`,
/// `.`, `_`, `~`) and writes other escapes in upper case.
fn decode_unreserved(path: &str) -> Result<String, PathError> {
    let bytes = path.as_bytes();
    let mut decoded = String::with_capacity(path.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'\\' {
            return Err(PathError::Backslash);
        }
        if byte == b'#' {
            return Err(PathError::Fragment);
        }
        if !byte.is_ascii_graphic() {
            return Err(PathError::RawCharacter);
        }
        if byte != b'%' {
            decoded.push(char::from(byte));
            index += 1;
            continue;
        }

        let escaped = bytes
            .get(index + 1..index + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .filter(|hex| hex.chars().all(|c| c.is_ascii_hexdigit()))
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .ok_or(PathError::InvalidEscape)?;
        if matches!(escaped, b'/' | b'\\') {
            return Err(PathError::EncodedSeparator);
        }
        if escaped.is_ascii_control() {
            return Err(PathError::EncodedControl);
        }
        if escaped.is_ascii_alphanumeric() || matches!(escaped, b'-' | b'.' | b'_' | b'~') {
            decoded.push(char::from(escaped));
        } else {
            decoded.push_str(&format!("%{escaped:02X}"));
        }
        index += 3;
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_path_cases() {
        let cases: &[(&str, Result<&str, PathError>)] = &[
            ("/", Ok("/")),
            ("/api/v1/x", Ok("/api/v1/x")),
            ("/api/v1/", Ok("/api/v1/")),
            ("/a/./b", Ok("/a/b")),
            ("/a/b/..", Ok("/a/")),
            ("/a/b/.", Ok("/a/b/")),
            ("/a/../b", Ok("/b")),
            ("/a/..", Ok("/")),
            ("/a/%2e%2E/b", Ok("/b")),
            ("/%61%7E", Ok("/a~")),
            ("/a%2fb", Err(PathError::EncodedSeparator)),
            ("/a%5Cb", Err(PathError::EncodedSeparator)),
            ("/a%20b", Ok("/a%20b")),
            ("/a%3fb", Ok("/a%3Fb")),
            ("/a%00", Err(PathError::EncodedControl)),
            ("/a%0a", Err(PathError::EncodedControl)),
            ("/a%", Err(PathError::InvalidEscape)),
            ("/a%4", Err(PathError::InvalidEscape)),
            ("/a%zz", Err(PathError::InvalidEscape)),
            ("/a%+1", Err(PathError::InvalidEscape)),
            ("/..", Err(PathError::AboveRoot)),
            ("/a/../..", Err(PathError::AboveRoot)),
            ("/%2e%2e/x", Err(PathError::AboveRoot)),
            ("/a//b", Err(PathError::EmptySegment)),
            ("//evil.test/x", Err(PathError::EmptySegment)),
            ("/a/..;/b", Err(PathError::DotSegmentWithParameters)),
            ("/a/.;x/b", Err(PathError::DotSegmentWithParameters)),
            ("/a;x/b", Ok("/a;x/b")),
            ("/a\\..\\b", Err(PathError::Backslash)),
            ("/a b", Err(PathError::RawCharacter)),
            ("/a\tb", Err(PathError::RawCharacter)),
            ("/caf\u{e9}", Err(PathError::RawCharacter)),
            ("/a#b", Err(PathError::Fragment)),
            ("a/b", Err(PathError::NotOriginForm)),
            ("*", Err(PathError::NotOriginForm)),
            ("", Err(PathError::NotOriginForm)),
            ("http://evil.test/", Err(PathError::NotOriginForm)),
        ];
        for (path, expected) in cases {
            let actual = normalise_path(path);
            assert_eq!(
                actual.as_deref().map_err(|error| *error),
                *expected,
                "normalise_path({path:?})"
            );
        }
    }

    #[test]
    fn is_under_cases() {
        let cases = [
            ("/api/v1/x", "/api/v1/", true),
            ("/api/v1/x", "/api/v1", true),
            ("/api/v1", "/api/v1/", true),
            ("/api/v1/", "/api/v1/", true),
            ("/api/v10", "/api/v1/", false),
            ("/api/v10", "/api/v1", false),
            ("/api", "/api/v1/", false),
            ("/", "/api/", false),
            ("/anything/at/all", "/", true),
            ("/API/v1/x", "/api/v1/", false),
        ];
        for (path, prefix, expected) in cases {
            assert_eq!(
                is_under(path, prefix),
                expected,
                "is_under({path:?}, {prefix:?})"
            );
        }
    }

    #[test]
    fn check_query_cases() {
        assert_eq!(check_query("a=1&b=%20"), Ok(()), "plain query");
        assert_eq!(check_query(""), Ok(()), "empty query");
        assert_eq!(check_query("a=1#x"), Err(PathError::Fragment), "fragment");
        assert_eq!(check_query("a= 1"), Err(PathError::RawCharacter), "space");
        assert_eq!(
            check_query("a=1\r\nHost: x"),
            Err(PathError::RawCharacter),
            "line break"
        );
    }
}

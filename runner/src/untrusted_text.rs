//! Text from hooks and from the command line made safe to print: escaped
//! so that it cannot move the terminal's cursor, forge a log line or show
//! other text than it holds, and cut when it is long.

use std::borrow::Cow;

/// Returns whether `character` changes the display order of text around it
/// (the Unicode bidirectional formatting characters), which can make text
/// read differently from what it holds.
pub fn is_bidi_control(character: char) -> bool {
    matches!(
        character,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Escapes control characters (line breaks included) and bidirectional
/// formatting characters as `\n` or `\u{202e}`.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    let needs_escape = |character: char| character.is_control() || is_bidi_control(character);
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        if needs_escape(character) {
            escaped.extend(character.escape_default());
        } else {
            escaped.push(character);
        }
    }
    Cow::Owned(escaped)
}

/// Returns `text` escaped as [`escape_control`] does and cut after
/// `max_chars` characters, with the original length in bytes after a cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let escaped = escape_control(text);
    match escaped.char_indices().nth(max_chars) {
        None => escaped.into_owned(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &escaped[..cut], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(escape_control("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
        assert_eq!(escape_control("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert!(matches!(escape_control("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_its_length() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("abcdef", 3), "abc... (6 bytes in all)");
        assert_eq!(shorten("\n\n", 3), "\\n\\... (2 bytes in all)");
    }
}

//! Text from an input, shown to a person: escaped so that it cannot drive the terminal,
//! and capped so that a huge token is not echoed whole.
//!
//! * [`escape`]: a value (a member name, a title, an attribute value, a file name) on one
//!   line: C0 and C1 controls, DEL, line breaks and the bidirectional formatting characters
//!   (which reorder what a terminal shows: "Trojan Source") become visible escapes.
//! * [`escape_lines`]: the same for a whole report, whose own line breaks stay.
//! * [`excerpt`]: at most [`EXCERPT_WIDTH`] characters of a value quoted in a message, cut
//!   with `…`; [`excerpt_around`] keeps the part around a column instead of the start.
//!
//! ```
//! use tern_diag::quote::{escape, excerpt};
//!
//! assert_eq!(escape("disk\x1b[2J.vmdk\n"), "disk\\u{1b}[2J.vmdk\\n");
//! assert_eq!(escape("plain"), "plain");
//! let token = "x".repeat(1_000_000);
//! assert_eq!(excerpt(&token).chars().count(), tern_diag::quote::EXCERPT_WIDTH + 1);
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

/// The most characters of an input's text a message quotes; longer text is cut with `…`.
pub const EXCERPT_WIDTH: usize = 80;

/// `text` on one line, safe for a terminal: every character [`is_unsafe`] written as an
/// escape (`\n`, `\r`, `\t`, else `\u{HEX}`). Borrowed when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_except(text, None)
}

/// [`escape`] for a text of several lines: its line feeds stay, everything else unsafe is
/// escaped (a carriage return too, so that no line overwrites another).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_except(text, Some('\n'))
}

/// True for the characters a terminal must not receive raw from an input: C0 controls
/// (ESC, BEL, line breaks, tab…), DEL, C1 controls (U+0080–U+009F, CSI among them), and
/// the invisible bidirectional formatting characters (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// At most [`EXCERPT_WIDTH`] characters of `text` (its start), followed by `…` when cut.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_WIDTH) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// At most [`EXCERPT_WIDTH`] characters of `text` around the character at `column`
/// (1-based), with `…` on each side that was cut, and the column of that character in the
/// result. The whole text when it is short enough.
pub fn excerpt_around(text: &str, column: usize) -> (Cow<'_, str>, usize) {
    let count = text.chars().count();
    if count <= EXCERPT_WIDTH {
        return (Cow::Borrowed(text), column);
    }
    let column = column.clamp(1, count + 1);
    let first = column
        .saturating_sub(EXCERPT_WIDTH / 2)
        .min(count - EXCERPT_WIDTH);
    let byte = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    let (start, end) = (byte(first), byte(first + EXCERPT_WIDTH));
    let mut out = String::with_capacity(end - start + 6);
    let mut at = column - first;
    if first > 0 {
        out.push('…');
        at += 1;
    }
    out.push_str(&text[start..end]);
    if end < text.len() {
        out.push('…');
    }
    (Cow::Owned(out), at)
}

// A message short enough whole, and in every quote and word, measured in bytes: what nearly
// every finding says, told in one pass over the bytes instead of a decoding of each word.
// Bytes are never fewer than characters, and a word is only cut at ASCII white space here:
// each length is at least what `cap_message` counts, so `true` is always its answer too.
fn fits_as_it_is(message: &str) -> bool {
    if message.len() > MESSAGE_WIDTH {
        return false;
    }
    // Shorter than the shortest limit: nothing in it can be too long. Shorter than a word
    // may be: only its quotes are measured.
    if message.len() <= EXCERPT_WIDTH {
        return true;
    }
    if message.len() <= WORD_WIDTH {
        return message
            .split('`')
            .skip(1)
            .step_by(2)
            .all(|quoted| quoted.len() <= EXCERPT_WIDTH);
    }
    let (mut word, mut quote, mut quoted) = (0, 0, false);
    for &b in message.as_bytes() {
        if b == b'`' {
            quoted = !quoted;
            quote = 0;
        } else if quoted {
            quote += 1;
            if quote > EXCERPT_WIDTH {
                return false;
            }
        }
        // `char::is_whitespace` on ASCII: tab, line feed, vertical tab, form feed, carriage
        // return and space.
        if matches!(b, b'\t'..=b'\r' | b' ') {
            word = 0;
        } else {
            word += 1;
            if word > WORD_WIDTH {
                return false;
            }
        }
    }
    true
}

/// `message` with every run between backticks longer than [`EXCERPT_WIDTH`] characters, and
/// every word (a run without white space) longer than [`WORD_WIDTH`], cut to
/// [`EXCERPT_WIDTH`] characters with `…`; the whole capped at [`MESSAGE_WIDTH`] characters:
/// the safety net under every finding's message, for a codec that quoted an input's token
/// whole (in backticks, in double quotes, or bare).
pub fn cap_message(message: &str) -> Cow<'_, str> {
    if fits_as_it_is(message) {
        return Cow::Borrowed(message);
    }
    let long_quote = message
        .split('`')
        .skip(1)
        .step_by(2)
        .any(|quoted| quoted.chars().nth(EXCERPT_WIDTH).is_some());
    let long_word = message
        .split(char::is_whitespace)
        .any(|word| word.chars().nth(WORD_WIDTH).is_some());
    let capped: Cow<'_, str> = if long_quote || long_word {
        let mut out = String::new();
        for (i, part) in message.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            let part = if i % 2 == 1 {
                excerpt(part)
            } else {
                Cow::Borrowed(part)
            };
            cap_words(&part, &mut out);
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(message)
    };
    match capped.char_indices().nth(MESSAGE_WIDTH) {
        None => capped,
        Some((end, _)) => Cow::Owned(format!("{}…", &capped[..end])),
    }
}

/// The longest word (a run without white space) a message keeps whole: longer than any
/// URI or path worth reading in a message.
pub const WORD_WIDTH: usize = 200;

// `text` into `out`, every word longer than WORD_WIDTH cut to an excerpt.
fn cap_words(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        if word.chars().nth(WORD_WIDTH).is_some() {
            out.push_str(&excerpt(word));
        } else {
            out.push_str(word);
        }
        let blank = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        out.push_str(&after[..blank]);
        rest = &after[blank..];
    }
}

/// The most characters of a finding's message (and of its hint); a codec's message is a
/// sentence or two, so only a quoted token ever comes near it.
pub const MESSAGE_WIDTH: usize = 1000;

// `text` with every unsafe character but `keep` escaped.
fn escape_except(text: &str, keep: Option<char>) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && Some(c) != keep;
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !unsafe_here(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {

    // The long way, for comparison with the one-pass answer.
    fn capped_the_long_way(message: &str) -> bool {
        message
            .split('`')
            .skip(1)
            .step_by(2)
            .any(|q| q.chars().nth(EXCERPT_WIDTH).is_some())
            || message
                .split(char::is_whitespace)
                .any(|w| w.chars().nth(WORD_WIDTH).is_some())
            || message.chars().nth(MESSAGE_WIDTH).is_some()
    }

    #[test]
    fn the_one_pass_answer_agrees_at_every_limit() {
        let mut messages = Vec::new();
        for n in [0, 1, 79, 80, 81, 199, 200, 201, 999, 1000, 1001] {
            let run = "x".repeat(n);
            messages.push(run.clone());
            messages.push(format!("a `{run}` b"));
            messages.push(format!("a `{run}"));
            messages.push(format!("`a` and `{run}`"));
            messages.push(format!("word\t{run}\x0b{run}"));
            messages.push(format!("{} {run}", "y ".repeat(n / 2)));
            messages.push(format!("é {run}"));
        }
        for m in &messages {
            if fits_as_it_is(m) {
                assert!(!capped_the_long_way(m), "{} bytes", m.len());
                assert_eq!(cap_message(m), Cow::Borrowed(m.as_str()));
            } else if m.is_ascii() {
                assert!(
                    capped_the_long_way(m),
                    "{} bytes: ASCII and capped",
                    m.len()
                );
            }
        }
    }

    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(
            escape("a\x07b\x1bc\x7fd\u{9b}e"),
            "a\\u{7}b\\u{1b}c\\u{7f}d\\u{9b}e"
        );
        assert_eq!(escape("r\u{202e}txt.exe"), "r\\u{202e}txt.exe");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(escape("a\r\nb\tc"), "a\\r\\nb\\tc");
        assert_eq!(escape("Ünïcødé ok"), "Ünïcødé ok");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn reports_keep_their_lines() {
        assert_eq!(escape_lines("a\x1b[31m\nb\r\n"), "a\\u{1b}[31m\nb\\r\n");
    }

    #[test]
    fn excerpts_are_capped() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(500);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_WIDTH + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn excerpts_around_a_column_keep_it() {
        let text = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (shown, at) = excerpt_around(&text, 1001);
        assert!(shown.chars().count() <= EXCERPT_WIDTH + 2);
        assert_eq!(shown.chars().nth(at - 1), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let (shown, at) = excerpt_around(&text, 1);
        assert_eq!((shown.chars().next(), at), (Some('a'), 1));
        assert_eq!(excerpt_around("abc", 2), (Cow::Borrowed("abc"), 2));
    }

    #[test]
    fn messages_quoting_a_huge_token_are_capped() {
        let token = "t".repeat(200_000);
        let message = format!("unknown term `{token}` in `Category`");
        let capped = cap_message(&message);
        assert!(capped.len() < 200, "{capped}");
        assert!(capped.ends_with("…` in `Category`"), "{capped}");
        let unquoted = format!("bad value {token}");
        assert_eq!(
            cap_message(&unquoted).chars().count(),
            10 + EXCERPT_WIDTH + 1
        );
        let wordy = "word ".repeat(1000);
        assert_eq!(cap_message(&wordy).chars().count(), MESSAGE_WIDTH + 1);
        assert!(matches!(cap_message("fine `x`"), Cow::Borrowed(_)));
        let bare = format!("<rasd:VirtualQuantity> \"{token}\" is no integer");
        let capped = cap_message(&bare);
        assert!(capped.len() < 200, "{capped}");
        assert!(capped.ends_with("… is no integer"), "{capped}");
    }
}

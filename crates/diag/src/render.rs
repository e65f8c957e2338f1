//! The one text rendering of findings: the line form (the `Display` of [`Finding`]), and the
//! line form followed by a snippet of the source with a caret under the column. A finding's
//! hint follows on its own line, indented: `  help: …`. What the input put into a file name,
//! a message or a hint is escaped ([`crate::quote::escape`]): a finding is one line, and
//! nothing in it drives the terminal.

use std::fmt::Write as _;

use crate::finding::Finding;
use crate::quote::escape;

/// The widest slice of a source line shown in a snippet; longer lines (XenServer writes its
/// descriptor on one line) are cut around the column.
pub const SNIPPET_WIDTH: usize = 100;

/// Every finding in the line form, one per line (and its hint, if any, on the next line).
pub fn lines(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        line(finding, &mut out);
        hint(finding, &mut out);
    }
    out
}

// The line form, escaped: file names and messages quote the input, which must not drive the
// terminal ([`crate::quote::escape`]).
fn line(finding: &Finding, out: &mut String) {
    let _ = writeln!(out, "{}", escape(&finding.to_string()));
}

// `  help: …` when the finding has a hint.
fn hint(finding: &Finding, out: &mut String) {
    if let Some(hint) = &finding.hint {
        let _ = writeln!(out, "  help: {}", escape(hint));
    }
}

/// The line form, then, when the finding has a position inside `source`, the source line and a
/// caret under the column, like a compiler:
///
/// ```text
/// x.ovf:3:1: error[OVF-XML]: malformed XML: expected </References>
///   |
/// 3 | </Envelope>
///   | ^
/// ```
pub fn snippet(finding: &Finding, source: &str) -> String {
    let mut out = String::new();
    line(finding, &mut out);
    caret(finding, source, &mut out);
    hint(finding, &mut out);
    out
}

// The source line of the finding's position and a caret under its column.
fn caret(finding: &Finding, source: &str, out: &mut String) {
    let Some(position) = finding.position else {
        return;
    };
    // One scan to the line, nothing indexed or copied: a snippet of a 50 MB one-line
    // descriptor costs no more than reading past it.
    let Some(text) = position
        .line
        .checked_sub(1)
        .and_then(|n| source.split('\n').nth(n))
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
    else {
        return;
    };
    let (shown, caret) = window(text, position.column);
    let line = position.line.to_string();
    let pad = " ".repeat(line.len());
    let _ = write!(
        out,
        "{pad} |\n{line} | {shown}\n{pad} | {caret:>width$}\n",
        caret = "^",
        width = caret,
    );
}

// At most SNIPPET_WIDTH characters around `column`, and the caret's column inside them.
// Control and bidirectional formatting characters are shown as spaces: the caret stays
// aligned and the terminal receives nothing that drives it.
// Only the shown characters are copied (the line may be a whole descriptor).
fn window(text: &str, column: usize) -> (String, usize) {
    let shown = |skip, take| {
        text.chars()
            .skip(skip)
            .take(take)
            .map(|c| if crate::quote::is_unsafe(c) { ' ' } else { c })
            .collect()
    };
    let len = text.chars().count();
    let column = column.clamp(1, len + 1);
    if len <= SNIPPET_WIDTH {
        return (shown(0, len), column);
    }
    let start = column
        .saturating_sub(SNIPPET_WIDTH / 2)
        .min(len - SNIPPET_WIDTH);
    (shown(start, SNIPPET_WIDTH), column - start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn the_caret_points_at_the_column() {
        let f = Finding::error("OVF-XML", "a DOCTYPE is not allowed")
            .at(Position::new(2, 5))
            .in_file("x.ovf");
        let out = snippet(&f, "<a>\nabc <!DOCTYPE>\n");
        assert_eq!(
            out,
            "x.ovf:2:5: error[OVF-XML]: a DOCTYPE is not allowed\n  |\n2 | abc <!DOCTYPE>\n  |     ^\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let source = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let f = Finding::error("R", "here").at(Position::new(1, 5001));
        let out = snippet(&f, &source);
        let shown = out.lines().nth(2).unwrap();
        let caret = out.lines().nth(3).unwrap();
        assert!(shown.chars().count() <= SNIPPET_WIDTH + 4, "{shown}");
        let x = shown.find('X').unwrap();
        assert_eq!(caret.find('^'), Some(x), "{out}");
    }

    #[test]
    fn a_hint_follows_the_line_and_the_snippet() {
        let f = Finding::error("cli.usage", "vm.ova: already exists").with_hint("use --force");
        assert_eq!(
            lines(std::slice::from_ref(&f)),
            "error[cli.usage]: vm.ova: already exists\n  help: use --force\n"
        );
        let f = f.at(Position::new(1, 2));
        assert_eq!(
            snippet(&f, "abc"),
            "1:2: error[cli.usage]: vm.ova: already exists\n  |\n1 | abc\n  |  ^\n  help: use --force\n"
        );
    }

    #[test]
    fn what_the_input_says_cannot_drive_the_terminal() {
        let f = Finding::error("R", "member `a\x1b[2Jb\nc` is odd")
            .in_file("x\u{202e}y.ova")
            .with_hint("rename \x07it");
        assert_eq!(
            lines(std::slice::from_ref(&f)),
            "x\\u{202e}y.ova: error[R]: member `a\\u{1b}[2Jb\\nc` is odd\n  help: rename \\u{7}it\n"
        );
        let f = f.at(Position::new(1, 3));
        let out = snippet(&f, "a\x1b\u{202e}bc");
        assert!(
            !out.contains('\x1b') && !out.contains('\u{202e}'),
            "{out:?}"
        );
        assert!(out.contains("1 | a  bc\n  |   ^"), "{out}");
    }

    #[test]
    fn no_snippet_without_a_position_or_outside_the_source() {
        let f = Finding::warning("R", "m");
        assert_eq!(snippet(&f, "abc"), "warning[R]: m\n");
        let f = f.at(Position::new(9, 1));
        assert_eq!(snippet(&f, "abc"), "9:1: warning[R]: m\n");
    }
}

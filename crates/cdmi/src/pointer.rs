//! JSON pointers (RFC 6901) naming the member a finding is about, and the recording of findings
//! at them. Rules see `serde_json` values, which have no positions: a finding carries the
//! pointer of its member, and [`crate::body::parse`] turns the pointer into a line and column.

use tern_diag::{Bounded, Finding};

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(c),
        }
    }
}

/// `pointer` + `/token`, escaped.
pub fn child(pointer: &str, token: &str) -> String {
    let mut p = pointer.to_owned();
    push_token(&mut p, token);
    p
}

/// The last reference token of `pointer`, unescaped (`""` for the whole document).
pub fn last_token(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

/// Recording findings about the member at a pointer.
pub(crate) trait Record {
    /// Records an error about the member at `pointer`.
    fn error(&mut self, rule: &'static str, pointer: impl Into<String>, message: impl Into<String>);
    /// Records a warning about the member at `pointer`.
    fn warning(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    );
}

impl Record for Bounded {
    fn error(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Finding::error(rule, message).with_pointer(pointer));
    }

    fn warning(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Finding::warning(rule, message).with_pointer(pointer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_unescaped() {
        let p = child(&child("", "a/b"), "c~d");
        assert_eq!(p, "/a~1b/c~0d");
        assert_eq!(last_token(&p), "c~d");
        assert_eq!(last_token(""), "");
    }
}

//! The characters a URI reference holds as they stand (RFC 3986): the one rule behind the
//! locations the renderings write and read (`tern_occi`) and the ones ids imply
//! ([`crate::Entity::implied_location`]).

/// True when every character of `text` may stand in a URI reference as it is: no space or
/// other white space, no control character, none of `"`, `<`, `>`, `\`, `^`, a backquote,
/// `{`, `|`, `}` (RFC 3986 excludes them; they must be percent-encoded). Other non-ASCII
/// characters pass, as IRIs have them. The empty text passes.
///
/// ```
/// assert!(tern_model::is_uri_text("/compute/vm-1?x=%20"));
/// assert!(!tern_model::is_uri_text("/compute/a->b"));
/// assert!(!tern_model::is_uri_text("a b"));
/// ```
pub fn is_uri_text(text: &str) -> bool {
    // ASCII bytes are judged by a table; other characters (rare in URIs) one by one.
    if text.is_ascii() {
        text.bytes().all(|b| URI_BYTE[usize::from(b)])
    } else {
        text.chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"\"<>\\^`{|}".contains(c))
    }
}

// The ASCII characters `is_uri_text` accepts: printable, not space, not `"<>\^`{|}`.
const URI_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(
            b as u8,
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
        );
        b += 1;
    }
    table
};

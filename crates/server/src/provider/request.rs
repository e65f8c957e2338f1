//! A request as the provider sees it, its query string and its rendering.

use std::fmt::Write as _;

use tern_model::CategoryId;
use tern_occi::{Document, MediaType, TextDocument, parse_text, read};

use super::{Ctx, Fail, Outcome};
use crate::negotiate;
use crate::render::Reply;

/// The HTTP methods OCCI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Other,
}

/// One request: what the HTTP layer extracted.
#[derive(Debug, Clone)]
pub(crate) struct OcciRequest {
    pub method: Method,
    pub path: String,
    pub query: String,
    pub accept: Option<String>,
    pub content_type: Option<String>,
    /// The OCCI header fields (text/occi), as a header block.
    pub occi_headers: String,
    pub body: String,
    /// The `Slug` header (RFC 5023 §9.7): the name a client proposes for what a POST creates.
    pub slug: Option<String>,
    /// `http://host`, for absolute URIs.
    pub base: String,
    /// The `If-Match` header: the entity tags the client's change assumes.
    pub if_match: Option<String>,
    /// The `If-None-Match` header (`*`: create only).
    pub if_none_match: Option<String>,
}

impl OcciRequest {
    /// The query's `key=value` pairs, percent-decoded (`&` and `;` separate them).
    pub fn params(&self) -> Vec<(String, String)> {
        params(&self.query)
    }

    /// The value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<String> {
        query_param(&self.query, key)
    }

    /// Whether the request carries a rendering (a body, or OCCI fields in its headers).
    pub fn has_rendering(&self) -> bool {
        !self.body.trim().is_empty() || !self.occi_headers.is_empty()
    }

    /// The request's rendering read into the model (400 with the codec's findings, 415 for
    /// a media type not read here).
    pub fn document(&self, ctx: &Ctx) -> Outcome<Document> {
        self.document_of_kind(ctx, None)
    }

    /// [`OcciRequest::document`], where a rendering without a Kind is of `kind` (a partial
    /// update names only what changes). The Kind is added after the fields the client sent,
    /// so that findings keep their lines and columns.
    pub fn document_of_kind(&self, ctx: &Ctx, kind: Option<&CategoryId>) -> Outcome<Document> {
        let media = self.media(ctx)?;
        let text = if media == MediaType::TextOcci {
            self.occi_headers.as_str()
        } else {
            self.body.as_str()
        };
        let completed;
        let text = match kind {
            Some(kind) if media.is_json() => {
                let object = text.trim_end();
                match object.strip_suffix('}') {
                    Some(open) if !text.contains("\"kind\"") && object.starts_with('{') => {
                        let comma = if open.trim() == "{" { "" } else { ", " };
                        completed = format!("{open}{comma}\"kind\": \"{kind}\"}}");
                        completed.as_str()
                    }
                    _ => text,
                }
            }
            Some(kind) if media != MediaType::UriList => {
                let has_kind = text.lines().any(|l| {
                    l.trim_start()
                        .get(..9)
                        .is_some_and(|n| n.eq_ignore_ascii_case("category:"))
                });
                if has_kind {
                    text
                } else {
                    let mut t = text.trim_end().to_owned();
                    if !t.is_empty() {
                        t.push_str("\r\n");
                    }
                    let _ = write!(
                        t,
                        "Category: {}; scheme=\"{}\"; class=\"kind\"\r\n",
                        kind.term(),
                        kind.scheme()
                    );
                    completed = t;
                    completed.as_str()
                }
            }
            _ => text,
        };
        match read(text, media, &ctx.options, &ctx.catalogue) {
            Ok(parsed) => Ok(parsed.value),
            Err(e) => Err(Fail::Reply(Reply::findings(
                400,
                &format!("the {} rendering cannot be read:", media.essence()),
                e.findings(),
            ))),
        }
    }

    /// The OCCI fields in the request's headers, as text (filters of a GET).
    pub fn header_fields(&self, ctx: &Ctx) -> Outcome<Option<TextDocument>> {
        if self.occi_headers.is_empty() {
            return Ok(None);
        }
        match parse_text(&self.occi_headers, MediaType::TextOcci, &ctx.options) {
            Ok(p) => Ok(Some(p.value)),
            Err(e) => Err(Fail::Reply(Reply::findings(
                400,
                "the OCCI header fields cannot be read:",
                e.findings(),
            ))),
        }
    }

    fn media(&self, ctx: &Ctx) -> Outcome<MediaType> {
        negotiate::input(
            self.content_type.as_deref(),
            &self.body,
            !self.occi_headers.is_empty(),
            &ctx.readable(),
        )
        .map_err(Fail::Reply)
    }
}

/// A query string's `key=value` pairs, percent-decoded (`&` and `;` separate them).
pub(crate) fn params(query: &str) -> Vec<(String, String)> {
    query
        .split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The value of `key` in a query string.
pub(crate) fn query_param(query: &str, key: &str) -> Option<String> {
    params(query)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

// `%XX` and `+` decoded; invalid escapes kept as they are.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decoding() {
        assert_eq!(super::decode("a%20b+c%"), "a b c%");
        assert_eq!(super::decode("http%3A%2F%2Fx%23y"), "http://x#y");
        assert_eq!(super::decode("%4"), "%4");
        assert_eq!(super::decode("%zz"), "%zz");
    }
}

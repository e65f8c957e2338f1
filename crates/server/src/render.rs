//! Responses: a status, headers and a body, rendered through tern-occi's writer.

use tern_diag::Finding;
use tern_occi::{Document, MediaType, write};

/// A response before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<&'static str>,
    pub body: String,
}

impl Reply {
    /// `status` with a plain-text message.
    pub fn error(status: u16, message: impl Into<String>) -> Reply {
        let mut body = message.into();
        body.push('\n');
        Reply {
            status,
            headers: Vec::new(),
            content_type: Some("text/plain; charset=utf-8"),
            body,
        }
    }

    /// `status` with a message and the findings behind it, one per line
    /// (`LINE:COLUMN: severity[rule]: message`).
    pub fn findings(status: u16, message: &str, findings: &[Finding]) -> Reply {
        let mut body = format!("{message}\n");
        for f in findings {
            body.push_str(&f.to_string());
            body.push('\n');
        }
        Reply {
            status,
            headers: Vec::new(),
            content_type: Some("text/plain; charset=utf-8"),
            body,
        }
    }

    /// `status` without a body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: None,
            body: String::new(),
        }
    }

    /// 406, naming what is served.
    pub fn not_acceptable(accept: &str, offer: &[MediaType]) -> Reply {
        let list = names(offer);
        let mut r = Reply::error(
            406,
            format!(
                "no rendering acceptable to `Accept: {accept}`; this resource is served as: {list}"
            ),
        );
        r.headers.push(("Accept".into(), list));
        r
    }

    /// 415, naming what is read.
    pub fn unsupported(content_type: &str, readable: &[MediaType]) -> Reply {
        let list = names(readable);
        Reply::error(
            415,
            format!("`Content-Type: {content_type}` is not read here; send one of: {list}"),
        )
    }

    /// `doc` rendered in `media`; locations of a `text/uri-list` are made absolute with
    /// `base` (RFC 2483 wants absolute URIs), a `text/occi` rendering goes into headers.
    pub fn document(status: u16, doc: &Document, media: MediaType, base: &str) -> Reply {
        let absolute;
        let doc = match (doc, media) {
            (Document::Locations(l), MediaType::UriList) => {
                absolute = Document::Locations(
                    l.iter()
                        .map(|l| {
                            if l.starts_with('/') {
                                format!("{base}{l}")
                            } else {
                                l.clone()
                            }
                        })
                        .collect(),
                );
                &absolute
            }
            _ => doc,
        };
        let rendered = write(doc, media);
        let content_type = Some(content_type(media));
        if media == MediaType::TextOcci {
            let headers = rendered
                .text
                .split("\r\n")
                .filter_map(|line| line.split_once(": "))
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            return Reply {
                status,
                headers,
                content_type,
                body: "OK\n".into(),
            };
        }
        Reply {
            status,
            headers: Vec::new(),
            content_type,
            body: rendered.text,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

fn content_type(media: MediaType) -> &'static str {
    match media {
        MediaType::TextPlain => "text/plain; charset=utf-8",
        MediaType::TextOcciPlain => "text/occi+plain; charset=utf-8",
        MediaType::TextOcci => "text/occi",
        MediaType::UriList => "text/uri-list",
        MediaType::Json => "application/json",
        MediaType::OcciJson => "application/occi+json",
    }
}

fn names(list: &[MediaType]) -> String {
    list.iter()
        .map(|m| m.essence())
        .collect::<Vec<_>>()
        .join(", ")
}

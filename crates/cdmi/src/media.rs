//! Media types (RFC 6208) and the rule that tells CDMI requests from plain HTTP ones.

// The media type names of the object types live with the types; they are part of the HTTP
// rules too, so they are found here as well.
use crate::object::ObjectType;
pub use crate::object::{MediaTypeForm, parse_media_type};

/// Which interface a request addresses (1.1.1 clause 6.1; 2.0 overview).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interface {
    /// A CDMI 1.x request: it carries `X-CDMI-Specification-Version`.
    Cdmi1,
    /// A CDMI 2.x request: no version header, but a CDMI media type in `Content-Type` (bodies)
    /// or `Accept` (reads).
    Cdmi2,
    /// A plain HTTP request (clauses 6 and 7): raw bytes in and out.
    Http,
}

/// What a request path addresses, decided by its trailing slash (1.1.1 5.13.5, 7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathTarget {
    /// Ends in `/`: a container (or domain, or capability object).
    Container,
    /// No trailing slash: a data object or queue (or a container to be redirected with 301).
    Object,
}

/// The request headers the dispatch rule reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestHead<'a> {
    /// HTTP method, e.g. `PUT`.
    pub method: &'a str,
    /// Request path (query string allowed).
    pub path: &'a str,
    /// `Content-Type`, if any.
    pub content_type: Option<&'a str>,
    /// `Accept`, if any.
    pub accept: Option<&'a str>,
    /// `X-CDMI-Specification-Version`, if any.
    pub spec_version: Option<&'a str>,
}

/// What the trailing-slash rules say about a request (1.1.1 clauses 7.2, 9.1, 9.2, 10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlashOutcome {
    /// Proceed.
    Proceed,
    /// 301 Moved Permanently to the same path with `/`: an existing container or domain
    /// addressed without it.
    RedirectWithSlash,
    /// 400 Bad Request: a CDMI create of a container (or domain) whose URI lacks the slash.
    BadRequest,
    /// A plain-HTTP PUT to a path ending in `/` creates a container (7.2).
    CreateContainer,
}

/// Applies the trailing-slash rules. `existing` is the type of the object at the path without
/// its slash, if one exists; `body_type` the CDMI type of the request body, if any.
pub fn slash_rule(
    interface: Interface,
    method: &str,
    path: &str,
    existing: Option<ObjectType>,
    body_type: Option<ObjectType>,
) -> SlashOutcome {
    let slash = path_target(path) == PathTarget::Container;
    let listing =
        |t: Option<ObjectType>| matches!(t, Some(ObjectType::Container | ObjectType::Domain));
    if !slash && listing(existing) {
        return SlashOutcome::RedirectWithSlash;
    }
    let creating = existing.is_none() && method.eq_ignore_ascii_case("PUT");
    if creating && !slash && interface != Interface::Http && listing(body_type) {
        return SlashOutcome::BadRequest;
    }
    if creating && slash && interface == Interface::Http {
        return SlashOutcome::CreateContainer;
    }
    SlashOutcome::Proceed
}

/// The media type of an object type in the RFC 6839 `+json` form (e.g.
/// `application/cdmi-object+json`), which 1.1.1 (5.13.2) and 2.0 servers accept and some send.
pub fn plus_json(object_type: ObjectType) -> String {
    format!("{}+json", object_type.media_type())
}

/// The CDMI type named by `media_type`, in any accepted form.
pub fn object_type_of(media_type: &str) -> Option<ObjectType> {
    ObjectType::from_media_type(media_type)
}

/// True when any entry of an `Accept` or `Content-Type` header names a CDMI type.
pub fn names_cdmi_type(header: &str) -> bool {
    header
        .split(',')
        .any(|entry| object_type_of(entry).is_some())
}

/// The dispatch rule between CDMI and plain HTTP: the version header means CDMI 1.x; without
/// it, a CDMI type in `Content-Type` (requests with a body) or `Accept` (any request) means
/// CDMI 2.x; anything else is plain HTTP. This serves libcdmi (CDMI `Accept` without the
/// header, expecting raw bytes, is treated as 2.x JSON only by a 2.x server; a 1.x-only server
/// should call [`dispatch_1x`]) and cdmi-cli (header with `Accept: */*`).
pub fn dispatch(head: &RequestHead<'_>) -> Interface {
    if head.spec_version.is_some_and(|v| !v.trim().is_empty()) {
        return Interface::Cdmi1;
    }
    let body_type = head.content_type.is_some_and(names_cdmi_type);
    let accept_type = head.accept.is_some_and(names_cdmi_type);
    if body_type || accept_type {
        Interface::Cdmi2
    } else {
        Interface::Http
    }
}

/// The 1.x-only reading (Onedata's): the version header alone decides.
pub fn dispatch_1x(head: &RequestHead<'_>) -> Interface {
    if head.spec_version.is_some_and(|v| !v.trim().is_empty()) {
        Interface::Cdmi1
    } else {
        Interface::Http
    }
}

/// Container or object, by the trailing slash of the path (query string ignored).
pub fn path_target(path: &str) -> PathTarget {
    let path = path.split('?').next().unwrap_or_default();
    if path.ends_with('/') {
        PathTarget::Container
    } else {
        PathTarget::Object
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_in_every_accepted_form() {
        assert_eq!(
            parse_media_type("application/cdmi-object"),
            Some((ObjectType::DataObject, MediaTypeForm::Standard))
        );
        assert_eq!(
            parse_media_type("Application/CDMI-Container+JSON; charset=utf-8"),
            Some((ObjectType::Container, MediaTypeForm::PlusJson))
        );
        assert_eq!(
            parse_media_type("application/vnd.org.snia.cdmi.container+json"),
            Some((ObjectType::Container, MediaTypeForm::Vendor))
        );
        assert_eq!(
            parse_media_type("application/vnd.org.snia.cdmi-object"),
            Some((ObjectType::DataObject, MediaTypeForm::Vendor))
        );
        assert_eq!(
            parse_media_type("application/cdmi-capabilities"),
            Some((ObjectType::Capability, MediaTypeForm::Misspelled))
        );
        assert_eq!(parse_media_type("text/plain"), None);
        assert_eq!(parse_media_type("application/json"), None);
    }

    #[test]
    fn dispatch_follows_headers() {
        let libcdmi_plain_read = RequestHead {
            method: "GET",
            path: "/c/b.txt",
            accept: Some("application/cdmi-object"),
            ..RequestHead::default()
        };
        assert_eq!(dispatch(&libcdmi_plain_read), Interface::Cdmi2);
        assert_eq!(dispatch_1x(&libcdmi_plain_read), Interface::Http);
        let cdmi_cli = RequestHead {
            method: "GET",
            path: "/cdmi_capabilities/",
            accept: Some("*/*"),
            spec_version: Some("1.1.1"),
            ..RequestHead::default()
        };
        assert_eq!(dispatch(&cdmi_cli), Interface::Cdmi1);
        let plain = RequestHead {
            method: "PUT",
            path: "/c/a.txt",
            content_type: Some("text/plain;charset=utf-8"),
            ..RequestHead::default()
        };
        assert_eq!(dispatch(&plain), Interface::Http);
        assert_eq!(path_target("/c/new/?children"), PathTarget::Container);
        assert_eq!(path_target("/c/a.txt"), PathTarget::Object);
    }

    #[test]
    fn trailing_slash_rules() {
        use ObjectType::{Container, DataObject};
        assert_eq!(
            slash_rule(Interface::Cdmi1, "GET", "/c", Some(Container), None),
            SlashOutcome::RedirectWithSlash
        );
        assert_eq!(
            slash_rule(Interface::Cdmi1, "PUT", "/c", None, Some(Container)),
            SlashOutcome::BadRequest
        );
        assert_eq!(
            slash_rule(Interface::Http, "PUT", "/c/", None, None),
            SlashOutcome::CreateContainer
        );
        assert_eq!(
            slash_rule(Interface::Cdmi1, "PUT", "/c/a.txt", None, Some(DataObject)),
            SlashOutcome::Proceed
        );
        assert_eq!(plus_json(Container), "application/cdmi-container+json");
        assert_eq!(
            parse_media_type(&plus_json(Container)),
            Some((Container, MediaTypeForm::PlusJson))
        );
        assert_eq!(path_target("/c/a.txt"), PathTarget::Object);
    }
}

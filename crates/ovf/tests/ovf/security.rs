//! Hostile or broken XML is refused with a positioned error, never a panic.

use tern_ovf::{Document, ParseErrorKind, ParseOptions, Position};

fn err(xml: &str) -> tern_ovf::ParseError {
    Document::parse(xml.as_bytes()).expect_err("must be refused")
}

#[test]
fn doctype_with_entities_is_refused() {
    let e = err(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n<a>&lol2;</a>",
    );
    assert_eq!(e.kind, ParseErrorKind::Dtd);
    assert_eq!(e.position, Position { line: 2, column: 1 });
}

#[test]
fn external_entity_dtd_is_refused() {
    let e = err("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>");
    assert_eq!(e.kind, ParseErrorKind::Dtd);
}

#[test]
fn undefined_entity_in_text_is_refused_with_position() {
    let e = err("<a>\n  x &xxe; y</a>");
    assert_eq!(e.kind, ParseErrorKind::UndefinedEntity("xxe".into()));
    assert_eq!(e.position, Position { line: 2, column: 5 });
}

#[test]
fn undefined_entity_in_attribute_is_refused() {
    let e = err("<a b='&xxe;'/>");
    assert_eq!(e.kind, ParseErrorKind::UndefinedEntity("xxe".into()));
    assert_eq!(e.position.line, 1);
}

#[test]
fn deep_nesting_is_refused() {
    let xml = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
    let e = err(&xml);
    assert_eq!(e.kind, ParseErrorKind::TooDeep { limit: 256 });
    assert_eq!(
        e.position,
        Position {
            line: 1,
            column: 256 * 3 + 1
        }
    );
    // 256 levels are fine.
    let ok = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
    assert!(Document::parse(ok.as_bytes()).is_ok());
}

#[test]
fn size_limit_is_enforced() {
    let options = ParseOptions {
        max_size: 10,
        ..ParseOptions::default()
    };
    let e = Document::parse_with(b"<a>0123456789</a>", &options).unwrap_err();
    assert_eq!(
        e.kind,
        ParseErrorKind::TooLarge {
            size: 17,
            limit: 10
        }
    );
}

#[test]
fn unbound_prefix_is_refused() {
    let e = err("<a>\n<x:b/></a>");
    assert_eq!(e.kind, ParseErrorKind::UnboundPrefix("x".into()));
    assert_eq!(e.position, Position { line: 2, column: 1 });
}

#[test]
fn invalid_char_ref_is_refused() {
    assert!(matches!(
        err("<a>&#0;</a>").kind,
        ParseErrorKind::InvalidCharRef(_)
    ));
    assert!(matches!(
        err("<a b='&#1;'/>").kind,
        ParseErrorKind::InvalidCharRef(_)
    ));
}

#[test]
fn malformed_documents_are_refused_not_panicking() {
    for xml in crate::MALFORMED {
        let e = Document::parse(xml.as_bytes()).expect_err(xml);
        assert!(e.position.line >= 1, "{xml}: {e}");
    }
}

#[test]
fn non_utf8_is_refused_with_position() {
    let e = Document::parse(b"<a>\n\xFF</a>").unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::NotUtf8);
    assert_eq!(e.position, Position { line: 2, column: 1 });
}

#[test]
fn odd_declarations_do_not_panic() {
    for xml in [
        "<?xml version=\"1.0\" encoding=\u{e9}x?><a/>",
        "<?xml version=\"1.0\" encoding=?><a/>",
        "<?xml version=\"1.0\" encoding='unterminated?><a/>",
        "<?xml encoding?><a/>",
    ] {
        if let Ok(doc) = Document::parse(xml.as_bytes()) {
            let _ = tern_ovf::Envelope::read(&doc);
            assert_eq!(doc.to_bytes(), xml.as_bytes());
        }
    }
}

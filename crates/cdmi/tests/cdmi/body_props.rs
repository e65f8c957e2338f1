//! Property tests: body render → parse gives the same body; generated valid bodies validate;
//! query strings render → parse in both syntaxes.

use proptest::prelude::*;
use serde_json::{Map, Value};
use tern_cdmi::body::{self, CdmiObject, Children, OneOrMany, ParseOptions};
use tern_cdmi::metadata::Metadata;
use tern_cdmi::object::{CompletionStatus, ObjectType, Range, TransferEncoding};
use tern_cdmi::objectid::ObjectId;
use tern_cdmi::query::{Query, QueryItem, QuerySyntax};

fn object_id() -> impl Strategy<Value = String> {
    (
        1u32..=0x00FF_FFFF,
        proptest::collection::vec(any::<u8>(), 0..=32),
    )
        .prop_map(|(en, opaque)| ObjectId::new(en, &opaque).unwrap().to_string())
}

fn user_metadata() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "\\PC{0,12}", 0..4)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

fn status() -> impl Strategy<Value = CompletionStatus> {
    prop_oneof![
        Just(CompletionStatus::Complete),
        Just(CompletionStatus::Processing),
        "\\PC{0,10}".prop_map(|s| CompletionStatus::Error(format!("Error{s}"))),
    ]
}

fn range() -> impl Strategy<Value = Range> {
    prop_oneof![
        Just(Range::Empty),
        (0u64..1000, 0u64..1000).prop_map(|(a, n)| Range::Span {
            first: a,
            last: a + n
        })
    ]
}

prop_compose! {
    fn any_object()(
        id in proptest::option::of(object_id()),
        name in proptest::option::of("[A-Za-z0-9 ._-]{1,12}"),
        parent in proptest::option::of("/[a-z]{1,6}/"),
        status in proptest::option::of(status()),
        percent in proptest::option::of(0u8..=100),
        mimetype in proptest::option::of("[a-z]{1,8}/[a-z0-9.+-]{1,10}"),
        metadata in proptest::option::of(user_metadata()),
        extra in proptest::collection::btree_map("x-[a-z]{1,6}", "\\PC{0,8}", 0..3),
        encoding in proptest::option::of(prop_oneof![Just(TransferEncoding::Utf8), Just(TransferEncoding::Base64)]),
        vrange in proptest::option::of(range()),
        value in proptest::option::of("\\PC{0,20}"),
        children in proptest::option::of(proptest::collection::vec("[a-z]{1,6}/?", 0..4)),
        crange in proptest::option::of(range()),
    ) -> CdmiObject {
        CdmiObject {
            object_type: Some(ObjectType::DataObject),
            object_id: id,
            object_name: name,
            parent_uri: parent,
            completion_status: status,
            percent_complete: percent,
            mimetype: mimetype.map(OneOrMany::One),
            metadata: metadata.map(Metadata),
            extra: extra.into_iter().map(|(k, v)| (k, Value::String(v))).collect(),
            value_transfer_encoding: encoding.map(OneOrMany::One),
            value_range: vrange.map(OneOrMany::One),
            value: value.map(Value::String),
            children: children.map(Children::Names),
            children_range: crange,
            ..CdmiObject::default()
        }
    }
}

proptest! {
    #[test]
    fn render_then_parse_is_identity(object in any_object()) {
        let text = object.to_json_string();
        let parsed = body::parse(&text, &ParseOptions::default());
        prop_assert_eq!(parsed.object.as_ref(), Some(&object), "{}", text);
    }

    #[test]
    fn consistent_read_responses_validate(
        id in object_id(),
        parent_id in object_id(),
        value in "[ -~]{1,40}",
        metadata in user_metadata(),
    ) {
        let len = value.len() as u64;
        let mut metadata = Metadata(metadata);
        metadata.insert("cdmi_size", len.to_string());
        let object = CdmiObject {
            object_type: Some(ObjectType::DataObject),
            object_id: Some(id),
            object_name: Some("file.txt".into()),
            parent_uri: Some("/c/".into()),
            parent_id: Some(parent_id),
            domain_uri: Some("/cdmi_domains/d/".into()),
            capabilities_uri: Some("/cdmi_capabilities/dataobject/".into()),
            completion_status: Some(CompletionStatus::Complete),
            mimetype: Some(OneOrMany::One("text/plain".into())),
            metadata: Some(metadata),
            value_range: Some(OneOrMany::One(Range::Span { first: 0, last: len - 1 })),
            value_transfer_encoding: Some(OneOrMany::One(TransferEncoding::Utf8)),
            value: Some(Value::String(value)),
            ..CdmiObject::default()
        };
        let text = object.to_json_string();
        let parsed = body::parse(&text, &ParseOptions::default());
        prop_assert!(parsed.is_valid(), "{}\n{:?}", text, parsed.findings);
        prop_assert_eq!(parsed.kind.name(), "read-response");
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = body::parse(&text, &ParseOptions::default());
        let _ = Query::parse(&text);
    }
}

fn query_item() -> impl Strategy<Value = QueryItem> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9_]{0,10}"
            .prop_filter("not a parameterised name", |n| !matches!(
                n.as_str(),
                "value" | "children" | "values" | "metadata" | "exports"
            ))
            .prop_map(|name| QueryItem::Field { name }),
        (0u64..1000, 0u64..1000).prop_map(|(a, n)| QueryItem::ValueRange {
            first: a,
            last: a + n
        }),
        (0u64..1000, 0u64..1000).prop_map(|(a, n)| QueryItem::ChildrenRange {
            first: a,
            last: a + n
        }),
        (1u64..100).prop_map(|n| QueryItem::Values {
            first: 0,
            count: Some(n),
            last: None
        }),
        "[@a-z_;&=:% ]{1,10}".prop_map(|prefix| QueryItem::Metadata { prefix }),
    ]
}

proptest! {
    #[test]
    fn queries_round_trip_in_both_syntaxes(items in proptest::collection::vec(query_item(), 1..5)) {
        for syntax in [QuerySyntax::V1, QuerySyntax::V2] {
            let query = Query { syntax, items: items.clone() };
            let text = query.render(syntax);
            let back = Query::parse(&format!("?{text}")).unwrap();
            prop_assert_eq!(&back.items, &items, "{}", text);
        }
    }
}

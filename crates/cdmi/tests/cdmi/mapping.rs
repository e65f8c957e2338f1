//! The OCCI mapping rows applied to the spec's own bodies.

use serde_json::{Value, json};
use tern_cdmi::body::{self, ParseOptions};
use tern_cdmi::mapping::{self, Direction};
use tern_cdmi::object::ObjectType;

fn read(text: &str) -> tern_cdmi::body::CdmiObject {
    let parsed = body::parse(text, &ParseOptions::default());
    assert!(parsed.is_valid(), "{:?}", parsed.findings);
    parsed.object.unwrap()
}

#[test]
fn rows_have_the_shared_format() {
    let rows = mapping::rows();
    let ids: std::collections::BTreeSet<_> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rows.len(), "unique ids");
    for required in [
        "storage.size",
        "storagelink.deviceid",
        "storage.cdmi-uri",
        "storage.cdmi-objectid",
        "storage.reverse-link",
        "storage.format",
    ] {
        assert!(ids.contains(required), "{required}");
    }
    // The raw file has exactly the shared keys on every row.
    let raw: Value = serde_json::from_str(include_str!("../../data/occi-mapping.json")).unwrap();
    for row in raw["rows"].as_array().unwrap() {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["id", "occi", "cdmi", "ovf", "convert", "direction", "loss"]
        );
        assert!(row["ovf"].is_null());
    }
}

#[test]
fn data_object_read_becomes_storage_attributes() {
    // 1.1.1 8.3.8 EXAMPLE 1 response body.
    let object = read(
        r#"{"objectType": "application/cdmi-object", "objectID": "00007ED90010D891022876A8DE0BC0FD",
            "objectName": "MyDataObject.txt", "parentURI": "/MyContainer/",
            "parentID": "00007E7F00102E230ED82694DAA975D2", "domainURI": "/cdmi_domains/MyDomain/",
            "capabilitiesURI": "/cdmi_capabilities/dataobject/", "completionStatus": "Complete",
            "mimetype": "text/plain", "metadata": {"cdmi_size": "37"}, "valuerange": "0-36",
            "valuetransferencoding": "utf-8", "value": "This is the Value of this Data Object"}"#,
    );
    let attributes = mapping::cdmi_to_occi(&object);
    let get = |name: &str| {
        attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.clone())
    };
    assert_eq!(
        get("occi.storage.size"),
        Some(json!(37.0 / 1_073_741_824.0))
    );
    assert_eq!(
        get("occi.storagelink.deviceid"),
        Some(json!("00007ED90010D891022876A8DE0BC0FD"))
    );
    assert_eq!(
        get("tern.cdmi.objectid"),
        Some(json!("00007ED90010D891022876A8DE0BC0FD"))
    );
    assert_eq!(
        get("tern.cdmi.uri"),
        Some(json!("/MyContainer/MyDataObject.txt"))
    );
    assert_eq!(get("tern.ovf.disk.format"), Some(json!("text/plain")));
    assert_eq!(get("occi.core.title"), Some(json!("MyDataObject.txt")));
    assert_eq!(
        get("occi.core.id"),
        None,
        "the reverse link is occi-to-cdmi only"
    );
}

#[test]
fn occi_storage_becomes_a_container_create_body() {
    let attributes = vec![
        ("occi.storage.size".to_owned(), json!(1.5)),
        ("occi.core.title".to_owned(), json!("disk0")),
        (
            "occi.core.id".to_owned(),
            json!("http://occi.example.com/storage/disk0"),
        ),
        (
            "occi.core.source".to_owned(),
            json!("http://example.com/compute/0/"),
        ),
        (
            "occi.core.source".to_owned(),
            json!("http://example.com/compute/1/"),
        ),
        ("occi.storage.state".to_owned(), json!("online")),
        ("tern.ovf.disk.format".to_owned(), json!("qcow2")),
    ];
    let object = mapping::occi_to_cdmi(ObjectType::Container, &attributes);
    let metadata = object.metadata.as_ref().unwrap();
    assert_eq!(metadata.text("cdmi_assignedsize"), Some("1610612736"));
    assert_eq!(
        metadata.text("tern_occi_location"),
        Some("http://occi.example.com/storage/disk0")
    );
    assert_eq!(
        metadata.text("cdmi_size"),
        None,
        "cdmi_size is not written by clients"
    );
    assert_eq!(object.object_name.as_deref(), Some("disk0"));
    let occi = object.exports.as_ref().unwrap().occi();
    assert_eq!(occi[0].protocol, "iSCSI");
    assert_eq!(
        occi[0].permissions,
        [
            "http://example.com/compute/0/",
            "http://example.com/compute/1/"
        ]
    );
    // The body is a valid container create request once the row-less identifier is set.
    let mut body = object.clone();
    let mut exports = body.exports.take().unwrap();
    let mut export = exports.occi().remove(0);
    export.identifier = "00007E7F00104BE66AB53A9572F9F51E".into();
    exports.set_occi(&export);
    body.exports = Some(exports);
    body.object_name = None;
    let text = body.to_json_string();
    let options = ParseOptions {
        object_type: Some(ObjectType::Container),
        ..ParseOptions::default()
    };
    let parsed = body::parse(&text, &options);
    assert!(parsed.is_valid(), "{text}\n{:?}", parsed.findings);
}

#[test]
fn both_way_rows_round_trip() {
    let object = read(
        r#"{"objectType": "application/cdmi-object", "objectID": "00007ED90010D891022876A8DE0BC0FD",
            "objectName": "disk.qcow2", "parentURI": "/images/", "domainURI": "/cdmi_domains/d/",
            "capabilitiesURI": "/cdmi_capabilities/dataobject/", "completionStatus": "Complete",
            "mimetype": "application/x-qemu-disk", "metadata": {"cdmi_size": "1073741824"}}"#,
    );
    let attributes: Vec<(String, Value)> = mapping::cdmi_to_occi(&object)
        .into_iter()
        .filter(|a| {
            mapping::rows()
                .iter()
                .any(|r| r.id == a.row && r.direction == Direction::Both)
        })
        .map(|a| (a.name, a.value))
        .collect();
    let back = mapping::occi_to_cdmi(ObjectType::DataObject, &attributes);
    assert_eq!(back.object_id, object.object_id);
    assert_eq!(back.mimetype, object.mimetype);
    assert_eq!(back.parent_uri.as_deref(), Some("/images/"));
    assert_eq!(back.object_name.as_deref(), Some("disk.qcow2"));
}

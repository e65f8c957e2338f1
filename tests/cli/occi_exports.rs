//! `occi validate` and `occi convert` on what ovf2occi writes: create requests, judged as
//! such with `--request`; text/plain bodies separated by blank lines, read as a collection;
//! a collection converted to text only in an explicitly chosen form; ids derived from
//! locations and locations implied by ids.

use crate::{stderr, stdout, tern};

const HADOOP: &str = "samples/ovf/hadoop-cluster.ovf";

// `ovf2occi HADOOP --to MEDIA` into `dir`, returning the file.
fn export(dir: &tempfile::TempDir, media: &str) -> String {
    let file = dir
        .path()
        .join(if media.contains("json") {
            "hadoop.json"
        } else {
            "hadoop.txt"
        })
        .to_string_lossy()
        .into_owned();
    let out = tern(&["ovf2occi", HADOOP, "--to", media, "-o", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    file
}

#[test]
fn an_export_is_a_create_request_and_validates_as_one() {
    let dir = tempfile::tempdir().unwrap();
    for media in ["application/occi+json", "text/plain"] {
        let file = export(&dir, media);
        let request = tern(&["occi", "validate", "--request", &file]);
        assert_eq!(
            request.status.code(),
            Some(0),
            "{media}: {}",
            stdout(&request)
        );
        // The provider assigns the MACs: said, not an error.
        assert!(
            stdout(&request).contains(": note[model.missing-attribute]: networkinterface urn:ovf:compute:hadoop-master/nic/")
                && stdout(&request).contains("occi.networkinterface.mac is missing: the provider assigns it"),
            "{media}: {}",
            stdout(&request)
        );
        // As instances, states and MACs are missing; the report says how to judge requests.
        // (--verbose: every finding, not the first three of each rule.)
        let instance = tern(&["occi", "validate", "--verbose", &file]);
        assert_eq!(instance.status.code(), Some(1), "{media}");
        let text = stdout(&instance);
        assert!(text.contains("error[model.missing-provider-value]: compute urn:ovf:compute:hadoop-master: required attribute occi.compute.state is missing (the provider sets it: an instance carries it, a create request need not)"), "{text}");
        assert!(
            text.lines().last().is_some_and(|l| l
                .starts_with("note[cli.request]: the entities were judged as instances")
                && l.contains("`--request`")),
            "{text}"
        );
    }
}

#[test]
fn text_plain_exports_are_collections_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let json = export(&dir, "application/occi+json");
    let text = export(&dir, "text/plain");
    // Today's reading of the bodies as one rendering said `occi.composition`.
    let validate = tern(&["occi", "validate", "--request", "--strict", &text]);
    assert!(
        !stdout(&validate).contains("occi.composition")
            && !stdout(&validate).contains("occi.duplicate-category"),
        "{}",
        stdout(&validate)
    );
    let to_json = tern(&[
        "occi",
        "convert",
        "--from",
        "text/plain",
        "--to",
        "json",
        &text,
    ]);
    assert_eq!(to_json.status.code(), Some(0), "{}", stderr(&to_json));
    let converted: serde_json::Value = serde_json::from_str(&stdout(&to_json)).unwrap();
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(converted["resources"], exported["resources"]);
    let to_text = tern(&[
        "occi",
        "convert",
        "--to",
        "text/plain",
        "--collection",
        "bodies",
        &json,
    ]);
    assert_eq!(to_text.status.code(), Some(0), "{}", stderr(&to_text));
    assert_eq!(stdout(&to_text), std::fs::read_to_string(&text).unwrap());
    // JSON carried the definitions of tern's mixins; text bodies cannot: a note says so.
    assert!(
        stderr(&to_text).contains(
            "note[render.unrepresentable]: the definitions of http://schemas.tern.dev/occi/ovf#"
        ),
        "{}",
        stderr(&to_text)
    );
    for (a, b) in [(&text, &text), (&json, &text)] {
        let diff = tern(&["diff", a, b]);
        assert!(
            stdout(&diff).starts_with("0 to add, 0 to change, 0 to remove"),
            "{}{}",
            stdout(&diff),
            stderr(&diff)
        );
    }
}

#[test]
fn a_collection_becomes_text_only_in_a_chosen_form() {
    let dir = tempfile::tempdir().unwrap();
    let json = export(&dir, "application/occi+json");
    let unchosen = tern(&["occi", "convert", "--to", "text/plain", &json]);
    assert_eq!(unchosen.status.code(), Some(2));
    assert!(stdout(&unchosen).is_empty());
    let said = stderr(&unchosen);
    assert!(
        said.contains("is an entity collection (7 resources, 8 links): text/plain renders a collection as its entities' locations only (GFD.229), which drops their bodies")
            && said.contains("help: choose `--collection bodies`")
            && said.contains("or `--collection locations` (the specification's form)"),
        "{said}"
    );
    let headers = tern(&["occi", "convert", "--to", "text/occi", &json]);
    assert_eq!(headers.status.code(), Some(2));
    assert!(
        stderr(&headers).contains("text/occi carries one entity, in the headers of one message"),
        "{}",
        stderr(&headers)
    );
    let bodies_in_headers = tern(&[
        "occi",
        "convert",
        "--to",
        "text/occi",
        "--collection",
        "bodies",
        &json,
    ]);
    assert_eq!(bodies_in_headers.status.code(), Some(1));
    assert!(
        stderr(&bodies_in_headers)
            .contains("error[render.unrepresentable]: text/occi carries one entity")
    );
    // The specification's form: the locations, and a note on what was left out.
    let locations = tern(&[
        "occi",
        "convert",
        "--to",
        "text/plain",
        "--collection",
        "locations",
        &json,
    ]);
    assert_eq!(locations.status.code(), Some(0), "{}", stderr(&locations));
    assert_eq!(stdout(&locations).lines().count(), 7);
    assert!(
        stdout(&locations)
            .lines()
            .all(|l| l.starts_with("X-OCCI-Location: urn:ovf:"))
    );
    assert!(
        stderr(&locations)
            .contains("note[render.unrepresentable]: 7 entities rendered as their locations only"),
        "{}",
        stderr(&locations)
    );
}

const NIC_BY_LOCATION: &str = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
Link: </network/n1>; rel=\"http://schemas.ogf.org/occi/infrastructure#network\"; self=\"/networkinterface/ni1\"; category=\"http://schemas.ogf.org/occi/infrastructure#networkinterface\"; occi.networkinterface.interface=\"eth0\"; occi.networkinterface.mac=\"00:11:22:33:44:55\"\n\
X-OCCI-Attribute: occi.core.id=\"vm1\"\n";

#[test]
fn a_link_known_by_its_location_converts_with_an_id_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("vm.txt");
    std::fs::write(&text, NIC_BY_LOCATION).unwrap();
    let json = dir.path().join("vm.json");
    let out = tern(&[
        "occi",
        "convert",
        "--to",
        "json",
        "-o",
        json.to_str().unwrap(),
        text.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(":2:7: note[occi.derived-id]: link without occi.core.id: its id `ni1` is the last segment of its location `/networkinterface/ni1`"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let rendered: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(rendered["links"][0]["id"], "ni1");
    let back = tern(&[
        "occi",
        "convert",
        "--to",
        "text/plain",
        json.to_str().unwrap(),
    ]);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    assert!(
        stdout(&back).contains("; self=\"/networkinterface/ni1\"; "),
        "{}",
        stdout(&back)
    );
}

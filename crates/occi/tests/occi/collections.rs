//! Entity collections in text: tern's bodies form (one rendering per entity, blank lines
//! between) read, validated and written; GFD.229's locations form kept and its loss noted;
//! ids derived from locations and locations implied by ids.

use tern_diag::Severity;
use tern_model::{Catalogue, CategoryId, Entity, Link, OcciVersion, Resource, ValidationMode};
use tern_occi::{
    CollectionForm, Document, Listing, MediaType, ParseOptions, Rule, Source, Unknowns,
    WriteOptions, read_collection, write, write_with,
};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn catalogue() -> Catalogue {
    Catalogue::infrastructure(OcciVersion::V1_2)
}

fn infra(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

// A network, and a compute with a NIC on it: a create request (no MAC, no states).
fn request() -> Listing {
    let network = Resource::new(Entity::new("urn:uuid:net1", infra("network")));
    let mut vm = Entity::new("urn:uuid:vm1", infra("compute"));
    vm.attributes.insert("occi.compute.cores", 2);
    let mut compute = Resource::new(vm);
    let mut nic = Entity::new("urn:uuid:nic1", infra("networkinterface"));
    nic.attributes
        .insert("occi.networkinterface.interface", "eth0");
    let mut link = Link::new(nic, "urn:uuid:vm1", "urn:uuid:net1");
    link.target.kind = Some(infra("network"));
    compute.links.push(link);
    Listing {
        resources: vec![network, compute],
        ..Listing::default()
    }
}

fn bodies() -> WriteOptions {
    WriteOptions {
        collection: CollectionForm::Bodies,
    }
}

#[test]
fn bodies_read_back_as_the_same_collection_in_every_body_media_type() {
    let listing = request();
    for media in [MediaType::TextPlain, MediaType::TextOcciPlain] {
        let rendered = write_with(&Document::Listing(listing.clone()), media, &bodies());
        assert_eq!(rendered.notes, [], "{media}");
        assert_eq!(
            rendered.text.matches("\r\n\r\n").count(),
            1,
            "{media}: one separator"
        );
        let source = Source::new("bodies", &rendered.text, Some(media));
        let read = source
            .read(&ParseOptions::strict(), &catalogue())
            .unwrap_or_else(|e| panic!("{media}: {e}"));
        assert_eq!(read.warnings, [], "{media}");
        assert_eq!(read.value, Document::Listing(listing.clone()), "{media}");
        let collection = read_collection(&source, &ParseOptions::strict(), &catalogue()).unwrap();
        assert_eq!(collection.value.collection.resources(), listing.resources);
    }
}

#[test]
fn bodies_are_judged_one_by_one_with_positions_in_the_whole_input() {
    let text = write_with(
        &Document::Listing(request()),
        MediaType::TextPlain,
        &bodies(),
    )
    .text
    .replace("occi.compute.cores=2", "occi.compute.cores=\"2\"");
    let source = Source::new("vms.txt", &text, None);
    let judge = |mode| {
        source.validate(
            &ParseOptions::strict(),
            &catalogue(),
            Unknowns::Reject,
            mode,
        )
    };
    let request: Vec<String> = judge(ValidationMode::Request)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        request,
        [
            "vms.txt:5:7: note[model.missing-attribute]: networkinterface urn:uuid:nic1: required attribute occi.networkinterface.mac is missing: the provider assigns it (a create request may leave it out)",
            "vms.txt:7:19: error[model.attribute-type]: compute urn:uuid:vm1: attribute occi.compute.cores: value \"2\": expected integer, found string"
        ]
    );
    // As instances, the states and the NIC's MAC are missing: each says a request may omit it.
    let instance = judge(ValidationMode::Instance);
    let missing: Vec<&str> = instance
        .iter()
        .filter(|f| f.rule == Rule::MissingProviderValue)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 4, "three states and the MAC: {missing:#?}");
    assert!(
        missing
            .iter()
            .all(|m| m.ends_with("a create request need not)")),
        "{missing:#?}"
    );
}

#[test]
fn a_body_that_is_no_entity_or_an_entity_twice_is_refused() {
    let one = write(
        &Document::Resource(request().resources[0].clone()),
        MediaType::TextPlain,
    )
    .text;
    let kind = "Category: teapot; scheme=\"http://example.org/occi#\"; class=\"kind\"; title=\"Teapot\"\r\n";
    for (text, line, says) in [
        (format!("{one}\r\n{kind}"), 4, "this body is a kind"),
        (
            format!("{one}\r\n{one}"),
            4,
            "network urn:uuid:net1 is rendered twice (first in the body at line 1)",
        ),
    ] {
        let source = Source::new("two.txt", &text, None);
        let e = source
            .read(&ParseOptions::strict(), &catalogue())
            .unwrap_err();
        let first = &e.findings()[0];
        assert_eq!(first.rule, Rule::Composition);
        assert_eq!(first.position.map(|p| p.line), Some(line));
        assert!(first.message.contains(says), "{first}");
        let found = source.validate(
            &ParseOptions::strict(),
            &catalogue(),
            Unknowns::Reject,
            ValidationMode::Request,
        );
        assert!(
            found.iter().any(|f| f.message == first.message),
            "{found:?}"
        );
    }
}

#[test]
fn the_specification_form_lists_locations_and_says_what_it_left_out() {
    let rendered = write(&Document::Listing(request()), MediaType::TextPlain);
    assert_eq!(
        rendered.text,
        "X-OCCI-Location: urn:uuid:net1\r\nX-OCCI-Location: urn:uuid:vm1\r\n"
    );
    assert_eq!(rendered.notes.len(), 1);
    assert_eq!(rendered.notes[0].severity, Severity::Note);
    assert!(
        rendered.notes[0]
            .message
            .starts_with("2 entities rendered as their locations only"),
        "{}",
        rendered.notes[0]
    );
}

#[test]
fn header_and_uri_list_renderings_refuse_bodies_and_say_what_to_do() {
    for media in [MediaType::TextOcci, MediaType::UriList] {
        let rendered = write_with(&Document::Listing(request()), media, &bodies());
        assert_eq!(rendered.text, "");
        let note = &rendered.notes[0];
        assert_eq!(
            (note.severity, note.rule.as_ref()),
            (Severity::Error, "render.unrepresentable")
        );
        assert!(
            note.message
                .contains("as text/plain or text/occi+plain bodies, or as application/occi+json"),
            "{note}"
        );
    }
}

#[test]
fn bodies_leave_category_definitions_out_with_a_note() {
    let mut listing = request();
    listing.mixins.push(tern_model::Mixin {
        id: CategoryId::new("http://provider.example/tpl#", "small"),
        title: None,
        depends: Vec::new(),
        applies: Vec::new(),
        attributes: Vec::new(),
        actions: Vec::new(),
        location: None,
    });
    let rendered = write_with(&Document::Listing(listing), MediaType::TextPlain, &bodies());
    assert!(!rendered.text.contains("class=\"mixin\""));
    assert_eq!(rendered.notes.len(), 1);
    assert_eq!(rendered.notes[0].severity, Severity::Note);
    assert!(
        rendered.notes[0]
            .message
            .starts_with("the definitions of http://provider.example/tpl#small were left out"),
        "{}",
        rendered.notes[0]
    );
}

const NIC_BY_LOCATION: &str = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n\
Link: </network/n1>; rel=\"http://schemas.ogf.org/occi/infrastructure#network\"; self=\"/networkinterface/ni1\"; category=\"http://schemas.ogf.org/occi/infrastructure#networkinterface\"; occi.networkinterface.interface=\"eth0\"; occi.networkinterface.mac=\"00:11:22:33:44:55\"\r\n\
X-OCCI-Attribute: occi.core.id=\"vm1\"\r\n";

#[test]
fn a_link_named_by_its_location_gets_the_last_segment_as_id_and_keeps_it_in_json() {
    let source = Source::new("nic.txt", NIC_BY_LOCATION, None);
    let read = source.read(&ParseOptions::strict(), &catalogue()).unwrap();
    let notes: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "nic.txt:2:7: note[occi.derived-id]: link without occi.core.id: its id `ni1` is the last segment of its location `/networkinterface/ni1`"
        ]
    );
    let Document::Resource(vm) = &read.value else {
        panic!("a resource")
    };
    assert_eq!(vm.links[0].entity.id, "ni1");
    // JSON has no member for a location; the id implies it, so nothing is lost either way.
    let json = write(&read.value, MediaType::OcciJson);
    assert_eq!(json.notes, []);
    assert!(json.text.contains("\"id\": \"ni1\""), "{}", json.text);
    let back = Source::new("nic.json", &json.text, None)
        .read(&ParseOptions::strict(), &catalogue())
        .unwrap();
    let text = write(&back.value, MediaType::TextPlain).text;
    assert!(
        text.contains("; self=\"/networkinterface/ni1\"; "),
        "{text}"
    );
    let again = Source::new("again.txt", &text, None)
        .read(&ParseOptions::strict(), &catalogue())
        .unwrap();
    assert_eq!(again.value, read.value);
}

#[test]
fn every_entity_named_only_by_a_location_gets_an_id() {
    // A resource whose location its action links show; a JSON link with erocci's `location`.
    let resource = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
        Link: </compute/42?action=start>; rel=\"http://schemas.ogf.org/occi/infrastructure/compute/action#start\"\n";
    let link = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#storagelink",
        "location": "/storagelink/sl7",
        "source": {"location": "/compute/42"}, "target": {"location": "/storage/9"}}"#;
    for (text, id) in [(resource, "42"), (link, "sl7")] {
        let read = Source::new("in", text, None)
            .read(&ParseOptions::lenient(), &catalogue())
            .unwrap();
        let entity = match &read.value {
            Document::Resource(r) => &r.entity,
            Document::Link(l) => &l.entity,
            other => panic!("{other:?}"),
        };
        assert_eq!(entity.id, id);
        assert!(
            read.warnings.iter().any(|w| w.rule == Rule::DerivedId),
            "{:?}",
            read.warnings
        );
    }
}

#[test]
fn locations_of_entities_without_one_are_the_ones_their_ids_imply() {
    let mut listing = request();
    listing.resources[0].entity.id = "lan".into();
    let text = write(&Document::Listing(listing), MediaType::TextPlain).text;
    assert_eq!(
        text,
        "X-OCCI-Location: /network/lan\r\nX-OCCI-Location: urn:uuid:vm1\r\n"
    );
}

#[test]
fn text_never_carries_what_is_no_uri_reference() {
    let mut listing = request();
    listing.resources[1].links[0].target.location = "urn:ovf:network:VM Network".into();
    let rendered = write_with(&Document::Listing(listing), MediaType::TextPlain, &bodies());
    let errors: Vec<&str> = rendered
        .notes
        .iter()
        .filter(|n| n.severity == Severity::Error)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("`urn:ovf:network:VM Network` is not a URI reference"),
        "{errors:?}"
    );
}

// GFD.221: an entity's id is a URI, and so are a link's ends; a space breaks every text
// rendering that carries it as a location.
#[test]
fn ids_and_link_ends_that_are_no_uris_are_errors() {
    let mut listing = request();
    listing.resources[0].entity.id = "urn:ovf:network:VM Network".into();
    listing.resources[1].links[0].target.location = "urn:ovf:network:VM Network".into();
    let json = write(&Document::Listing(listing), MediaType::OcciJson).text;
    let found = Source::new("spaces.json", &json, None).validate(
        &ParseOptions::strict(),
        &catalogue(),
        Unknowns::Reject,
        ValidationMode::Request,
    );
    let errors: Vec<String> = found
        .iter()
        .filter(|f| f.is_error())
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert_eq!(
        errors,
        [
            "model.attribute-type: network urn:ovf:network:VM Network: occi.core.id `urn:ovf:network:VM Network` is not a URI (GFD.221: ids and link ends are URIs; percent-encode spaces)",
            "model.attribute-type: networkinterface urn:uuid:nic1: occi.core.target `urn:ovf:network:VM Network` is not a URI (GFD.221: ids and link ends are URIs; percent-encode spaces)"
        ]
    );
}

#[test]
fn one_rendering_after_blank_lines_is_read_whole_with_its_positions() {
    let text = "\n\nCategory: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\nX-OCCI-Attribute: occi.compute.cores=two\n";
    let e = Source::new("late.txt", text, None)
        .read(&ParseOptions::strict(), &catalogue())
        .unwrap_err();
    assert_eq!(
        e.findings()[0].position.map(|p| (p.line, p.column)),
        Some((4, 38))
    );
}

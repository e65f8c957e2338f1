//! External message bundles (DSP0243 §10): `Strings ovf:fileRef` names a File whose content
//! holds the messages; the descriptor's xml:lang wins over the bundle's.

use tern_ovf::{Document, Envelope};

const DESCRIPTOR: &str = r#"<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
    <File ovf:id="de" ovf:href="bundle-de.msgs"/>
    <File ovf:id="fr" ovf:href="bundle-fr.msgs"/>
    <File ovf:id="gone" ovf:href="missing.msgs"/>
  </References>
  <VirtualSystem ovf:id="vm"><Info ovf:msgid="info">A machine</Info></VirtualSystem>
  <Strings xml:lang="de-DE" ovf:fileRef="de"/>
  <Strings ovf:fileRef="fr"/>
  <Strings xml:lang="it" ovf:fileRef="gone"/>
  <Strings xml:lang="es" ovf:fileRef="nowhere"/>
</Envelope>"#;

fn bundle(lang: &str, text: &str) -> Vec<u8> {
    format!(
        r#"<Strings xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xml:lang="{lang}"><Msg ovf:msgid="info">{text}</Msg></Strings>"#
    )
    .into_bytes()
}

#[test]
fn bundles_are_loaded_through_the_fetcher() {
    let doc = Document::parse(DESCRIPTOR.as_bytes()).unwrap();
    let mut env = Envelope::read(&doc);
    let problems = env.load_external_strings(|href| match href {
        "bundle-de.msgs" => Some(bundle("de", "Eine Maschine")),
        "bundle-fr.msgs" => Some(bundle("fr", "Une machine")),
        _ => None,
    });
    assert_eq!(
        problems,
        [
            "Strings bundle gone: missing.msgs is not available",
            "Strings bundle nowhere: no File with this id",
        ]
    );
    let system = env.virtual_systems()[0];
    let info = system.info.as_ref().unwrap();
    assert_eq!(env.localize(info, "de-DE"), "Eine Maschine");
    assert_eq!(
        env.localize(info, "fr"),
        "Une machine",
        "the bundle's own xml:lang applies"
    );
    assert_eq!(
        env.localize(info, "it"),
        "A machine",
        "an unavailable bundle falls back to the text"
    );
    assert_eq!(
        env.strings[0].lang.as_deref(),
        Some("de-DE"),
        "the descriptor's xml:lang wins"
    );
}

#[test]
fn hostile_or_foreign_bundles_are_refused() {
    let doc = Document::parse(DESCRIPTOR.as_bytes()).unwrap();
    let mut env = Envelope::read(&doc);
    let problems = env.load_external_strings(|href| match href {
        "bundle-de.msgs" => Some(b"<!DOCTYPE x [<!ENTITY a 'b'>]><Strings/>".to_vec()),
        "bundle-fr.msgs" => Some(b"<Envelope/>".to_vec()),
        _ => None,
    });
    assert!(
        problems[0].starts_with("Strings bundle de: bundle-de.msgs:1:1:"),
        "{problems:?}"
    );
    assert_eq!(
        problems[1],
        "Strings bundle fr: bundle-fr.msgs has no Strings root"
    );
}

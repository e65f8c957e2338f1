//! `tern occi2ovf` (and the `occi2ovf` binary): the export pipeline from the command line,
//! in both input renderings, with and without the kept envelope.

use crate::{ovf_samples, run, stderr, stdout, tern};

struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tern-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, file: &str) -> String {
        self.0.join(file).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const HADOOP: &str = "samples/ovf/hadoop-cluster.ovf";

// The descriptor without its ProductSections, and every property's (key, value).
fn split_properties(ovf: &str) -> (String, Vec<(String, Option<String>)>) {
    let mut rest = String::new();
    let mut inside = false;
    for line in ovf.lines() {
        if line.trim_start().starts_with("<ProductSection") {
            inside = true;
        }
        if !inside {
            rest.push_str(line);
            rest.push('\n');
        }
        if line.trim_start().starts_with("</ProductSection") {
            inside = false;
        }
    }
    let doc = tern_ovf::Document::parse(ovf.as_bytes()).unwrap();
    let env = tern_ovf::Envelope::read(&doc);
    let mut properties: Vec<(String, Option<String>)> = Vec::new();
    let mut sections: Vec<&tern_ovf::model::ProductSection> = Vec::new();
    if let Some(tern_ovf::model::Content::VirtualSystemCollection(c)) = &env.content {
        sections.extend(&c.sections.product);
    }
    for vs in env.virtual_systems() {
        sections.extend(&vs.sections.product);
    }
    for ps in sections {
        for p in ps.properties() {
            properties.push((p.key.clone().unwrap_or_default(), p.value.clone()));
        }
    }
    (rest, properties)
}

#[test]
fn json_and_text_inputs_export_the_same_descriptor() {
    let dir = Scratch::new("occi2ovf");
    let (json, text) = (dir.path("h.json"), dir.path("h.txt"));
    for (file, media) in [(&json, "application/occi+json"), (&text, "text/plain")] {
        let out = tern(&[
            "ovf2occi",
            HADOOP,
            "--cdmi-base",
            "https://cdmi.example.org/images/",
            "--to",
            media,
            "-o",
            file,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let from_json = tern(&["occi2ovf", &json]);
    let from_text = run(env!("CARGO_BIN_EXE_occi2ovf"), &[&text]);
    assert!(from_json.status.success(), "{}", stderr(&from_json));
    assert!(from_text.status.success(), "{}", stderr(&from_text));
    // text/plain carries no mixin definitions: the properties come back with their keys and
    // values, their declarations (type, qualifiers, labels, sections) only from JSON.
    let (json_rest, json_properties) = split_properties(&stdout(&from_json));
    let (text_rest, text_properties) = split_properties(&stdout(&from_text));
    assert_eq!(json_rest, text_rest);
    assert_eq!(json_properties, text_properties);
    let ovf = stdout(&from_json);
    assert!(
        ovf.contains(r#"ovf:href="https://cdmi.example.org/images/hadoop-hdfs.vmdk""#),
        "File hrefs are CDMI data links"
    );
    insta::assert_snapshot!("occi2ovf__hadoop", ovf);
    // The export passes tern's own strict validation.
    let exported = dir.path("export.ovf");
    std::fs::write(&exported, &ovf).unwrap();
    let check = tern(&["ovf", "validate", "--strict", &exported]);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn the_kept_envelope_comes_back_byte_for_byte() {
    let dir = Scratch::new("occi2ovf-original");
    let json = dir.path("h.json");
    assert!(tern(&["ovf2occi", HADOOP, "-o", &json]).status.success());
    let restored = dir.path("restored.ovf");
    let out = tern(&["occi2ovf", &json, "--original", HADOOP, "-o", &restored]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&restored).unwrap(),
        std::fs::read(HADOOP).unwrap()
    );
    assert!(
        stderr(&out).is_empty(),
        "nothing to report: {}",
        stderr(&out)
    );
}

#[test]
fn bad_input_is_refused_with_its_position() {
    let dir = Scratch::new("occi2ovf-bad");
    let bad = dir.path("bad.json");
    std::fs::write(&bad, "{\"resources\": [ {\"kind\": 3} ]}").unwrap();
    let target = dir.path("out.ovf");
    let out = tern(&["occi2ovf", &bad, "-o", &target]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.json:1:"), "{}", stderr(&out));
    assert!(!std::path::Path::new(&target).exists());
    let empty = dir.path("empty.json");
    std::fs::write(&empty, "{\"resources\": []}").unwrap();
    let out = tern(&["occi2ovf", &empty]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no compute resource"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_sample_exports_back_and_the_reports_are_recorded() {
    let dir = Scratch::new("occi2ovf-all");
    for file in ovf_samples() {
        let name = std::path::Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (json, report, ovf) = (
            dir.path(&format!("{name}.json")),
            dir.path(&format!("{name}.report")),
            dir.path(&format!("{name}.ovf")),
        );
        let out = tern(&[
            "ovf2occi",
            &file,
            "--cdmi-base",
            "https://cdmi.example.org/images/",
            "-o",
            &json,
            "--report",
            &report,
        ]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        insta::assert_snapshot!(
            format!("report__{name}"),
            std::fs::read_to_string(&report).unwrap()
        );
        let back = tern(&["occi2ovf", &json, "-o", &ovf]);
        assert!(back.status.success(), "{file}: {}", stderr(&back));
        let exported = std::fs::read_to_string(&ovf).unwrap();
        insta::assert_snapshot!(format!("occi2ovf__{name}"), exported);
        let check = tern(&["ovf", "validate", "--strict", &ovf]);
        assert!(
            check.status.success(),
            "{file}: {}{}",
            stdout(&check),
            stderr(&check)
        );
    }
}

// Every property of every section in order: (class, instance, [(category, key, type,
// qualifiers, userConfigurable, password, value, label)]).
type Properties = Vec<(Option<String>, Option<String>, Vec<[Option<String>; 8]>)>;

fn properties_of(ovf: &[u8]) -> Properties {
    let doc = tern_ovf::Document::parse(ovf).unwrap();
    let env = tern_ovf::Envelope::read(&doc);
    let mut out = Properties::new();
    for vs in env.virtual_systems() {
        for ps in &vs.sections.product {
            let mut category = None;
            let mut props = Vec::new();
            for entry in &ps.entries {
                match entry {
                    tern_ovf::model::ProductEntry::Category(c) => category = Some(c.text.clone()),
                    tern_ovf::model::ProductEntry::Property(p) => props.push([
                        category.clone(),
                        p.key.clone(),
                        p.ty.clone(),
                        p.qualifiers.clone(),
                        Some(p.user_configurable.to_string()),
                        Some(p.password.to_string()),
                        p.value.clone(),
                        p.label.as_ref().map(|l| l.text.clone()),
                    ]),
                }
            }
            out.push((ps.class.clone(), ps.instance.clone(), props));
        }
    }
    out
}

/// A router appliance's settings (Cisco CSR 1000v as COT edits it: a class and instance,
/// four Categories, passwords, booleans, MaxLen qualifiers, `hostname` mapped to
/// `occi.compute.hostname`) through `ovf2occi` and `occi2ovf`, with one value given on the
/// command line: every property comes back in its place, the given value with it.
#[test]
fn properties_come_back_through_the_command_line() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let original = dir.join("cisco-csr1000v-cot.ovf");
    let original = original.to_str().unwrap();
    let scratch = Scratch::new("occi2ovf-properties");
    let (json, ovf) = (scratch.path("csr.json"), scratch.path("csr.ovf"));
    let out = tern(&[
        "ovf2occi",
        original,
        "--prop",
        "com.cisco.csr1000v.domain-name.1=example.org",
        "-o",
        &json,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&json).unwrap();
    assert!(
        text.contains(r#""tern.ovf.product.com_2ecisco_2ecsr1000v.1.domain-name": "example.org""#),
        "the value given is the state"
    );
    let back = tern(&["occi2ovf", &json, "-o", &ovf]);
    assert!(back.status.success(), "{}", stderr(&back));
    let check = tern(&["ovf", "validate", "--strict", &ovf]);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let mut expected = properties_of(&std::fs::read(original).unwrap());
    for p in &mut expected[0].2 {
        if p[1].as_deref() == Some("domain-name") {
            p[6] = Some("example.org".into());
        }
    }
    assert_eq!(properties_of(&std::fs::read(&ovf).unwrap()), expected);
}

//! `tern occi2ovf` (and the `occi2ovf` binary): the export pipeline from the command line,
//! in both input renderings, with and without the kept envelope.

use crate::{Scratch, ovf_samples, run, stderr, stdout, tern};

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

/// The README's flow: `ovf2occi --cdmi-base` then `occi2ovf --original` (no other flag)
/// gives the envelope back with nothing to report; so does a collection converted from a
/// renamed copy of the envelope (the file name is provenance, not a change).
#[test]
fn the_readme_cdmi_flow_and_a_renamed_envelope_report_no_change() {
    let dir = Scratch::new("occi2ovf-readme");
    let renamed = dir.path("renamed.ovf");
    std::fs::copy(HADOOP, &renamed).unwrap();
    for (input, extra) in [
        (
            HADOOP,
            vec!["--cdmi-base", "https://cdmi.example.org/hadoop/"],
        ),
        (renamed.as_str(), vec![]),
    ] {
        let json = dir.path("h.json");
        let mut args = vec!["ovf2occi", input, "-o", &json];
        args.extend(extra);
        assert!(tern(&args).status.success());
        let restored = dir.path("restored.ovf");
        let out = tern(&["occi2ovf", &json, "--original", HADOOP, "-o", &restored]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "{input}: nothing changed");
        assert_eq!(
            std::fs::read(&restored).unwrap(),
            std::fs::read(HADOOP).unwrap()
        );
    }
}

const PACKAGED: &str = r#"<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References><File ovf:id="f" ovf:href="disk.img" ovf:size="4"/></References>
  <DiskSection><Info>d</Info><Disk ovf:diskId="d1" ovf:fileRef="f" ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>
  <VirtualSystem ovf:id="vm"><Info>vm</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"#;

/// `--original` takes the OVA the provider kept: the descriptor inside comes back (as an
/// .ovf), with the collection's changes written into it.
#[test]
fn the_original_may_be_an_ova() {
    let dir = Scratch::new("occi2ovf-ova");
    let (ovf, ova) = (dir.path("vm.ovf"), dir.path("vm.ova"));
    std::fs::write(&ovf, PACKAGED).unwrap();
    std::fs::write(dir.path("disk.img"), b"data").unwrap();
    assert!(tern(&["ova", "pack", &ovf, "-o", &ova]).status.success());
    let json = dir.path("vm.json");
    assert!(tern(&["ovf2occi", &ova, "-o", &json]).status.success());
    let out = tern(&["occi2ovf", &json, "--original", &ova]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), PACKAGED);
    // A changed disk size is written into the Disk, in its own units.
    let text = std::fs::read_to_string(&json)
        .unwrap()
        .replace("\"occi.storage.size\": 1,", "\"occi.storage.size\": 3,");
    std::fs::write(&json, text).unwrap();
    let out = tern(&["occi2ovf", &json, "--original", &ova]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        PACKAGED.replace(r#"ovf:capacity="1""#, r#"ovf:capacity="3""#)
    );
    // A broken archive is a finding, not bytes on the terminal.
    let broken = dir.path("broken.ova");
    std::fs::write(&broken, [0u8, 159, 146, 150, 255, 0, 1, 2]).unwrap();
    let out = tern(&["occi2ovf", &json, "--original", &broken]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.ova"), "{}", stderr(&out));
}

/// A collection that states nothing but a compute: no CPU, memory, OS or hardware family is
/// made up; a note names the compute and each fact; `--default` gives them explicitly.
#[test]
fn nothing_is_invented_unless_a_default_says_so() {
    let dir = Scratch::new("occi2ovf-defaults");
    let json = dir.path("bare.json");
    std::fs::write(
        &json,
        r#"{"resources": [{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "urn:uuid:vm-1"}]}"#,
    )
    .unwrap();
    let out = tern(&["occi2ovf", &json]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ovf = stdout(&out);
    assert!(
        !ovf.contains("<rasd:ResourceType>3</rasd:ResourceType>"),
        "{ovf}"
    );
    assert!(!ovf.contains("VirtualSystemType"), "{ovf}");
    assert!(!ovf.contains("OperatingSystemSection"), "{ovf}");
    let notes = stderr(&out);
    for fact in [
        "occi.compute.cores",
        "occi.compute.memory",
        "tern.ovf.system_type",
        "OS template",
    ] {
        assert!(
            notes.contains(&format!(
                "bare.json: note[occi2ovf.missing]: urn:uuid:vm-1: no {fact}"
            )),
            "{fact}: {notes}"
        );
    }
    let exported = dir.path("bare.ovf");
    std::fs::write(&exported, &ovf).unwrap();
    let check = tern(&["ovf", "validate", "--strict", &exported]);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );

    let out = tern(&[
        "occi2ovf",
        &json,
        "--default",
        "cpus=2",
        "--default",
        "memory=4GiB",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ovf = stdout(&out);
    assert!(
        ovf.contains("<rasd:VirtualQuantity>2</rasd:VirtualQuantity>"),
        "{ovf}"
    );
    assert!(
        ovf.contains("<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>"),
        "{ovf}"
    );
    assert!(
        stderr(&out).contains("the processor item is written from the default cpus=2"),
        "{}",
        stderr(&out)
    );

    let bad = tern(&["occi2ovf", &json, "--default", "colour=blue"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("`colour` is not a default"),
        "{}",
        stderr(&bad)
    );
    let bad = tern(&["occi2ovf", &json, "--default", "cpus=0"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    // --help names every key.
    let help = stdout(&tern(&["occi2ovf", "--help"]));
    for (key, _) in tern_mapping::occi2ovf::Defaults::KEYS {
        assert!(help.contains(&format!("  {key} ")), "{key}:\n{help}");
    }
}

/// Every rendering of another OCCI implementation (`shared/reference/occi`: the spec's
/// examples, MartServer, pOCCI, rOCCI, erocci, jOCCI) that occi2ovf accepts gives an OVF
/// that `ovf validate --strict` accepts: NICs to networks the rendering does not hold get
/// a declared network.
#[test]
fn every_third_party_rendering_that_exports_gives_a_strictly_valid_ovf() {
    let Some(root) = tern_testkit::reference("occi") else {
        return;
    };
    let dir = Scratch::new("occi2ovf-third-party");
    let out_path = dir.path("out.ovf");
    let (mut tried, mut exported) = (0, 0);
    let mut pending = vec![root];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Grammars, LaTeX, schemas and model warehouses are not renderings.
            if [
                "abnf",
                "tex",
                "json-schema",
                "json-validator",
                "warehouse",
                "schemas",
            ]
            .contains(&name.as_str())
                || path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            tried += 1;
            let _ = std::fs::remove_file(&out_path);
            let out = tern(&["occi2ovf", path.to_str().unwrap(), "-o", &out_path]);
            assert!(
                matches!(out.status.code(), Some(0..=2)),
                "{}: {:?}",
                path.display(),
                out.status
            );
            if !out.status.success() {
                continue;
            }
            exported += 1;
            let check = tern(&["ovf", "validate", "--strict", &out_path]);
            assert!(
                check.status.success(),
                "{}: the export is not valid:\n{}{}\n{}",
                path.display(),
                stdout(&check),
                stderr(&check),
                std::fs::read_to_string(&out_path).unwrap()
            );
        }
    }
    assert!(tried >= 200, "renderings tried: {tried}");
    assert!(exported >= 40, "renderings exported: {exported} of {tried}");
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

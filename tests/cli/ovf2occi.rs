//! `tern ovf2occi` (and the `ovf2occi` binary) over the bundled samples: OCCI JSON that the
//! OCCI reader takes back, snapshots of every conversion, the report, and bad input.

use std::path::Path;

use crate::{ovf_samples as samples, run, stderr, stdout, tern};

const CDMI: &str = "https://cdmi.example.org/images/";

#[test]
fn every_sample_converts_to_occi_json_that_reads_back() {
    let catalogue = tern_mapping::extensions::catalogue(tern_model::OcciVersion::V1_2);
    for file in samples() {
        let out = tern(&["ovf2occi", &file, "--cdmi-base", CDMI]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let text = stdout(&out);
        let parsed = tern_occi::read(
            &text,
            tern_occi::MediaType::OcciJson,
            &tern_occi::ParseOptions::strict(),
            &catalogue,
        )
        .unwrap_or_else(|e| panic!("{file}: the output does not read back: {e:?}"));
        assert!(parsed.warnings.is_empty(), "{file}: {:?}", parsed.warnings);
        let tern_occi::Document::Listing(listing) = parsed.value else {
            panic!("{file}: a resource collection")
        };
        // The output carries the mixins OCCI Infrastructure lacks; with them, it is valid.
        let mut catalogue = catalogue.clone();
        for mixin in &listing.mixins {
            if catalogue.mixin(&mixin.id).is_none() {
                catalogue
                    .add_mixin(mixin.clone())
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
            }
        }
        for resource in &listing.resources {
            catalogue
                .validate_resource(resource, tern_model::ValidationMode::Request)
                .or_else(|e| {
                    // Provider-assigned attributes (a NIC's MAC) may be absent; nothing else.
                    if e.0
                        .iter()
                        .all(|x| matches!(x, tern_model::ValidationError::MissingRequired { .. }))
                    {
                        Ok(())
                    } else {
                        Err(e)
                    }
                })
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        let name = Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("ovf2occi__{name}"), text);
    }
}

#[test]
fn the_shim_is_the_subcommand() {
    let file = "samples/ovf/hadoop-cluster.ovf";
    let direct = run(env!("CARGO_BIN_EXE_ovf2occi"), &[file]);
    let via_tern = tern(&["ovf2occi", file]);
    assert!(direct.status.success());
    assert!(direct.stdout == via_tern.stdout, "same output");
}

#[test]
fn text_plain_renders_one_create_request_per_resource() {
    let out = tern(&[
        "ovf2occi",
        "samples/ovf/hadoop-cluster.ovf",
        "--to",
        "text/plain",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let bodies: Vec<&str> = text
        .split("\r\n\r\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    assert_eq!(bodies.len(), 7, "2 networks, 2 disks, 3 systems:\n{text}");
    assert!(bodies[4].starts_with("Category: compute;"), "{}", bodies[4]);
}

#[test]
fn media_types_have_the_short_names_of_occi_convert() {
    // `--to json` works for `tern occi convert`; the conversions take the same names.
    let long = tern(&["ovf2occi", "samples/ovf/minimal.ovf"]);
    let short = tern(&["ovf2occi", "samples/ovf/minimal.ovf", "--to", "json"]);
    assert_eq!(short.status.code(), Some(0), "{}", stderr(&short));
    assert_eq!(stdout(&short), stdout(&long));
    let plain = tern(&["ovf2occi", "samples/ovf/minimal.ovf", "--to", "plain"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(
        stdout(&plain).starts_with("Category: "),
        "{}",
        stdout(&plain)
    );
    let unknown = tern(&["ovf2occi", "samples/ovf/minimal.ovf", "--to", "yaml"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown media type `yaml`"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn the_report_lists_unmapped_elements_with_lines() {
    let dir = std::env::temp_dir().join(format!("tern-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("report.json");
    let out = tern(&[
        "ovf2occi",
        "samples/ovf/hadoop-cluster.ovf",
        "-o",
        dir.join("out.json").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let startup = json["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["path"].as_str().unwrap().ends_with("StartupSection"))
        .unwrap();
    assert_eq!(startup["line"], 45);
    assert!(
        std::fs::read(dir.join("out.json"))
            .unwrap()
            .starts_with(b"{")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("tern-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.ovf");
    std::fs::write(&bad, "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References>\n</Envelope>\n").unwrap();
    let target = dir.join("out.json");
    let out = tern(&[
        "ovf2occi",
        bad.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.ovf:3:"), "{}", stderr(&out));
    assert!(!target.exists(), "nothing is written for bad input");
    let missing = tern(&["ovf2occi", "samples/ovf/no-such-file.ovf"]);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The real exporters' descriptors (VMware, VirtualBox, Vagrant, Cisco, oVirt, XenServer,
/// Glance), read in place from `shared/reference`: each converts, or fails with a message
/// naming the file and position; both outcomes are snapshots.
#[test]
fn real_exporters_files_convert_as_recorded() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    for path in tern_testkit::files(&dir, &[".ovf"], 20) {
        let out = tern(&["ovf2occi", path.to_str().unwrap(), "--cdmi-base", CDMI]);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let shown = if out.status.success() {
            stdout(&out)
        } else {
            // Paths differ between machines: keep the message from the file name on.
            let message = stderr(&out);
            format!(
                "exit {:?}\n{}",
                out.status.code(),
                message.replace(dir.to_str().unwrap(), "<reference>")
            )
        };
        insta::assert_snapshot!(format!("ovf2occi__reference__{name}"), shown);
    }
}

/// Where the conversion says an entity lives (`/compute/<ovf:id>`, as the mapping table
/// does) is where a program reading the output puts it: `tern plan` creates the Hadoop
/// systems at `/compute/portal`…, and the links between those locations.
#[test]
fn plans_put_entities_where_the_mapping_table_says() {
    let dir = std::env::temp_dir().join(format!("tern-locations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (empty, json) = (dir.join("empty.json"), dir.join("hadoop.json"));
    std::fs::write(&empty, "{\"resources\": []}").unwrap();
    let out = tern(&[
        "ovf2occi",
        "samples/ovf/hadoop-cluster.ovf",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = tern(&["plan", empty.to_str().unwrap(), json.to_str().unwrap()]);
    assert!(plan.status.success(), "{}", stderr(&plan));
    let text = stdout(&plan);
    for expected in [
        "PUT /compute/hadoop-slave ",
        "PUT /network/private ",
        "PUT /storage/hdfs ",
        "/compute/hadoop-slave -> /storage/hdfs",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    assert!(!text.contains("/urn:"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// OVF names that are no URI segment (`VM Network`) give ids and link targets that are
/// URIs, so the text/plain output reads back and exports again.
#[test]
fn names_with_spaces_give_uris_that_chain() {
    let dir = std::env::temp_dir().join(format!("tern-spaces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ovf = dir.join("spaces.ovf");
    std::fs::write(
        &ovf,
        std::fs::read_to_string("samples/ovf/minimal.ovf")
            .unwrap()
            .replace("\"lan\"", "\"VM Network\"")
            .replace(">lan<", ">VM Network<"),
    )
    .unwrap();
    let text = dir.join("spaces.txt");
    let out = tern(&[
        "ovf2occi",
        ovf.to_str().unwrap(),
        "--to",
        "text/plain",
        "-o",
        text.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rendered = std::fs::read_to_string(&text).unwrap();
    assert!(
        rendered.contains("Link: </network/VM%20Network>"),
        "{rendered}"
    );
    let back = tern(&["occi2ovf", text.to_str().unwrap()]);
    assert!(back.status.success(), "{}", stderr(&back));
    assert!(
        stdout(&back).contains("<rasd:Connection>VM Network</rasd:Connection>"),
        "{}",
        stdout(&back)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

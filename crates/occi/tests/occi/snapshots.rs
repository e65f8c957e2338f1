//! Snapshots: conversions of the samples and the messages of the invalid ones.

use tern_occi::{MediaType, ParseOptions, Unknowns, read, validate, write};

use crate::support::{catalogue, media_of, sample_paths, samples_dir};

#[test]
fn invalid_sample_messages() {
    for path in sample_paths(&samples_dir().join("invalid"), 7) {
        let src = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let findings = validate(
            &src,
            media_of(&path),
            &ParseOptions::strict(),
            &catalogue(),
            Unknowns::Reject,
            tern_occi::ValidationMode::Request,
        );
        let lines: Vec<String> = findings
            .iter()
            .map(|f| f.clone().in_file(&name).to_string())
            .collect();
        insta::assert_snapshot!(
            format!("invalid_{name}").replace(['.', '-'], "_"),
            lines.join("\n")
        );
    }
}

#[test]
fn lenient_reading_of_the_spec_example_warns_by_name() {
    // The GFD.229 §6.1 example as printed (normalized to one field per line).
    let src = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\" class=\"kind\";\n\
               Link: </users/foo/compute/b9ff813e?action=start>; rel=\"http://schemas.ogf.org/occi/infrastructure/compute/action#start\"\n\
               X-OCCI-Attribute: occi.core.id=\"urn:uuid:b9ff813e\"\n\
               X-OCCI-Attribute: occi.compute.speed=1.33\n\
               X-OCCI-Attribute: occi.compute.memory=2.0\n\
               X-OCCI-Attribute: occi.compute.cores=2\n";
    let strict = read(
        src,
        MediaType::TextPlain,
        &ParseOptions::strict(),
        &catalogue(),
    )
    .unwrap_err();
    let lenient = read(
        src,
        MediaType::TextPlain,
        &ParseOptions::lenient(),
        &catalogue(),
    )
    .unwrap();
    let mut lines: Vec<String> = strict
        .findings()
        .iter()
        .map(|d| d.clone().in_file("example.txt").to_string())
        .collect();
    lines.push("--- lenient:".into());
    lines.extend(
        lenient
            .warnings
            .iter()
            .map(|d| d.clone().in_file("example.txt").to_string()),
    );
    lines.push("--- canonical text/occi:".into());
    lines.push(write(&lenient.value, MediaType::TextOcci).text);
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn conversions_of_the_samples() {
    for (name, from) in [
        ("compute.json", MediaType::OcciJson),
        ("storagelink.json", MediaType::OcciJson),
        ("categories.plain.txt", MediaType::TextPlain),
    ] {
        let src = std::fs::read_to_string(samples_dir().join(name)).unwrap();
        let doc = read(&src, from, &ParseOptions::strict(), &catalogue())
            .unwrap()
            .value;
        for to in [
            MediaType::TextOcci,
            MediaType::TextPlain,
            MediaType::OcciJson,
        ] {
            let out = write(&doc, to);
            let notes: Vec<String> = out.notes.iter().map(ToString::to_string).collect();
            insta::assert_snapshot!(
                format!("{name}_to_{}", to.extension()).replace(['.', '-'], "_"),
                format!("{}\n--- notes:\n{}", out.text, notes.join("\n"))
            );
        }
    }
}

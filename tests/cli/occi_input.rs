//! Reading OCCI inputs, the same for `occi convert`, `occi validate`, `occi2ovf`, `diff` and
//! `plan`: the media type comes from `--from` or the content (never the file name), `-`
//! reads standard input, and every leniency warning is reported.

use crate::{Scratch, stderr, stdout, tern, tern_with_stdin};

const A: &str = "samples/topologies/a-db-server.json";
const HADOOP: &str = "samples/ovf/hadoop-cluster.ovf";

#[test]
fn convert_detects_the_media_type_of_standard_input() {
    let json = std::fs::read("samples/occi/compute.json").unwrap();
    let expected = std::fs::read_to_string("samples/occi/compute.plain.txt").unwrap();
    for args in [
        vec!["occi", "convert", "--strict", "--to", "plain"],
        vec!["occi", "convert", "--strict", "--to", "plain", "-"],
    ] {
        let out = tern_with_stdin(&args, &json);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), expected);
    }
    // Findings about standard input name it.
    let out = tern_with_stdin(&["occi", "convert", "--to", "json"], b"{\"kind\": 3}");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("<stdin>:1:10: error[json.shape]: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn diff_and_plan_detect_the_rendering_from_the_content_not_the_name() {
    let dir = Scratch::new("detect");
    // JSON in a `.txt` file (read as text/plain by its name before).
    let renamed = dir.path("a.txt");
    std::fs::copy(A, &renamed).unwrap();
    let out = tern(&["diff", &renamed, A]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&tern(&["diff", A, A])));
    // The text/plain export of ovf2occi (one body per resource) is a topology, like the JSON
    // one, even in a file named `.json`.
    let (json, text) = (dir.path("h.json"), dir.path("h-text.json"));
    for (file, media) in [(&json, "json"), (&text, "plain")] {
        let out = tern(&["ovf2occi", HADOOP, "--to", media, "-o", file]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = tern(&["plan", &text, &json]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("No changes."), "{}", stdout(&out));
    // `-` reads standard input.
    let out = tern_with_stdin(&["diff", "-", A], &std::fs::read(A).unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn occi2ovf_reports_the_leniencies_it_reads_past() {
    let dir = Scratch::new("warnings");
    let json = dir.path("h.json");
    assert!(tern(&["ovf2occi", HADOOP, "-o", &json]).status.success());
    // erocci and MartServer put `location` on entities; tern reads it with a warning.
    let text = std::fs::read_to_string(&json).unwrap().replacen(
        "\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\",",
        "\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\", \"location\": \"/compute/1\",",
        1,
    );
    let lenient = dir.path("lenient.json");
    std::fs::write(&lenient, &text).unwrap();
    let out = tern(&["occi2ovf", &lenient]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("lenient.json:")
            && stderr(&out).contains(": warning[lenient.extra-location]: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), stdout(&tern(&["occi2ovf", &json])));
}

#[test]
fn diff_reports_warnings_and_errors_in_the_format_asked_for() {
    let dir = Scratch::new("diff-json");
    let text = std::fs::read_to_string(A).unwrap().replacen(
        "\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\",",
        "\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\", \"location\": \"/compute/1\",",
        1,
    );
    assert_ne!(
        text,
        std::fs::read_to_string(A).unwrap(),
        "the sample has a compute"
    );
    let lenient = dir.path("lenient.json");
    std::fs::write(&lenient, &text).unwrap();
    let out = tern(&["diff", "--format", "json", &lenient, A]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        crate::violations("schemas/findings.schema.json", &err),
        Vec::<String>::new()
    );
    let report: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(
        report["findings"][0]["rule"], "lenient.extra-location",
        "{err}"
    );
    assert_eq!(report["valid"], true);
    // Both inputs broken: one report naming both files, exit 1.
    let broken = dir.path("broken.json");
    std::fs::write(&broken, "{\"resources\": [").unwrap();
    let out = tern(&["diff", "--format", "json", &broken, &broken]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stderr(&out)).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        2,
        "{report:#}"
    );
    assert_eq!(report["findings"][0]["rule"], "json.syntax");
}

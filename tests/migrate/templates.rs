//! The capability comparison: a provider template (an OS image) missing at B refuses the
//! migration with the table; B's template of another name with the same image maps.

use super::{Served, http, tern, text};

const IMAGE_MIXIN: &str = "http://schemas.tern.dev/occi/image#ubuntu.qcow2";

// An image uploaded under `/images/` (registered as an os_tpl mixin) named `name`.
fn image(base: &str, name: &str, bytes: &[u8]) {
    let h = http();
    let r = h
        .put(format!("{base}/images/"))
        .header("X-CDMI-Specification-Version", "1.1.1")
        .header("Content-Type", "application/cdmi-container")
        .body("{}")
        .send()
        .expect("container");
    assert!(r.status().is_success() || r.status().as_u16() == 204);
    let r = h
        .put(format!("{base}/images/{name}"))
        .header("Content-Type", "application/x-qemu-disk")
        .body(bytes.to_vec())
        .send()
        .expect("image");
    assert!(r.status().is_success(), "{:?}", r.text());
}

#[test]
fn a_template_missing_at_b_is_refused_with_the_table_and_one_with_the_same_image_maps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    image(&a.base, "ubuntu.qcow2", &bytes);
    let compute = serde_json::json!({
        "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
        "mixins": [IMAGE_MIXIN],
        "attributes": {"occi.core.id": "web", "occi.core.title": "web", "occi.compute.cores": 1, "occi.compute.memory": 1}
    });
    let r = http()
        .put(format!("{}/compute/web", a.base))
        .header("Content-Type", "application/occi+json")
        .body(compute.to_string())
        .send()
        .expect("compute");
    assert!(r.status().is_success(), "{:?}", r.text());
    let state = dir.path().join("m.json");
    let args = |extra: &[&str]| {
        let mut v = vec![
            "migrate",
            "--from",
            a.base.as_str(),
            "--to",
            b.base.as_str(),
            "--state",
            state.to_str().expect("UTF-8"),
        ];
        v.extend_from_slice(extra);
        tern(&v)
    };

    let out = args(&[]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let row = report
        .lines()
        .find(|l| l.contains(IMAGE_MIXIN))
        .unwrap_or_else(|| panic!("no row for the template: {report}"));
    assert!(row.contains("MISSING!"), "{row}");
    assert!(report.contains("error[migrate.refused]"), "{report}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("migrate.refused"),
        "{report}"
    );
    // Nothing happened at either side.
    assert!(!report.contains("stop     done"), "{report}");

    // Forced: the gaps are listed and the run goes on (a dry run here).
    let out = args(&["--force", "--dry-run"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains(&format!("forced although B lacks: mixin {IMAGE_MIXIN}")),
        "{report}"
    );

    // B's image of another name with the same bytes: the template maps.
    image(&b.base, "ubuntu-22.04.qcow2", &bytes);
    let out = args(&["--dry-run"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    let row = report
        .lines()
        .find(|l| l.contains(IMAGE_MIXIN))
        .unwrap_or_else(|| panic!("no row for the template: {report}"));
    assert!(
        row.contains("http://schemas.tern.dev/occi/image#ubuntu-22.04.qcow2")
            && row.contains("maps")
            && row.contains("same image"),
        "{row}"
    );

    // And migrated: equal modulo the template's name.
    let out = args(&[]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("deployments are equal"), "{report}");
    // A has no deployment: all of A, imported at B as the deployment the descriptor names
    // (its one VirtualSystem, `web`), placed as B's import places it.
    assert!(
        report.contains("A has no deployment: everything A serves at / is migrated"),
        "{report}"
    );
    assert!(report.contains("in /deployments/web/"), "{report}");
    assert_eq!(super::computes(&b.base), ["/compute/web.web"], "{report}");
}

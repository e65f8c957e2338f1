//! OVF on the real binary: a descriptor imported by `POST /`, kept across a restart, exported
//! by `GET /` and judged by `tern ovf validate --strict` and `tern diff` (equal).

use std::process::Command;

use reqwest::StatusCode;

use crate::Served;

const OVF: &str = "application/ovf+xml";

#[test]
fn an_imported_descriptor_exports_back_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf/hadoop-cluster.ovf");
    let descriptor = std::fs::read_to_string(&sample).unwrap();
    let exported = dir.path().join("out/hadoop-cluster.ovf");
    std::fs::create_dir_all(exported.parent().unwrap()).unwrap();
    let http = crate::client();

    let served = Served::start(&dir.path().join("data"), &[]);
    let r = http
        .post(format!("{}/", served.base))
        .header("Content-Type", OVF)
        .body(descriptor.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created = r.text().unwrap();
    assert!(
        created.lines().any(|l| l.contains("/compute/")),
        "{created}"
    );
    assert!(served.terminate().success());

    let served = Served::start(&dir.path().join("data"), &[]);
    let r = http
        .get(format!("{}/", served.base))
        .header("Accept", OVF)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    std::fs::write(&exported, r.text().unwrap()).unwrap();

    let tern = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(args)
            .output()
            .unwrap()
    };
    let valid = tern(&[
        "ovf".as_ref(),
        "validate".as_ref(),
        "--strict".as_ref(),
        exported.as_os_str(),
    ]);
    assert!(
        valid.status.success(),
        "{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    // The OCCI the two descriptors make compares equal (and the bytes are the same).
    let occi = |ovf: &std::path::Path, out: &std::path::Path| {
        let o = tern(&[
            "ovf2occi".as_ref(),
            ovf.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (before, after) = (
        dir.path().join("imported.json"),
        dir.path().join("exported.json"),
    );
    occi(&sample, &before);
    occi(&exported, &after);
    let diff = tern(&["diff".as_ref(), before.as_os_str(), after.as_os_str()]);
    assert!(
        diff.status.success(),
        "{}{}",
        String::from_utf8_lossy(&diff.stdout),
        String::from_utf8_lossy(&diff.stderr)
    );
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), descriptor);
}

//! Bounded cost on archives of many members: a member count limit with its own rule id, and
//! verification and unpacking whose work grows linearly with the member count.

use std::io::Cursor;

use tern_ova::{Algorithm, DEFAULT_MAX_MEMBERS, Ova, OvaError, UnpackOptions};

use crate::support::{Entry, Scratch, descriptor, file, hex_digest, tar};

/// A descriptor, a manifest listing every file, and `files` one-byte files.
fn many_members(files: usize) -> Vec<u8> {
    let ovf = descriptor(&[]);
    let names: Vec<String> = (0..files).map(|i| format!("f{i:06}.img")).collect();
    let mut mf = format!(
        "SHA256(vm.ovf)= {}\n",
        hex_digest(Algorithm::Sha256, ovf.as_bytes())
    );
    for name in &names {
        let digest = hex_digest(Algorithm::Sha256, name.as_bytes());
        mf.push_str(&format!("SHA256({name})= {digest}\n"));
    }
    let mut entries: Vec<Entry> = vec![file("vm.ovf", &ovf), file("vm.mf", &mf)];
    entries.extend(names.iter().map(|n| file(n, n)));
    tar(&entries)
}

#[test]
fn more_members_than_the_limit_is_refused_with_a_rule_id() {
    let bytes = many_members(4); // six members
    match Ova::from_reader_with_limit(Cursor::new(bytes.clone()), "many.ova", 5) {
        Err(e @ OvaError::TooManyMembers { limit: 5, offset }) => {
            assert_eq!(offset, 5 * 1024, "the sixth header");
            assert_eq!(e.to_finding().rule, "OVA-MEMBERS");
            assert!(e.to_string().contains("more than 5 members"), "{e}");
        }
        other => panic!("expected TooManyMembers, got {other:?}"),
    }
    let ova = Ova::from_reader_with_limit(Cursor::new(bytes), "many.ova", 6).expect("at the limit");
    assert_eq!(ova.members().len(), 6);
}

#[test]
fn the_default_limit_applies_to_a_plain_open() {
    let bytes = many_members(DEFAULT_MAX_MEMBERS - 1); // one over
    let scratch = Scratch::new("limits-default");
    let path = scratch.write("many.ova", &bytes);
    assert!(matches!(
        Ova::open(&path),
        Err(OvaError::TooManyMembers {
            limit: DEFAULT_MAX_MEMBERS,
            ..
        })
    ));
    assert!(matches!(
        Ova::from_reader(Cursor::new(bytes), "many.ova"),
        Err(OvaError::TooManyMembers { .. })
    ));
}

// Member and manifest lookups by name were linear scans, so verifying n members cost n²
// comparisons: at 10 000 members that took 7.5 s in a release build (minutes in a debug one).
// Linear now; the assertion is on the result, the size is what makes a regression visible.
#[test]
fn ten_thousand_members_verify_and_unpack() {
    let files = DEFAULT_MAX_MEMBERS - 2;
    let mut ova = Ova::from_reader(Cursor::new(many_members(files)), "many.ova").unwrap();
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(report.is_valid(), "{:?}", report.findings.first());
    assert_eq!(report.verified.len(), files + 1);

    let scratch = Scratch::new("limits-unpack");
    let dest = scratch.join("out");
    let unpacked = ova
        .unpack(&dest, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(unpacked.written.len(), files + 2);
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), files + 2);
    assert_eq!(
        std::fs::read(dest.join("f000042.img")).unwrap(),
        b"f000042.img"
    );
}

#[test]
fn unpacking_leaves_no_staging_directory_behind() {
    let scratch = Scratch::new("limits-staging");
    let bytes = many_members(3);
    // Into a new directory (the staging directory is beside it), then into one with content
    // (the staging directory is inside it).
    let dest = scratch.join("new");
    Ova::from_reader(Cursor::new(bytes.clone()), "a.ova")
        .unwrap()
        .unpack(&dest, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(scratch.path()), ["new"]);
    let busy = scratch.join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    Ova::from_reader(Cursor::new(bytes), "a.ova")
        .unwrap()
        .unpack(&busy, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(
        names(&busy),
        [
            "f000000.img",
            "f000001.img",
            "f000002.img",
            "notes.txt",
            "vm.mf",
            "vm.ovf"
        ]
    );
}

//! Bounded cost on archives of many members: a member count limit with its own rule id, and
//! verification and unpacking whose work grows linearly with the member count.

use std::fmt::Write as _;
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
        let _ = writeln!(mf, "SHA256({name})= {digest}");
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

// Member and manifest lookups by name were linear scans, so verifying (or unpacking) n
// members cost n² comparisons: at 10 000 members that took 7.5 s in a release build (a minute
// in a debug one). Linear now (0.2 s); the assertion is on the result, the size is what makes
// a regression visible. Unpacking shares the lookups and is timed by BENCHMARKS.md, not here
// (10 000 files to create and flush).
#[test]
fn ten_thousand_members_verify_in_linear_time() {
    let files = DEFAULT_MAX_MEMBERS - 2;
    let mut ova = Ova::from_reader(Cursor::new(many_members(files)), "many.ova").unwrap();
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(report.is_valid(), "{:?}", report.findings.first());
    assert_eq!(report.verified.len(), files + 1);
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

// A member of 32 MiB or more is digested on a second thread and flushed along the way while
// it is copied: the same bytes land, and a corrupt one is still rejected.
#[test]
fn a_large_member_unpacks_through_the_digest_thread() {
    let disk: Vec<u8> = (0..(40u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let ovf = descriptor(&[("disk.img", "")]);
    let mf = format!(
        "SHA256(vm.ovf)= {}\nSHA256(disk.img)= {}\n",
        hex_digest(Algorithm::Sha256, ovf.as_bytes()),
        hex_digest(Algorithm::Sha256, &disk)
    );
    let scratch = Scratch::new("limits-large");
    let bytes = tar(&[
        file("vm.ovf", &ovf),
        file("vm.mf", &mf),
        file("disk.img", &disk),
    ]);
    let dest = scratch.join("out");
    let unpacked = Ova::from_reader(Cursor::new(bytes.clone()), "large.ova")
        .unwrap()
        .unpack(&dest, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert!(unpacked.verification.is_valid() && unpacked.rejected.is_empty());
    assert!(std::fs::read(dest.join("disk.img")).unwrap() == disk);

    let mut corrupt = bytes;
    let at = corrupt.len() - 2048; // inside the disk's data
    corrupt[at] ^= 1;
    let dest = scratch.join("corrupt");
    let unpacked = Ova::from_reader(Cursor::new(corrupt), "large.ova")
        .unwrap()
        .unpack(&dest, &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(unpacked.rejected, ["disk.img"]);
    assert!(!dest.join("disk.img").exists());
}

#[test]
fn an_empty_directory_named_with_a_dot_is_filled_in_place() {
    let scratch = Scratch::new("limits-dot");
    let dest = scratch.join("empty");
    std::fs::create_dir(&dest).unwrap();
    Ova::from_reader(Cursor::new(many_members(1)), "a.ova")
        .unwrap()
        .unpack(&dest.join("."), &UnpackOptions::default(), &mut |_| {})
        .unwrap();
    assert!(dest.join("f000000.img").is_file() && dest.join("vm.ovf").is_file());
}

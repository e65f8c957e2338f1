//! Archives that try to escape the extraction directory or smuggle in non-files are refused
//! when opened, with an error naming the member and the header's offset.

use std::io::Cursor;

use tern_ova::{Ova, OvaError, UnpackOptions, UnsafeKind};

use crate::support::{
    Entry, Scratch, descriptor, file, gnu_long_name, header, pax, seal, tar, typed,
};

fn open(bytes: Vec<u8>) -> Result<Ova<Cursor<Vec<u8>>>, OvaError> {
    Ova::from_reader(Cursor::new(bytes), "hostile.ova")
}

fn ovf() -> Entry {
    file("vm.ovf", descriptor(&[]))
}

fn refused(entries: &[Entry]) -> (String, u64, UnsafeKind) {
    match open(tar(entries)) {
        Err(OvaError::UnsafeMember {
            member,
            offset,
            kind,
        }) => (member, offset, kind),
        Err(other) => panic!("expected UnsafeMember, got {other}"),
        Ok(_) => panic!("hostile archive accepted"),
    }
}

#[test]
fn escaping_names_are_refused() {
    for (name, kind) in [
        ("/etc/passwd", UnsafeKind::AbsolutePath),
        ("../evil", UnsafeKind::ParentComponent),
        ("a/../../evil", UnsafeKind::ParentComponent),
        ("./../evil", UnsafeKind::ParentComponent),
        ("a\\..\\evil", UnsafeKind::UnportableName),
    ] {
        let (member, offset, got) = refused(&[ovf(), file(name, "x")]);
        assert_eq!((member.as_str(), got), (name, kind), "{name}");
        assert_eq!(offset, 1024, "{name}: header of the second member");
    }
}

#[test]
fn links_devices_and_fifos_are_refused() {
    for (typeflag, kind) in [
        (b'1', UnsafeKind::Hardlink),
        (b'2', UnsafeKind::Symlink),
        (b'3', UnsafeKind::Device),
        (b'4', UnsafeKind::Device),
        (b'6', UnsafeKind::Fifo),
    ] {
        let mut link = typed("disk.vmdk", typeflag);
        link.linkname = b"/etc/shadow".to_vec();
        let (member, _, got) = refused(&[ovf(), link]);
        assert_eq!((member.as_str(), got), ("disk.vmdk", kind));
    }
    let message = match open(tar(&[ovf(), typed("disk.vmdk", b'2')])) {
        Err(e) => e.to_string(),
        Ok(_) => unreachable!(),
    };
    assert_eq!(
        message,
        "member 'disk.vmdk' (header at byte 1024) refused: symbolic link"
    );
}

#[test]
fn names_from_extension_headers_are_checked_too() {
    let (member, offset, kind) =
        refused(&[ovf(), pax(&[("path", "../../evil")]), file("innocent", "x")]);
    assert_eq!(
        (member.as_str(), offset, kind),
        ("../../evil", 1024, UnsafeKind::ParentComponent)
    );
    let (member, _, kind) = refused(&[ovf(), gnu_long_name("/abs/evil"), file("innocent", "x")]);
    assert_eq!(
        (member.as_str(), kind),
        ("/abs/evil", UnsafeKind::AbsolutePath)
    );
}

#[test]
fn duplicates_and_descriptor_order_are_enforced() {
    match open(tar(&[ovf(), file("a.img", "1"), file("a.img", "2")])) {
        Err(OvaError::DuplicateMember {
            member,
            first,
            second,
        }) => {
            assert_eq!((member.as_str(), first, second), ("a.img", 1024, 2048));
        }
        other => panic!("expected DuplicateMember, got {other:?}"),
    }
    match open(tar(&[file("disk.vmdk", "x"), ovf()])) {
        Err(OvaError::DescriptorNotFirst { found, offset }) => {
            assert_eq!((found.as_str(), offset), ("disk.vmdk", 0));
        }
        other => panic!("expected DescriptorNotFirst, got {other:?}"),
    }
    assert!(matches!(open(vec![0; 1024]), Err(OvaError::Empty)));
    // A leading `./` directory (tar -C dir -cf x.ova .) and upper-case .OVF are fine.
    let ova = open(tar(&[typed("./", b'5'), file("./VM.OVF", descriptor(&[]))])).expect("readable");
    assert_eq!(ova.descriptor().name, "VM.OVF");
}

#[test]
fn malformed_headers_name_the_offset() {
    let mut bytes = tar(&[ovf(), file("a.img", "x")]);
    bytes[1024 + 10] ^= 0xff; // inside the second header's name
    match open(bytes) {
        Err(OvaError::Header { offset, reason, .. }) => {
            assert_eq!(offset, 1024);
            assert!(reason.contains("checksum mismatch"), "{reason}");
        }
        other => panic!("expected a header error, got {other:?}"),
    }

    let mut bad_size = header(&file("a.img", "x"));
    bad_size[124..136].copy_from_slice(b"0000000009x\0");
    seal(&mut bad_size);
    let mut bytes = tar(&[ovf()]);
    bytes.truncate(1024);
    bytes.extend_from_slice(&bad_size);
    bytes.extend_from_slice(&[0; 1536]);
    let err = open(bytes).expect_err("bad size refused");
    assert!(
        matches!(err, OvaError::Header { offset: 1024, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("tar header at byte 1024 (member 'a.img'): size field"),
        "{err}"
    );

    let err = open(tar(&[ovf(), typed("sparse", b'S')])).expect_err("sparse refused");
    assert!(
        matches!(err, OvaError::Header { offset: 1024, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("unsupported entry type 'S' (GNU sparse file)"),
        "{err}"
    );
}

#[test]
fn truncated_archives_are_reported_not_panicking() {
    let full = tar(&[ovf(), file("a.img", vec![7u8; 3000])]);
    let err = open(full[..100].to_vec()).expect_err("too short");
    assert!(matches!(err, OvaError::Header { offset: 0, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "tar header at byte 0: not a tar archive: 100 bytes, shorter than one 512-byte header"
    );
    for cut in [700, 1024 + 300, 1536 + 2000] {
        let err = open(full[..cut].to_vec())
            .err()
            .unwrap_or_else(|| panic!("cut at {cut} accepted"));
        assert!(
            matches!(err, OvaError::Truncated { .. }),
            "cut at {cut}: {err}"
        );
    }
    // Without the end-of-archive blocks every member is still complete: accepted.
    let complete = 1024 + 512 + 3072;
    assert_eq!(open(full[..complete].to_vec()).unwrap().members().len(), 2);
}

#[test]
fn unpack_never_follows_a_planted_symlink() {
    let scratch = Scratch::new("hostile-symlink");
    let outside = scratch.join("outside");
    std::fs::create_dir(&outside).unwrap();
    let dest = scratch.join("dest");
    std::fs::create_dir(&dest).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dest.join("sub")).unwrap();
    #[cfg(not(unix))]
    {
        eprintln!("note: symlinks need unix; skipping");
        return;
    }
    let mut ova = open(tar(&[ovf(), file("sub/payload", "x")])).expect("names are safe");
    let err = ova
        .unpack(&dest, &UnpackOptions::default(), &mut |_| {})
        .expect_err("refused");
    assert!(
        matches!(&err, OvaError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a directory"), "{err}");
    assert!(
        !outside.join("payload").exists(),
        "nothing written through the link"
    );
}

//! `OvaStream`: the archive read front to back from a plain `Read` (an HTTP body) finds the
//! same members with the same bytes as the indexing reader, and refuses the same archives.

use std::io::{Cursor, Read};

use tern_ova::{DEFAULT_MAX_MEMBERS, Ova, OvaError, OvaStream, UnsafeKind};

use crate::support::{descriptor, file, gnu_long_name, pax, tar, typed};

// A reader that cannot seek and hands out a few bytes at a time.
struct Trickle(Cursor<Vec<u8>>);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(7);
        self.0.read(&mut buf[..n])
    }
}

fn walk(bytes: Vec<u8>) -> Result<Vec<(String, Vec<u8>)>, OvaError> {
    let mut s = OvaStream::new(Trickle(Cursor::new(bytes)), "body.ova", DEFAULT_MAX_MEMBERS);
    let mut out = Vec::new();
    while let Some(m) = s.next_member()? {
        let mut data = Vec::new();
        s.read_to_end(&mut data).map_err(|e| OvaError::Truncated {
            what: e.to_string(),
            offset: 0,
        })?;
        out.push((m.name, data));
    }
    Ok(out)
}

#[test]
fn the_same_members_as_the_index() {
    let bytes = tar(&[
        typed("./", b'5'),
        file("vm.ovf", descriptor(&[])),
        file("vm.mf", "SHA256(vm.ovf)= 00\n"),
        pax(&[("path", "a-very-long-directory-name/disk.vmdk")]),
        file("ignored", vec![1u8; 3000]),
        gnu_long_name("x".repeat(120).as_str()),
        file("short", "data"),
    ]);
    let streamed = walk(bytes.clone()).unwrap();
    let mut ova = Ova::from_reader(Cursor::new(bytes), "body.ova").unwrap();
    let names: Vec<String> = ova.members().iter().map(|m| m.name.clone()).collect();
    assert_eq!(
        streamed.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        names
    );
    for (name, data) in &streamed {
        assert_eq!(
            &ova.read_member_to_vec(name, 1 << 20).unwrap(),
            data,
            "{name}"
        );
    }
    assert_eq!(streamed[2].1, vec![1u8; 3000]);
}

#[test]
fn hostile_and_broken_archives_are_refused() {
    let ovf = || file("vm.ovf", descriptor(&[]));
    assert!(matches!(
        walk(tar(&[ovf(), file("../evil", "x")])),
        Err(OvaError::UnsafeMember {
            kind: UnsafeKind::ParentComponent,
            ..
        })
    ));
    assert!(matches!(
        walk(tar(&[ovf(), typed("link", b'2')])),
        Err(OvaError::UnsafeMember {
            kind: UnsafeKind::Symlink,
            ..
        })
    ));
    match walk(tar(&[ovf(), file("a.img", "1"), file("a.img", "2")])) {
        Err(OvaError::DuplicateMember { first, second, .. }) => {
            assert_eq!((first, second), (1024, 2048));
        }
        other => panic!("expected DuplicateMember, got {other:?}"),
    }
    assert!(matches!(
        walk(tar(&[file("disk.vmdk", "x"), ovf()])),
        Err(OvaError::DescriptorNotFirst { .. })
    ));
    assert!(matches!(walk(Vec::new()), Err(OvaError::Empty)));
    assert!(matches!(
        walk(vec![1; 100]),
        Err(OvaError::Header { offset: 0, .. })
    ));
    let full = tar(&[ovf(), file("a.img", vec![7u8; 3000])]);
    for cut in [700, 1024 + 300] {
        assert!(
            matches!(walk(full[..cut].to_vec()), Err(OvaError::Truncated { .. })),
            "cut at {cut}"
        );
    }
    // Cut inside a member's data: its reader says so.
    let mut s = OvaStream::new(Cursor::new(full[..1536 + 2000].to_vec()), "b", 10);
    s.next_member().unwrap();
    let m = s.next_member().unwrap().unwrap();
    assert_eq!(m.name, "a.img");
    let mut data = Vec::new();
    let err = s.read_to_end(&mut data).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    // Complete members without the end-of-archive blocks: accepted.
    assert_eq!(walk(full[..1024 + 512 + 3072].to_vec()).unwrap().len(), 2);
}

#[test]
fn the_member_limit_holds() {
    let bytes = tar(&[
        file("vm.ovf", descriptor(&[])),
        file("a", "1"),
        file("b", "2"),
    ]);
    let mut s = OvaStream::new(Cursor::new(bytes), "b", 2);
    s.next_member().unwrap();
    s.next_member().unwrap();
    assert!(matches!(
        s.next_member(),
        Err(OvaError::TooManyMembers { limit: 2, .. })
    ));
}

// Every member's name and bytes as the index reads them, or that it refuses the archive.
fn indexed(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut ova = Ova::from_reader(Cursor::new(bytes.to_vec()), "prop.ova").ok()?;
    let names: Vec<String> = ova.members().iter().map(|m| m.name.clone()).collect();
    let mut out = Vec::new();
    for name in names {
        let data = ova.read_member_to_vec(&name, 1 << 20).ok()?;
        out.push((name, data));
    }
    Some(out)
}

proptest::proptest! {
    // A damaged archive is accepted by the stream exactly when the index accepts it, with the
    // same members and bytes; neither panics.
    #[test]
    fn the_stream_agrees_with_the_index_on_damaged_archives(
        flips in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 0..6),
        cut in proptest::option::of(proptest::prelude::any::<proptest::sample::Index>()),
    ) {
        let mut bytes = crate::properties::sample_ova();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            let len = cut.index(bytes.len());
            bytes.truncate(len);
        }
        let streamed = walk(bytes.clone()).ok();
        proptest::prop_assert_eq!(streamed, indexed(&bytes));
    }
}

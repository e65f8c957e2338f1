//! The archives tern writes, checked field by field against the POSIX ustar layout, and read
//! back by the system `tar`.

use std::process::Command;

use tern_ova::{Algorithm, OvaError, PackFile, PackOptions, pack};

use crate::support::{Scratch, descriptor, have};

/// Sum of the header bytes with the checksum field taken as eight spaces (POSIX).
fn spec_checksum(h: &[u8]) -> u32 {
    h.iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum()
}

fn octal(field: &[u8]) -> u64 {
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .map(|&b| char::from(b))
        .collect();
    u64::from_str_radix(&text, 8).expect("octal field")
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8(field[..end].to_vec()).expect("UTF-8 field")
}

fn packed(dir: &Scratch, names: &[(&str, usize)], algorithm: Algorithm) -> Vec<u8> {
    let refs: Vec<(&str, &str)> = names.iter().map(|(n, _)| (*n, "")).collect();
    let ovf = dir.write("appliance.ovf", descriptor(&refs));
    let mut files = Vec::new();
    for (i, (name, size)) in names.iter().enumerate() {
        let path = dir.join(&format!("src{i}"));
        let bytes: Vec<u8> = (0..*size).map(|j| (j * 7 + i) as u8).collect();
        std::fs::write(&path, bytes).unwrap();
        files.push(PackFile {
            name: (*name).to_owned(),
            path,
        });
    }
    let out = dir.join("out.ova");
    let options = PackOptions {
        algorithm,
        mtime: Some(1_700_000_000),
        ..PackOptions::default()
    };
    pack(&ovf, &files, &out, &options, &mut |_| {}).expect("pack");
    std::fs::read(out).unwrap()
}

/// Walks the archive by the spec: (name, size, header) for each member.
fn walk(bytes: &[u8]) -> Vec<(String, u64, [u8; 512])> {
    assert_eq!(bytes.len() % 512, 0, "an archive is whole 512-byte blocks");
    let mut at = 0;
    let mut out = Vec::new();
    loop {
        let h: [u8; 512] = bytes[at..at + 512].try_into().unwrap();
        if h.iter().all(|&b| b == 0) {
            assert!(
                bytes[at..].iter().all(|&b| b == 0) && bytes.len() - at >= 1024,
                "the archive ends with (at least) two zero blocks"
            );
            return out;
        }
        let prefix = cstr(&h[345..500]);
        let name = cstr(&h[0..100]);
        let full = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let size = octal(&h[124..136]);
        out.push((full, size, h));
        at += 512 + (size as usize).div_ceil(512) * 512;
    }
}

#[test]
fn every_header_follows_the_ustar_layout() {
    let dir = Scratch::new("ustar-layout");
    let bytes = packed(
        &dir,
        &[("disk1.vmdk", 1000), ("empty.iso", 0), ("nvram", 512)],
        Algorithm::Sha256,
    );
    let members = walk(&bytes);
    let names: Vec<&str> = members.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "appliance.ovf",
            "appliance.mf",
            "disk1.vmdk",
            "empty.iso",
            "nvram"
        ]
    );
    for (name, size, h) in &members {
        assert_eq!(&h[257..263], b"ustar\0", "{name}: magic");
        assert_eq!(&h[263..265], b"00", "{name}: version");
        assert_eq!(
            h[156], b'0',
            "{name}: regular file typeflag, no PAX 'x' or GNU 'L'"
        );
        assert_eq!(
            octal(&h[148..156]),
            u64::from(spec_checksum(h)),
            "{name}: checksum"
        );
        assert_eq!(
            &h[148..156][6..],
            b"\0 ",
            "{name}: checksum is six digits, NUL, space"
        );
        assert_eq!(&h[100..108], b"0000644\0", "{name}: mode 0644");
        assert_eq!(&h[108..116], b"0000000\0", "{name}: uid 0");
        assert_eq!(&h[116..124], b"0000000\0", "{name}: gid 0");
        assert_eq!(octal(&h[136..148]), 1_700_000_000, "{name}: integer mtime");
        assert!(h[157..257].iter().all(|&b| b == 0), "{name}: no link name");
        assert!(
            h[265..329].iter().all(|&b| b == 0),
            "{name}: empty uname/gname"
        );
        assert!(h[500..512].iter().all(|&b| b == 0), "{name}: padding");
        let _ = size;
    }
    let text = manifest_text(&bytes, &members);
    let names_in_manifest: Vec<&str> = text
        .lines()
        .map(|l| {
            let (head, hex) = l.split_once(")= ").expect("ALG(name)= hex");
            assert_eq!(hex.len(), 64, "{l}");
            assert!(
                hex.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{l}"
            );
            head.strip_prefix("SHA256(").expect("SHA256(")
        })
        .collect();
    assert_eq!(
        names_in_manifest,
        ["appliance.ovf", "disk1.vmdk", "empty.iso", "nvram"]
    );
    assert_eq!(members[2].1, 1000);
    assert_eq!(members[3].1, 0);
}

/// The second member's data: its size in the header is exactly the text's length.
fn manifest_text(bytes: &[u8], members: &[(String, u64, [u8; 512])]) -> String {
    let offset = 512 + (members[0].1 as usize).div_ceil(512) * 512 + 512;
    let end = offset + members[1].1 as usize;
    assert!(
        bytes[end..end.div_ceil(512) * 512].iter().all(|&b| b == 0),
        "zero padding"
    );
    String::from_utf8(bytes[offset..end].to_vec()).expect("UTF-8 manifest")
}

#[test]
fn the_system_tar_lists_and_extracts_the_archive() {
    if !have("tar") {
        // CI has tar (Debian's base system): there its absence is a failure, not a skip.
        assert!(std::env::var_os("CI").is_none(), "no system tar in CI");
        eprintln!("note: no system tar; skipping");
        return;
    }
    let dir = Scratch::new("ustar-systemtar");
    let long_dir = "d".repeat(120);
    let long = format!("{long_dir}/disk-with-a-long-name.vmdk");
    let bytes = packed(
        &dir,
        &[("disk1.vmdk", 3000), (long.as_str(), 10)],
        Algorithm::Sha1,
    );
    let ova = dir.write("sys.ova", &bytes);
    let listing = Command::new("tar").arg("-tvf").arg(&ova).output().unwrap();
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    let text = String::from_utf8_lossy(&listing.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("-rw-r--r--") && lines[0].ends_with(" appliance.ovf"),
        "{text}"
    );
    assert!(lines[1].ends_with(" appliance.mf"), "{text}");
    assert!(
        lines[2].contains(" 3000 ") && lines[2].ends_with(" disk1.vmdk"),
        "{text}"
    );
    assert!(
        lines[3].ends_with(&format!(" {long}")),
        "the prefix field joins the name: {text}"
    );

    let out = dir.join("x");
    std::fs::create_dir(&out).unwrap();
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&ova)
        .arg("-C")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let disk = std::fs::read(out.join("disk1.vmdk")).unwrap();
    assert_eq!(disk, std::fs::read(dir.join("src0")).unwrap());
    let manifest = std::fs::read_to_string(out.join("appliance.mf")).unwrap();
    assert!(manifest.starts_with("SHA1(appliance.ovf)= "), "{manifest}");
}

#[test]
fn names_that_do_not_fit_ustar_are_refused_before_writing() {
    let dir = Scratch::new("ustar-longname");
    let ovf = dir.write("a.ovf", descriptor(&[]));
    let src = dir.write("src", b"x");
    let out = dir.join("out.ova");
    for bad in [
        "n".repeat(101),
        format!("{}/{}", "p".repeat(156), "n"),
        format!("p/{}", "n".repeat(101)),
    ] {
        let files = [PackFile {
            name: bad.clone(),
            path: src.clone(),
        }];
        let err =
            pack(&ovf, &files, &out, &PackOptions::default(), &mut |_| {}).expect_err("too long");
        assert!(
            matches!(&err, OvaError::Name { name, .. } if *name == bad),
            "{err}"
        );
        assert!(err.to_string().contains("too long for ustar"), "{err}");
        assert!(!out.exists(), "no output on failure");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[test]
fn archives_from_python_tarfile_and_gnu_tar_are_read() {
    let dir = Scratch::new("interop");
    let long = format!("{}.img", "l".repeat(120));
    dir.write("vm.ovf", descriptor(&[("a.img", ""), (long.as_str(), "")]));
    dir.write("a.img", "A");
    dir.write(&long, "L");
    let mut ran = 0;
    if have("python3") {
        // Python's default (PAX) format, as COT writes OVAs.
        let script = format!(
            "import tarfile\nwith tarfile.open('py.ova', 'w') as t:\n    for n in ['vm.ovf', 'a.img', '{long}']:\n        t.add(n)\n"
        );
        let status = Command::new("python3")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        let mut ova = tern_ova::Ova::open(dir.join("py.ova")).expect("python tarfile archive");
        let names: Vec<&str> = ova.members().iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["vm.ovf", "a.img", long.as_str()]);
        assert_eq!(
            ova.members()[2].format.name(),
            "pax",
            "the long name needs a PAX path record"
        );
        let report = ova.verify(&mut |_| {}).unwrap();
        assert!(
            report.findings.iter().any(|f| f.rule == "OVA-PAX"),
            "{:?}",
            report.findings
        );
        ran += 1;
    }
    if have("tar") {
        let status = Command::new("tar")
            .args(["--format=gnu", "-cf", "gnu.ova", "vm.ovf", "a.img", &long])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        let ova = tern_ova::Ova::open(dir.join("gnu.ova")).expect("GNU tar archive");
        let got: Vec<(&str, &str)> = ova
            .members()
            .iter()
            .map(|m| (m.name.as_str(), m.format.name()))
            .collect();
        assert_eq!(
            got,
            [("vm.ovf", "gnu"), ("a.img", "gnu"), (long.as_str(), "gnu")]
        );
        ran += 1;
    }
    if ran == 0 {
        assert!(
            std::env::var_os("CI").is_none(),
            "neither python3 nor tar in CI"
        );
        eprintln!("note: neither python3 nor tar available; skipping");
    }
}

//! Conversions per second: `cargo bench -p tern-mapping --bench convert`.
//! Parses each bundled OVF sample and a generated 200-system collection, converts it to OCCI
//! and back, and prints the rate. No assertion: the numbers go to BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf");
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ovf"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    inputs.sort();
    inputs.push(("generated-200-systems.ovf".into(), generated(200)));
    let options = Options {
        cdmi_base: Some("https://cdmi.example.org/c/".into()),
        ..Options::default()
    };
    println!(
        "{:<32} {:>9} {:>14} {:>14}",
        "descriptor", "bytes", "ovf2occi/s", "occi2ovf/s"
    );
    for (name, bytes) in &inputs {
        let to_occi = rate(|| {
            let doc = tern_ovf::Document::parse(bytes).unwrap();
            ovf_to_occi(&doc, &options).unwrap();
        });
        let doc = tern_ovf::Document::parse(bytes).unwrap();
        let collection = ovf_to_occi(&doc, &options).unwrap().collection;
        let to_ovf = rate(|| {
            occi_to_ovf(&collection, &ExportOptions::default()).unwrap();
        });
        println!(
            "{name:<32} {:>9} {to_occi:>14.0} {to_ovf:>14.0}",
            bytes.len()
        );
    }
}

// Runs `f` for at least half a second and returns calls per second.
fn rate(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_millis(500) {
        f();
        n += 1;
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

// A VirtualSystemCollection of `n` systems, each with CPU, memory, a disk and a NIC.
fn generated(n: usize) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
<References>"#,
    );
    for i in 0..n {
        let _ = write!(x, r#"<File ovf:id="f{i}" ovf:href="disk{i}.vmdk"/>"#);
    }
    x.push_str("</References><DiskSection><Info>d</Info>");
    for i in 0..n {
        let _ = write!(
            x,
            r#"<Disk ovf:diskId="d{i}" ovf:fileRef="f{i}" ovf:capacity="{}" ovf:capacityAllocationUnits="byte * 2^30"/>"#,
            10 + i % 90
        );
    }
    x.push_str(r#"</DiskSection><NetworkSection><Info>n</Info><Network ovf:name="lan"><Description>lan</Description></Network></NetworkSection><VirtualSystemCollection ovf:id="fleet"><Info>f</Info>"#);
    for i in 0..n {
        let _ = write!(
            x,
            r#"<VirtualSystem ovf:id="vm{i}"><Info>vm</Info><VirtualHardwareSection><Info>hw</Info>
<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>{}</rasd:VirtualQuantity></Item>
<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>{}</rasd:VirtualQuantity></Item>
<Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d{i}</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
<Item><rasd:Connection>lan</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>
</VirtualHardwareSection></VirtualSystem>"#,
            1 + i % 8,
            1024 * (1 + i % 16)
        );
    }
    x.push_str("</VirtualSystemCollection></Envelope>");
    x.into_bytes()
}

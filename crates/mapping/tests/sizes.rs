//! Exact sizes: bytes → OCCI GiB (a JSON number) → bytes is the identity for every DSP0004
//! unit tern reads and every size up to 2^63 bytes, through the real JSON rendering; and the
//! decimal the conversion writes is exactly the number of bytes divided by 2^30.

mod support;

use proptest::prelude::*;
use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Options, ovf_to_occi};
use tern_model::Value;
use tern_ovf::model::Capacity;
use tern_ovf::{Document, Envelope};
use tern_units::{AllocationUnit, Ratio};

const MAX_BYTES: u128 = 1 << 63;

/// Unit spellings of amounts of data: programmatic units (with every power and the forms
/// real exporters write), prefixed names and the legacy names.
fn data_units() -> Vec<String> {
    let mut units: Vec<String> = [
        "byte",
        "bit",
        "Bytes",
        "Bits",
        "bytes * 2^20",
        "byte * 2 ^ 20",
        "byte*1024*1024",
        "byte * 1024",
        "byte * 512",
        "byte * 4096",
        "byte * 10^-3",
        "byte / 1000",
        "byte * 0.5",
        "bit * 2^20",
        "bit * 10^6",
        "kilobyte",
        "megabyte",
        "gigabyte",
        "terabyte",
        "petabyte",
        "exabyte",
        "kibibyte",
        "mebibyte",
        "gibibyte",
        "tebibyte",
        "pebibyte",
        "exbibyte",
        "kilobit",
        "mebibit",
        "KB",
        "MB",
        "GB",
        "TB",
        "KiB",
        "MiB",
        "GiB",
        "TiB",
        "KiloBytes",
        "MegaBytes",
        "GigaBytes",
        "TeraBytes",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    units.extend((0..=62).map(|k| format!("byte * 2^{k}")));
    units.extend((0..=18).map(|k| format!("byte * 10^{k}")));
    units.extend((0..=20).map(|k| format!("bit * 2^{k}")));
    units
}

/// Bytes per unit, exactly.
fn bytes_per(unit: &str) -> Ratio {
    AllocationUnit::parse(unit)
        .unwrap_or_else(|e| panic!("{unit}: {e}"))
        .convert(Ratio::ONE, &AllocationUnit::BYTE)
        .unwrap_or_else(|e| panic!("{unit}: {e}"))
}

/// A unit and two whole quantities of it (OVF `xs:unsignedLong`s) that are whole numbers of
/// bytes, at most 2^63; with those numbers of bytes.
fn sized() -> impl Strategy<Value = (String, [(u64, u128); 2])> {
    (0..data_units().len(), any::<[u128; 2]>()).prop_map(|(i, seeds)| {
        let unit = data_units()[i].clone();
        let per = bytes_per(&unit);
        // quantity = m * denom, bytes = m * numer: whole on both sides.
        let by_bytes = MAX_BYTES / per.numer();
        let by_quantity = u128::from(u64::MAX) / per.denom();
        let sizes = seeds.map(|seed| {
            let m = seed % (by_bytes.min(by_quantity) + 1);
            (u64::try_from(m * per.denom()).unwrap(), m * per.numer())
        });
        (unit, sizes)
    })
}

fn descriptor(unit: &str, memory: u64, capacity: u64) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References><File ovf:id="f1" ovf:href="disk.vmdk"/></References>
  <DiskSection><Info>disks</Info>
    <Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="{capacity}" ovf:capacityAllocationUnits="{unit}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <VirtualSystem ovf:id="vm"><Info>a VM</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>{unit}</rasd:AllocationUnits><rasd:ElementName>memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>{memory}</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>"#
    )
}

/// Memory and disk capacity of the first system and disk of a descriptor, in bytes.
fn sizes(doc: &Document) -> (Option<u128>, Option<u128>) {
    let env = Envelope::read(doc);
    let memory = env.virtual_systems().first().and_then(|vs| {
        vs.sections
            .hardware
            .iter()
            .flat_map(|h| h.items_for(None))
            .find(tern_ovf::model::Item::is_memory)
            .and_then(|i| i.quantity_bytes())
    });
    let capacity = env.disks.first().and_then(|d| match d.capacity {
        Capacity::Number(q) => {
            AllocationUnit::parse(d.capacity_allocation_units.as_deref().unwrap_or("byte"))
                .ok()?
                .bytes(q)
                .ok()
        }
        _ => None,
    });
    (memory, capacity)
}

/// Memory and capacity after OVF → OCCI → OVF, through the JSON rendering; the text/plain
/// rendering must give the same.
fn round_trip(unit: &str, memory: u64, capacity: u64) -> (Option<u128>, Option<u128>) {
    let doc = Document::parse(descriptor(unit, memory, capacity).as_bytes()).unwrap();
    let conversion = ovf_to_occi(&doc, &Options::default())
        .unwrap_or_else(|e| panic!("{memory} and {capacity} of {unit}: {e}"));
    let (collection, catalogue) = support::through_json(&conversion);
    let export = |collection: &tern_model::Collection, catalogue| {
        let export = occi_to_ovf(
            collection,
            &ExportOptions {
                catalogue,
                ..ExportOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{memory} and {capacity} of {unit}: {e}"));
        sizes(&Document::parse(export.xml.as_bytes()).unwrap())
    };
    let from_json = export(&collection, Some(catalogue));
    let text = support::through_text(&conversion).expect("text/plain carries sizes");
    let from_text = export(&text, None);
    assert_eq!(from_json, from_text, "JSON and text/plain agree");
    from_json
}

fn gib(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(n)) => n.as_str().to_owned(),
        other => panic!("a number of GiB, not {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn bytes_survive_ovf_occi_ovf_in_every_unit(
        (unit, [(q_memory, memory), (q_capacity, capacity)]) in sized(),
    ) {
        let back = round_trip(&unit, q_memory, q_capacity);
        prop_assert_eq!(back, (Some(memory), Some(capacity)), "{} and {} of {}", q_memory, q_capacity, unit);
    }

    #[test]
    fn the_rendered_decimal_is_exactly_bytes_over_2_30(bytes in 0..=MAX_BYTES) {
        let q = u64::try_from(bytes).unwrap();
        let doc = Document::parse(descriptor("byte", q, q).as_bytes()).unwrap();
        let conversion = ovf_to_occi(&doc, &Options::default()).unwrap();
        let (collection, _) = support::through_json(&conversion);
        for (kind, attribute) in [("compute", "occi.compute.memory"), ("storage", "occi.storage.size")] {
            let r = collection
                .resources()
                .iter()
                .find(|r| r.entity.kind.term() == kind)
                .unwrap();
            let text = gib(r.entity.attributes.get(attribute));
            // A plain decimal (no exponent), at most 30 digits after the point: n / 2^30.
            let fraction = text.split_once('.').map_or(0, |(_, f)| f.len());
            prop_assert!(fraction <= 30, "{}", text);
            let exact = Ratio::parse_decimal(&text).unwrap();
            prop_assert_eq!(
                exact.checked_mul(Ratio::integer(1 << 30)).and_then(Ratio::to_integer),
                Some(bytes),
                "{} GiB", text
            );
        }
    }
}

#[test]
fn the_issue_s_memory_comes_back_to_the_byte() {
    // 512 MiB + 1 KiB, written in bytes and in KiB.
    assert_eq!(
        round_trip("byte", 536_871_936, 536_871_936),
        (Some(536_871_936), Some(536_871_936))
    );
    assert_eq!(
        round_trip("byte * 2^10", 524_289, 524_289),
        (Some(536_871_936), Some(536_871_936))
    );
    // The largest size: 2^63 bytes, and one byte less.
    assert_eq!(
        round_trip("byte", 1 << 63, (1 << 63) - 1),
        (Some(1 << 63), Some((1 << 63) - 1))
    );
}

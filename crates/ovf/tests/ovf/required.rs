//! `ovf:required` (DSP8023: `xs:boolean`, default `true`, in 1.0, 1.1 and 2.0 alike): an
//! element tern does not understand fails validation unless it says
//! `ovf:required="false"`, in every dialect, also as a direct child of a known section.

use std::path::Path;

use tern_diag::Severity;
use tern_ovf::{Mode, Report, ValidateOptions, validate_bytes};

fn sample(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn judge(xml: &str, mode: Mode) -> Report {
    validate_bytes(
        xml.as_bytes(),
        &ValidateOptions {
            mode,
            ..ValidateOptions::default()
        },
    )
}

/// A sample of each dialect and the namespace its Envelope is in.
const DIALECTS: &[(&str, &str)] = &[
    ("minimal.ovf", "http://schemas.dmtf.org/ovf/envelope/1"),
    (
        "ovf2-epasd-sasd.ovf",
        "http://schemas.dmtf.org/ovf/envelope/2",
    ),
    (
        "vmware-ovf09.ovf",
        "http://www.vmware.com/schema/ovf/1/envelope",
    ),
    (
        "ovirt-export.ovf",
        "http://schemas.dmtf.org/ovf/envelope/1/",
    ),
    (
        "virtualbox-machine.ovf",
        "http://schemas.dmtf.org/ovf/envelope/1",
    ),
];

/// `element` placed after the first `</Info>` (inside the first section) or, when
/// `nested` is false, among the Envelope's sections (right after References).
fn with(xml: &str, element: &str, nested: bool) -> String {
    let first = |a: &str| xml.find(a).unwrap_or(usize::MAX);
    let anchor = if nested && first("</ovf:Info>") < first("</Info>") {
        "</ovf:Info>"
    } else if nested {
        "</Info>"
    } else if xml.contains("</ovf:References>") {
        "</ovf:References>"
    } else {
        "</References>"
    };
    xml.replacen(anchor, &format!("{anchor}{element}"), 1)
}

fn unknown_required(report: &Report) -> Vec<(Severity, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == "OVF-UNKNOWN-REQUIRED")
        .map(|f| (f.severity, f.message.clone()))
        .collect()
}

#[test]
fn every_dialect_refuses_a_required_extension_it_does_not_understand() {
    for (name, ovf) in DIALECTS {
        let xml = sample(name);
        assert!(judge(&xml, Mode::Strict).is_valid(), "{name} is valid");
        for nested in [false, true] {
            for (flag, required) in [
                ("", true),
                (" o:required=\"true\"", true),
                (" o:required=\"1\"", true),
                (" o:required=\"false\"", false),
            ] {
                let element = format!(
                    "<acme:PolicySection xmlns:acme=\"urn:acme:ovf\" xmlns:o=\"{ovf}\"{flag}><Info>x</Info></acme:PolicySection>"
                );
                let report = judge(&with(&xml, &element, nested), Mode::Strict);
                let found = unknown_required(&report);
                if required {
                    assert_eq!(
                        report.error_rules(),
                        ["OVF-UNKNOWN-REQUIRED"],
                        "{name} nested={nested} flag={flag}: {:#?}",
                        report.findings
                    );
                    assert!(
                        found[0].1.contains("<acme:PolicySection> (urn:acme:ovf)"),
                        "{found:?}"
                    );
                } else {
                    assert!(
                        report.is_valid(),
                        "{name} nested={nested}: {:#?}",
                        report.findings
                    );
                    assert!(found.is_empty(), "{name}: {found:?}");
                }
            }
        }
    }
}

#[test]
fn a_known_vendor_namespace_is_no_licence_to_skip_required_elements() {
    // tern reads vmw:CoresPerSocket and vbox:OSType; any other vmw:/vbox: element is an
    // extension it does not understand, so it needs ovf:required="false".
    let xml = sample("minimal.ovf");
    for element in [
        "<vmw:BootOrderSection xmlns:vmw=\"http://www.vmware.com/schema/ovf\" vmw:type=\"disk\"><Info>Boot order</Info></vmw:BootOrderSection>",
        "<vbox:Machine xmlns:vbox=\"http://www.virtualbox.org/ovf/machine\"/>",
    ] {
        let doc = xml.replace(
            "  </VirtualSystem>",
            &format!("{element}\n  </VirtualSystem>"),
        );
        let strict = judge(&doc, Mode::Strict);
        assert_eq!(strict.error_rules(), ["OVF-UNKNOWN-REQUIRED"], "{element}");
        // --lax accepts vendor extensions with a warning at their position.
        let lax = judge(&doc, Mode::Lax);
        assert!(lax.is_valid(), "{:#?}", lax.findings);
        let warning = lax
            .findings
            .iter()
            .find(|f| f.rule == "OVF-UNKNOWN-REQUIRED")
            .unwrap();
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(
            warning.position.map(|p| (p.line, p.column)).unwrap(),
            (67, 1)
        );
    }
    // The elements tern reads pass whatever their flag.
    let cores = xml.replace(
        "<rasd:VirtualQuantity>1</rasd:VirtualQuantity>",
        "<rasd:VirtualQuantity>1</rasd:VirtualQuantity><vmw:CoresPerSocket xmlns:vmw=\"http://www.vmware.com/schema/ovf\">1</vmw:CoresPerSocket>",
    );
    assert!(judge(&cores, Mode::Strict).is_valid());
}

#[test]
fn unknown_children_of_known_sections_and_items_are_judged_too() {
    let xml = sample("minimal.ovf");
    // An OVF-namespace child that DiskSection does not define: an error even with --lax.
    let ovf_child = xml.replacen("</Info>", "</Info>\n    <DiskPolicy>thin</DiskPolicy>", 1);
    for mode in [Mode::Strict, Mode::Lax] {
        let report = judge(&ovf_child, mode);
        assert_eq!(report.error_rules(), ["OVF-UNKNOWN-REQUIRED"], "{mode:?}");
        let f = &report.findings.iter().find(|f| f.is_error()).unwrap();
        assert_eq!(f.position.map(|p| (p.line, p.column)).unwrap(), (9, 5));
        assert!(f.message.contains("in DiskSection"), "{}", f.message);
    }
    // Inside a ProductSection and a NetworkSection.
    for (anchor, section) in [
        ("<Product>Minimal appliance</Product>", "ProductSection"),
        ("<Info>Logical networks</Info>", "NetworkSection"),
    ] {
        let doc = xml.replace(
            anchor,
            &format!("{anchor}<x:Hint xmlns:x=\"urn:x\">y</x:Hint>"),
        );
        let report = judge(&doc, Mode::Strict);
        assert_eq!(report.error_rules(), ["OVF-UNKNOWN-REQUIRED"], "{section}");
        assert!(
            unknown_required(&report)[0]
                .1
                .contains(&format!("in {section}")),
            "{:?}",
            unknown_required(&report)
        );
    }
    // Not recursive (DSP0243): below a direct child, a section's content is not judged.
    let deep = xml.replace(
        "<Network ovf:name=\"lan\"/>",
        "<Network ovf:name=\"lan\"><x:Vlan xmlns:x=\"urn:x\">7</x:Vlan></Network>",
    );
    assert!(judge(&deep, Mode::Strict).is_valid());
}

#[test]
fn legacy_dialects_keep_their_own_vocabulary() {
    // OVF 0.9's Full-version and CIM 2.17's rasd:BusNumber are 0.9 vocabulary, not
    // extensions; in a 1.x envelope they are unknown.
    let v09 = sample("vmware-ovf09.ovf");
    assert!(v09.contains("rasd:BusNumber"));
    assert!(judge(&v09, Mode::Strict).is_valid());
    let v1 = sample("minimal.ovf").replace(
        "<rasd:ElementName>SCSI controller</rasd:ElementName>",
        "<rasd:BusNumber>0</rasd:BusNumber><rasd:ElementName>SCSI controller</rasd:ElementName>",
    );
    let report = judge(&v1, Mode::Strict);
    assert!(report.error_rules().contains(&"OVF-UNKNOWN-REQUIRED"));
}

//! `ovf2occi --deployment-option`: the compute gets the chosen option's hardware (Items
//! overridden by InstanceID, combined as DSP0243 says, through tern-ovf's resolver), an
//! undeclared option is refused with the declared ones, and the report lists every Item
//! the option does not use.

mod support;

use std::path::{Path, PathBuf};

use support::repo;

use tern_mapping::ovf2occi::{BridgeError, Conversion, Options, ovf_to_occi};
use tern_model::{Resource, Value};

fn overrides() -> PathBuf {
    repo().join("crates/ovf/tests/data/deployment/overrides.ovf")
}

fn convert(path: &Path, option: Option<&str>) -> Result<Conversion, BridgeError> {
    let doc = tern_ovf::Document::parse(&std::fs::read(path).unwrap()).unwrap();
    ovf_to_occi(
        &doc,
        &Options {
            deployment_option: option.map(str::to_owned),
            ..Options::default()
        },
    )
}

fn computes(c: &Conversion) -> Vec<&Resource> {
    c.collection
        .resources()
        .iter()
        .filter(|r| r.entity.kind.term() == "compute")
        .collect()
}

/// Cores, memory (GiB, as rendered) and the networks the NICs reach.
fn hardware(r: &Resource) -> (String, String, Vec<String>) {
    let attr = |name: &str| {
        r.entity
            .attributes
            .get(name)
            .map(Value::to_string)
            .unwrap_or_default()
    };
    let networks = r
        .links
        .iter()
        .filter(|l| l.entity.kind.term() == "networkinterface")
        .map(|l| l.target.location.clone())
        .collect();
    (
        attr("occi.compute.cores"),
        attr("occi.compute.memory"),
        networks,
    )
}

fn owned(cores: &str, memory: &str, networks: &[&str]) -> (String, String, Vec<String>) {
    (
        cores.to_owned(),
        memory.to_owned(),
        networks.iter().map(|n| format!("/network/{n}")).collect(),
    )
}

#[test]
fn each_option_converts_its_own_hardware() {
    for (option, want) in [
        (Some("small"), owned("1", "1", &["lan"])),
        (Some("medium"), owned("2", "1", &["lan"])),
        (Some("large"), owned("4", "8", &["lan"])),
        (Some("huge"), owned("4", "32", &["lan", "backup"])),
        // No option: the declared default (medium), not the unconditional Items.
        (None, owned("2", "1", &["lan"])),
    ] {
        let c = convert(&overrides(), option).unwrap();
        assert_eq!(hardware(computes(&c)[0]), want, "{option:?}");
    }
}

#[test]
fn an_undeclared_option_lists_the_declared_ones() {
    let err = convert(&overrides(), Some("tiny")).unwrap_err();
    assert!(
        matches!(&err, BridgeError::UnknownDeploymentOption { name, known }
            if name == "tiny" && known == &["small", "medium", "large", "huge"]),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "deployment option `tiny` is not declared (known: small, medium, large, huge)"
    );
    let err = convert(&repo().join("samples/ovf/minimal.ovf"), Some("x")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "deployment option `x` is not declared (the descriptor declares none)"
    );
}

#[test]
fn the_report_lists_what_the_option_does_not_use() {
    let c = convert(&overrides(), Some("huge")).unwrap();
    let unused: Vec<(String, usize, usize, String)> = c
        .report
        .unused
        .iter()
        .map(|u| (u.path.clone(), u.line, u.column, u.reason.clone()))
        .collect();
    let item =
        |id: &str| format!("Envelope/VirtualSystem/VirtualHardwareSection/Item[InstanceID={id}]");
    let replaced = |at: &str| format!("replaced for deployment option `huge` by the Item at {at}");
    assert_eq!(
        unused,
        [
            (item("1"), 52, 7, replaced("66:7")),
            (
                item("1"),
                59,
                7,
                "ovf:configuration=\"medium\" does not apply to deployment option `huge`".into()
            ),
            (item("2"), 73, 7, replaced("100:7")),
            (
                item("2"),
                80,
                7,
                "range marker (ovf:bound=\"min\"): OCCI has no ranges".into()
            ),
            (
                item("2"),
                87,
                7,
                "range marker (ovf:bound=\"max\"): OCCI has no ranges".into()
            ),
            (item("2"), 94, 7, replaced("100:7")),
        ]
    );
    // Unused Items are not also listed as unmapped.
    assert!(
        c.report
            .unmapped
            .iter()
            .all(|u| !unused.iter().any(|x| (x.1, x.2) == (u.line, u.column))),
        "{:?}",
        c.report.unmapped
    );
}

#[test]
fn a_descriptor_without_options_reports_configuration_items_as_unused() {
    // Only the Items without ovf:configuration apply when no option exists.
    let text = std::fs::read_to_string(overrides()).unwrap();
    let start = text.find("  <DeploymentOptionSection>").unwrap();
    let end =
        text.find("</DeploymentOptionSection>\n").unwrap() + "</DeploymentOptionSection>\n".len();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let doc = tern_ovf::Document::parse(text.as_bytes()).unwrap();
    let c = ovf_to_occi(&doc, &Options::default()).unwrap();
    assert_eq!(hardware(computes(&c)[0]), owned("1", "1", &["lan"]));
    let configured = c
        .report
        .unused
        .iter()
        .filter(|u| {
            u.reason
                .ends_with("names a deployment option and the descriptor declares none")
        })
        .count();
    assert_eq!(configured, 5, "{:?}", c.report.unused);
}

#[test]
fn reference_appliances_convert_each_option() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let csr = dir.join("cisco-csr1000v-cot.ovf");
    for (option, cores, memory) in [
        ("1CPU-4GB", "1", "4"),
        ("2CPU-4GB", "2", "4"),
        ("4CPU-4GB", "4", "4"),
        ("4CPU-8GB", "4", "8"),
    ] {
        let c = convert(&csr, Some(option)).unwrap();
        let (got_cores, got_memory, _) = hardware(computes(&c)[0]);
        assert_eq!(
            (got_cores.as_str(), got_memory.as_str()),
            (cores, memory),
            "{option}"
        );
    }
    // Both systems of the vApp; medium's memory Item gives no AllocationUnits and takes
    // the unconditional Item's MiB: 512 MiB.
    let vapp = dir.join("vmware-ovftool-vapp-nvapp00n.ovf");
    for (option, cores, memory) in [
        ("small", "1", "0.25"),
        ("medium", "1", "0.5"),
        ("large", "2", "1"),
    ] {
        let c = convert(&vapp, Some(option)).unwrap();
        let got: Vec<_> = computes(&c)
            .iter()
            .map(|r| {
                let (c, m, _) = hardware(r);
                (c, m)
            })
            .collect();
        assert_eq!(
            got,
            vec![(cores.to_owned(), memory.to_owned()); 2],
            "{option}"
        );
    }
    // Range markers are listed, not silently dropped.
    let c = convert(&dir.join("vmware-bound-min-max-normal.ovf"), None).unwrap();
    let markers = c
        .report
        .unused
        .iter()
        .filter(|u| u.reason.starts_with("range marker"))
        .count();
    assert_eq!(markers, 2);
}

//! The Infrastructure catalogues against the specification tables: GFD.224 (1.2) tables
//! 2–13 and GFD.184 (1.1) §3, transcribed here independently of `data/occi-catalogue.json`.

use tern_model::{AttributeType, Catalogue, Category, Multiplicity, OcciVersion};

use crate::{id, infra};

const V11: &[OcciVersion] = &[OcciVersion::V1_1];
const V12: &[OcciVersion] = &[OcciVersion::V1_2];
const BOTH: &[OcciVersion] = &[OcciVersion::V1_1, OcciVersion::V1_2];

/// (versions, category, attribute, type, multiplicity, mutable, unit)
type Row = (
    &'static [OcciVersion],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
);

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

#[rustfmt::skip]
const SPEC_ATTRIBUTES: &[Row] = &[
    // GFD.224 table 3 / GFD.184 table 2: Compute
    (BOTH, "compute", "occi.compute.architecture", "enum {x86, x64}", "0..1", true, None),
    (BOTH, "compute", "occi.compute.cores", "integer", "0..1", true, None),
    (BOTH, "compute", "occi.compute.hostname", "string", "0..1", true, None),
    (V12, "compute", "occi.compute.share", "integer", "0..1", true, None),
    (V11, "compute", "occi.compute.speed", "float", "0..1", true, Some("GHz")),
    (BOTH, "compute", "occi.compute.memory", "float", "0..1", true, Some("GiB")),
    (V11, "compute", "occi.compute.state", "enum {active, inactive, suspended}", "1", false, None),
    (V12, "compute", "occi.compute.state", "enum {active, inactive, suspended, error}", "1", false, None),
    (V12, "compute", "occi.compute.state.message", "string", "0..1", false, None),
    // Network
    (BOTH, "network", "occi.network.vlan", "integer", "0..1", true, None),
    (BOTH, "network", "occi.network.label", "string", "0..1", true, None),
    (V11, "network", "occi.network.state", "enum {active, inactive}", "1", false, None),
    (V12, "network", "occi.network.state", "enum {active, inactive, error}", "1", false, None),
    (V12, "network", "occi.network.state.message", "string", "0..1", false, None),
    // Storage
    (BOTH, "storage", "occi.storage.size", "float", "1", true, Some("GiB")),
    (V11, "storage", "occi.storage.state", "enum {online, offline, backup, snapshot, resize, degraded}", "1", false, None),
    (V12, "storage", "occi.storage.state", "enum {online, offline, error}", "1", false, None),
    (V12, "storage", "occi.storage.state.message", "string", "0..1", false, None),
    // NetworkInterface
    (BOTH, "networkinterface", "occi.networkinterface.interface", "string", "1", false, None),
    (BOTH, "networkinterface", "occi.networkinterface.mac", "string", "1", true, None),
    (V11, "networkinterface", "occi.networkinterface.state", "enum {active, inactive}", "1", false, None),
    (V12, "networkinterface", "occi.networkinterface.state", "enum {active, inactive, error}", "1", false, None),
    (V12, "networkinterface", "occi.networkinterface.state.message", "string", "0..1", false, None),
    // StorageLink
    (BOTH, "storagelink", "occi.storagelink.deviceid", "string", "1", true, None),
    (BOTH, "storagelink", "occi.storagelink.mountpoint", "string", "0..1", true, None),
    (V11, "storagelink", "occi.storagelink.state", "enum {active, inactive}", "1", false, None),
    (V12, "storagelink", "occi.storagelink.state", "enum {active, inactive, error}", "1", false, None),
    (V12, "storagelink", "occi.storagelink.state.message", "string", "0..1", false, None),
    // Mixins: IPNetwork, IPNetworkInterface, credentials, user data
    (BOTH, "network#ipnetwork", "occi.network.address", "string", "0..1", true, None),
    (BOTH, "network#ipnetwork", "occi.network.gateway", "string", "0..1", true, None),
    (BOTH, "network#ipnetwork", "occi.network.allocation", "enum {dynamic, static}", "0..1", true, None),
    (BOTH, "networkinterface#ipnetworkinterface", "occi.networkinterface.address", "string", "1", true, None),
    (BOTH, "networkinterface#ipnetworkinterface", "occi.networkinterface.gateway", "string", "0..1", true, None),
    (BOTH, "networkinterface#ipnetworkinterface", "occi.networkinterface.allocation", "enum {dynamic, static}", "1", true, None),
    (V12, "credentials#ssh_key", "occi.credentials.ssh.publickey", "string", "1", true, None),
    (V12, "compute#user_data", "occi.compute.userdata", "string", "1", true, None),
];

/// Resolves the short names used in the table: `compute` or `network#ipnetwork`.
fn category(short: &str) -> tern_model::CategoryId {
    if short.contains('#') {
        id(&format!(
            "http://schemas.ogf.org/occi/infrastructure/{short}"
        ))
    } else {
        infra(short)
    }
}

fn infra_categories(catalogue: &Catalogue) -> Vec<Category<'_>> {
    let kinds = catalogue.kinds().iter().map(Category::Kind);
    let mixins = catalogue.mixins().iter().map(Category::Mixin);
    kinds
        .chain(mixins)
        .filter(|c| c.id().scheme().starts_with(INFRA.trim_end_matches('#')))
        .collect()
}

#[test]
fn every_spec_attribute_is_in_the_catalogue_with_its_properties() {
    for version in OcciVersion::ALL {
        let catalogue = Catalogue::infrastructure(version);
        for &(versions, owner, name, ty, multiplicity, mutable, unit) in SPEC_ATTRIBUTES {
            let present = catalogue
                .category(&category(owner))
                .and_then(|c| c.attributes().iter().find(|a| a.name == name).cloned());
            if !versions.contains(&version) {
                let shown = present.as_ref().map(|a| a.kind.to_string());
                let other_version_differs = SPEC_ATTRIBUTES
                    .iter()
                    .any(|r| r.2 == name && r.0.contains(&version));
                assert!(
                    present.is_none() || other_version_differs,
                    "{version}: {name} must not exist, found {shown:?}"
                );
                continue;
            }
            let def = present.unwrap_or_else(|| panic!("{version}: {owner} lacks {name}"));
            assert_eq!(def.kind.to_string(), ty, "{version}: type of {name}");
            assert_eq!(
                def.multiplicity.to_string(),
                multiplicity,
                "{version}: multiplicity of {name}"
            );
            assert_eq!(def.mutable, mutable, "{version}: mutability of {name}");
            assert_eq!(def.unit.as_deref(), unit, "{version}: unit of {name}");
            assert_eq!(
                def.required(),
                multiplicity == "1",
                "{version}: required of {name}"
            );
        }
    }
}

#[test]
fn the_catalogue_has_no_attribute_the_spec_tables_lack() {
    for version in OcciVersion::ALL {
        let catalogue = Catalogue::infrastructure(version);
        for c in infra_categories(&catalogue) {
            for def in c.attributes() {
                let listed = SPEC_ATTRIBUTES
                    .iter()
                    .any(|r| r.0.contains(&version) && category(r.1) == *c.id() && r.2 == def.name);
                assert!(
                    listed,
                    "{version}: {} declares {} which the spec does not",
                    c.id(),
                    def.name
                );
            }
        }
    }
}

#[test]
fn kinds_have_the_spec_parents() {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    for (term, parent) in [
        ("compute", "resource"),
        ("storage", "resource"),
        ("network", "resource"),
        ("storagelink", "link"),
        ("networkinterface", "link"),
    ] {
        let kind = catalogue.kind(&infra(term)).expect(term);
        assert_eq!(
            kind.parent.as_ref().map(ToString::to_string),
            Some(format!("http://schemas.ogf.org/occi/core#{parent}"))
        );
        assert!(
            catalogue.is_a(&infra(term), &id(tern_model::ENTITY)),
            "{term} descends from entity"
        );
    }
    assert_eq!(
        catalogue.ancestors(&infra("compute")).len(),
        3,
        "compute → resource → entity"
    );
}

#[test]
fn mixins_of_each_version() {
    let has = |v, short: &str| {
        Catalogue::infrastructure(v)
            .mixin(&category(short))
            .is_some()
    };
    for short in [
        "network#ipnetwork",
        "networkinterface#ipnetworkinterface",
        "os_tpl",
        "resource_tpl",
    ] {
        assert!(
            has(OcciVersion::V1_1, short) && has(OcciVersion::V1_2, short),
            "{short} in both"
        );
    }
    for short in ["credentials#ssh_key", "compute#user_data"] {
        assert!(!has(OcciVersion::V1_1, short), "{short} is 1.2 only");
        assert!(has(OcciVersion::V1_2, short), "{short} is in 1.2");
    }
    let v12 = Catalogue::infrastructure(OcciVersion::V1_2);
    let ipnetwork = v12.mixin(&category("network#ipnetwork")).unwrap();
    assert_eq!(ipnetwork.applies, vec![infra("network")]);
}

#[test]
fn actions_and_their_attributes() {
    let action = |v, scheme: &str, term: &str| {
        Catalogue::infrastructure(v)
            .action(&id(&format!(
                "http://schemas.ogf.org/occi/infrastructure/{scheme}/action#{term}"
            )))
            .cloned()
    };
    // GFD.224 tables 4, 6, 8 and GFD.184's storage actions.
    for (scheme, term) in [
        ("compute", "start"),
        ("compute", "stop"),
        ("compute", "restart"),
        ("compute", "suspend"),
        ("network", "up"),
        ("network", "down"),
        ("storage", "online"),
        ("storage", "offline"),
    ] {
        assert!(
            action(OcciVersion::V1_1, scheme, term).is_some(),
            "1.1 {scheme} {term}"
        );
        assert!(
            action(OcciVersion::V1_2, scheme, term).is_some(),
            "1.2 {scheme} {term}"
        );
    }
    assert!(
        action(OcciVersion::V1_1, "compute", "save").is_none(),
        "save is 1.2 only"
    );
    let save = action(OcciVersion::V1_2, "compute", "save").unwrap();
    let names: Vec<&str> = save.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["method", "name"]);
    assert_eq!(
        save.attributes[0].kind,
        AttributeType::Enum(vec!["hot".into(), "deferred".into()])
    );
    for term in ["backup", "snapshot", "resize"] {
        assert!(
            action(OcciVersion::V1_1, "storage", term).is_some(),
            "1.1 storage {term}"
        );
        assert!(
            action(OcciVersion::V1_2, "storage", term).is_none(),
            "1.2 removed storage {term}"
        );
    }
    let stop = action(OcciVersion::V1_2, "compute", "stop").unwrap();
    assert_eq!(
        stop.attributes[0].kind,
        AttributeType::Enum(vec!["graceful".into(), "acpioff".into(), "poweroff".into()])
    );
    let suspend = action(OcciVersion::V1_1, "compute", "suspend").unwrap();
    assert_eq!(
        suspend.attributes[0].kind,
        AttributeType::Enum(vec!["hibernate".into(), "suspend".into()])
    );
    // The compute kind exposes exactly the actions of its version.
    let terms = |v| -> Vec<String> {
        Catalogue::infrastructure(v)
            .kind(&infra("compute"))
            .unwrap()
            .actions
            .iter()
            .map(|a| a.term().to_owned())
            .collect()
    };
    assert_eq!(
        terms(OcciVersion::V1_1),
        ["start", "stop", "restart", "suspend"]
    );
    assert_eq!(
        terms(OcciVersion::V1_2),
        ["start", "stop", "restart", "suspend", "save"]
    );
}

#[test]
fn network_vlan_is_bounded_and_formats_are_checked() {
    use tern_model::{Value, ValueProblem};
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let network = catalogue.kind(&infra("network")).unwrap();
    let vlan = network
        .attributes
        .iter()
        .find(|a| a.name == "occi.network.vlan")
        .unwrap();
    assert!(vlan.check(&Value::from(4095)).is_ok());
    assert_eq!(
        vlan.check(&Value::from(4096)),
        Err(ValueProblem::OutOfRange { min: 0, max: 4095 })
    );
    let ipnetwork = catalogue.mixin(&category("network#ipnetwork")).unwrap();
    let address = ipnetwork
        .attributes
        .iter()
        .find(|a| a.name == "occi.network.address")
        .unwrap();
    assert!(
        address.check(&Value::from("192.168.0.1/24")).is_ok(),
        "GFD.224's own example"
    );
    assert!(
        address.check(&Value::from("fc00::/7")).is_ok(),
        "GFD.224's own example"
    );
    assert!(address.check(&Value::from("192.168.0.1/33")).is_err());
    assert!(
        address.check(&Value::from("192.168.0.1")).is_err(),
        "a range needs a prefix"
    );
}

#[test]
fn multiplicities_are_what_the_tables_say() {
    let v12 = Catalogue::infrastructure(OcciVersion::V1_2);
    let size = v12
        .kind(&infra("storage"))
        .unwrap()
        .attributes
        .iter()
        .find(|a| a.name == "occi.storage.size")
        .unwrap();
    assert_eq!(
        size.multiplicity,
        Multiplicity::One,
        "storage size is the one required infrastructure size"
    );
}

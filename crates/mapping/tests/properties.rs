//! ProductSection properties survive OVF → OCCI → OVF without the kept envelope: over every
//! descriptor we have (keys, values, types, qualifiers, flags, labels, descriptions,
//! per-configuration values and Category order, section by section, with memory bytes and
//! disk capacities), and for each class of property in descriptors written for it.

mod support;

use proptest::prelude::*;
use support::descriptors;
use tern_mapping::occi2ovf::{ExportOptions, occi_to_ovf};
use tern_mapping::ovf2occi::{Conversion, Options, ovf_to_occi};
use tern_mapping::property::PropertyId;
use tern_model::{AttributeType, Catalogue, Collection, Resource, Value};
use tern_ovf::model::{Capacity, Content, ProductEntry, ProductSection};
use tern_ovf::{Document, Envelope};
use tern_units::AllocationUnit;

/// One property as the descriptor declares it, with the Category it is under and its value
/// for the default deployment option (an export describes one option: it writes that
/// option's value, not the others').
#[derive(Debug, Clone, PartialEq)]
struct Prop {
    category: Option<(String, Option<String>)>,
    key: Option<String>,
    ty: Option<String>,
    qualifiers: Option<String>,
    user_configurable: bool,
    password: bool,
    value: Option<String>,
    label: Option<(String, Option<String>)>,
    description: Option<(String, Option<String>)>,
}

/// A section's class, instance and properties.
type Section = (Option<String>, Option<String>, Vec<Prop>);

/// A system's id, its own sections, the sections of its enclosing collections (innermost
/// first), and its memory in bytes.
type System = (Option<String>, Vec<Section>, Vec<Section>, Option<u128>);

/// Every system, then every disk's capacity in bytes.
#[derive(Debug, PartialEq)]
struct Facts {
    systems: Vec<System>,
    disks: Vec<Option<u128>>,
}

fn section(ps: &ProductSection, config: Option<&str>) -> Section {
    let mut category = None;
    let mut props = Vec::new();
    for entry in &ps.entries {
        match entry {
            ProductEntry::Category(c) => category = Some((c.text.clone(), c.msgid.clone())),
            ProductEntry::Property(p) => props.push(Prop {
                category: category.clone(),
                key: p.key.clone(),
                ty: p.ty.clone(),
                qualifiers: p.qualifiers.clone(),
                user_configurable: p.user_configurable,
                password: p.password,
                value: p.value_for(config).map(str::to_owned),
                label: p.label.as_ref().map(|m| (m.text.clone(), m.msgid.clone())),
                description: p
                    .description
                    .as_ref()
                    .map(|m| (m.text.clone(), m.msgid.clone())),
            }),
        }
    }
    (ps.class.clone(), ps.instance.clone(), props)
}

// Sections that hold properties (the others do not travel, and are reported).
fn sections<'a>(
    list: impl IntoIterator<Item = &'a ProductSection>,
    config: Option<&str>,
) -> Vec<Section> {
    list.into_iter()
        .filter(|ps| ps.properties().next().is_some())
        .map(|ps| section(ps, config))
        .collect()
}

fn facts(doc: &Document) -> Facts {
    fn walk(
        content: &Content,
        outer: &mut Vec<Vec<Section>>,
        config: Option<&str>,
        out: &mut Vec<System>,
    ) {
        match content {
            Content::VirtualSystem(vs) => {
                let memory = vs
                    .sections
                    .hardware
                    .iter()
                    .flat_map(|h| h.items_for(config))
                    .find(tern_ovf::model::Item::is_memory)
                    .and_then(|i| {
                        AllocationUnit::parse(i.allocation_units().unwrap_or("byte * 2^20"))
                            .ok()?
                            .bytes(i.quantity()?)
                            .ok()
                    });
                let enclosing = outer.iter().rev().flatten().cloned().collect();
                out.push((
                    vs.id.clone(),
                    sections(&vs.sections.product, config),
                    enclosing,
                    memory,
                ));
            }
            Content::VirtualSystemCollection(c) => {
                outer.push(sections(&c.sections.product, config));
                for m in &c.members {
                    walk(m, outer, config, out);
                }
                outer.pop();
            }
        }
    }
    let env = Envelope::read(doc);
    let mut systems = Vec::new();
    if let Some(content) = &env.content {
        walk(
            content,
            &mut Vec::new(),
            env.default_configuration(),
            &mut systems,
        );
    }
    let disks = env
        .disks
        .iter()
        .map(|d| {
            let q = match &d.capacity {
                Capacity::Number(q) => *q,
                Capacity::Property(key) => env.property_default(key)?.trim().parse().ok()?,
                _ => return None,
            };
            AllocationUnit::parse(d.capacity_allocation_units.as_deref().unwrap_or("byte"))
                .ok()?
                .bytes(q)
                .ok()
        })
        .collect();
    Facts { systems, disks }
}

fn export(collection: &Collection, catalogue: Option<Catalogue>) -> Document {
    let export = occi_to_ovf(
        collection,
        &ExportOptions {
            catalogue,
            ..ExportOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    Document::parse(export.xml.as_bytes())
        .unwrap_or_else(|e| panic!("the export parses: {e:?}\n{}", export.xml))
}

#[test]
fn every_descriptor_keeps_its_properties_and_sizes() {
    let mut checked = 0;
    for path in descriptors() {
        let Ok(doc) = Document::parse(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let Ok(conversion) = ovf_to_occi(&doc, &Options::default()) else {
            continue;
        };
        if !conversion
            .collection
            .resources()
            .iter()
            .any(|r| r.entity.kind.term() == "compute")
        {
            continue;
        }
        let (collection, catalogue) = support::through_json(&conversion);
        let exported = export(&collection, Some(catalogue));
        let (before, after) = (facts(&doc), facts(&exported));
        assert_eq!(
            before.systems.len(),
            after.systems.len(),
            "{}",
            path.display()
        );
        for (b, a) in before.systems.iter().zip(&after.systems) {
            let id = b.0.as_deref().unwrap_or_default();
            assert_eq!(b.1, a.1, "{}: {id}: its own properties", path.display());
            assert_eq!(
                b.2,
                a.2,
                "{}: {id}: its collections' properties",
                path.display()
            );
            assert_eq!(b.3, a.3, "{}: {id}: memory bytes", path.display());
        }
        assert_eq!(before.disks, after.disks, "{}: capacities", path.display());
        checked += 1;
    }
    assert!(checked >= 8, "the bundled samples are checked ({checked})");
}

// --- descriptors written for each class of property ---------------------------------

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References/>"#;

fn system(id: &str, products: &str, items: &str) -> String {
    format!(
        r#"<VirtualSystem ovf:id="{id}"><Info>a VM</Info>
    {products}
    <VirtualHardwareSection><Info>hw</Info>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      {items}
    </VirtualHardwareSection>
  </VirtualSystem>"#
    )
}

fn convert(xml: &str, options: &Options) -> (Document, Conversion) {
    let doc = Document::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{e:?}\n{xml}"));
    let conversion = ovf_to_occi(&doc, options).unwrap_or_else(|e| panic!("{e}"));
    (doc, conversion)
}

fn compute(c: &Collection) -> &Resource {
    c.resources()
        .iter()
        .find(|r| r.entity.kind.term() == "compute")
        .unwrap()
}

fn compute_mut(c: &mut Collection) -> &mut Resource {
    c.resources_mut()
        .iter_mut()
        .find(|r| r.entity.kind.term() == "compute")
        .unwrap()
}

fn own(doc: &Document) -> Vec<Section> {
    facts(doc).systems.remove(0).1
}

const TYPED: &str = r#"<ProductSection><Info>typed</Info>
      <Property ovf:key="u8" ovf:type="uint8" ovf:value="255"/>
      <Property ovf:key="s8" ovf:type="sint8" ovf:value="-128"/>
      <Property ovf:key="u16" ovf:type="uint16" ovf:value="65535"/>
      <Property ovf:key="s16" ovf:type="sint16" ovf:value="-32768"/>
      <Property ovf:key="u32" ovf:type="uint32" ovf:value="4294967295"/>
      <Property ovf:key="s32" ovf:type="sint32" ovf:value="-2147483648"/>
      <Property ovf:key="u64" ovf:type="uint64" ovf:value="18446744073709551615"/>
      <Property ovf:key="s64" ovf:type="sint64" ovf:value="-9223372036854775808"/>
      <Property ovf:key="r32" ovf:type="real32" ovf:value="1.5"/>
      <Property ovf:key="r64" ovf:type="real64" ovf:value="-2.5e-3"/>
      <Property ovf:key="flag" ovf:type="boolean" ovf:value="true"/>
      <Property ovf:key="vmname" ovf:type="string" ovf:value="web01"/>
      <Property ovf:key="too.big" ovf:type="uint8" ovf:value="300"/>
      <Property ovf:key="capital" ovf:type="boolean" ovf:value="True"/>
      <Property ovf:key="port" ovf:type="uint16" ovf:value=""/>
    </ProductSection>"#;

#[test]
fn typed_properties_become_typed_attributes_with_ranges() {
    let xml = format!("{HEAD}{}</Envelope>", system("vm", TYPED, ""));
    let (doc, conversion) = convert(&xml, &Options::default());
    let vm = compute(&conversion.collection);
    let value = |key: &str| {
        let name = format!("tern.ovf.property.{key}");
        vm.entity.attributes.get(&name).cloned()
    };
    let def = |key: &str| {
        conversion
            .catalogue
            .attribute_def(&vm.entity, &format!("tern.ovf.property.{key}"))
            .cloned()
            .unwrap_or_else(|| panic!("{key} is defined"))
    };
    for (key, text, range) in [
        ("u8", "255", Some((0, 255))),
        ("s8", "-128", Some((-128, 127))),
        ("u16", "65535", Some((0, 65535))),
        ("s16", "-32768", Some((-32768, 32767))),
        ("u32", "4294967295", Some((0, 4_294_967_295))),
        ("s32", "-2147483648", Some((-2_147_483_648, 2_147_483_647))),
        ("s64", "-9223372036854775808", Some((i64::MIN, i64::MAX))),
    ] {
        assert_eq!(value(key).map(|v| v.to_string()).as_deref(), Some(text));
        let d = def(key);
        assert_eq!((d.kind, d.range), (AttributeType::Integer, range), "{key}");
    }
    // uint64 passes i64: a number whose schema says integer 0…2^64−1.
    assert_eq!(def("u64").kind, AttributeType::Float);
    assert!(
        def("u64")
            .pattern
            .unwrap()
            .contains("\"maximum\":18446744073709551615")
    );
    assert_eq!(value("u64").unwrap().to_string(), "18446744073709551615");
    for (key, text) in [("r32", "1.5"), ("r64", "-2.5e-3")] {
        assert_eq!(def(key).kind, AttributeType::Float);
        assert_eq!(value(key).unwrap().to_string(), text);
    }
    assert_eq!(def("flag").kind, AttributeType::Boolean);
    assert_eq!(value("flag"), Some(Value::Boolean(true)));
    assert_eq!(value("vmname"), Some(Value::from("web01")));
    // Values outside their type stay strings, exactly as written, and are reported.
    assert_eq!(value("too.big"), Some(Value::from("300")));
    assert_eq!(def("too.big").kind, AttributeType::String);
    assert_eq!(value("capital"), Some(Value::from("True")));
    // An empty value of a number is no value yet; the type stays.
    assert_eq!(value("port"), None);
    assert_eq!(def("port").range, Some((0, 65535)));
    assert!(
        conversion
            .report
            .notes
            .iter()
            .any(|n| n.message.contains("too.big") && n.message.contains("string")),
        "{:?}",
        conversion.report.notes
    );
    assert!(
        !conversion
            .report
            .unmapped
            .iter()
            .any(|u| u.path.contains("Property")),
        "every property is carried: {:?}",
        conversion.report.unmapped
    );
    // The resources are valid against the catalogue with the section's mixin.
    conversion
        .catalogue
        .validate_resource(vm, tern_model::ValidationMode::Request)
        .unwrap();
    let (collection, catalogue) = support::through_json(&conversion);
    assert_eq!(own(&export(&collection, Some(catalogue))), own(&doc));
}

#[test]
fn sections_classes_instances_and_dotted_keys_have_their_own_names() {
    let products = r#"<ProductSection><Info>plain</Info>
      <Property ovf:key="a.b" ovf:type="string" ovf:value="1"/>
    </ProductSection>
    <ProductSection ovf:class="a"><Info>class a</Info>
      <Property ovf:key="b" ovf:type="string" ovf:value="2"/>
    </ProductSection>
    <ProductSection ovf:class="vami" ovf:instance="web.server"><Info>vami</Info>
      <Property ovf:key="ip0" ovf:type="string" ovf:value="3"/>
      <Property ovf:key="DNS Servers" ovf:type="string" ovf:value="4"/>
    </ProductSection>"#;
    let xml = format!(
        r#"{HEAD}<VirtualSystemCollection ovf:id="vapp"><Info>c</Info>
    <ProductSection><Info>collection</Info>
      <Property ovf:key="a.b" ovf:type="string" ovf:value="5"/>
    </ProductSection>
    {}{}</VirtualSystemCollection></Envelope>"#,
        system("vm", products, ""),
        system("other", "", "")
    );
    let (doc, conversion) = convert(&xml, &Options::default());
    let vm = conversion
        .collection
        .resource("urn:ovf:compute:vm")
        .unwrap();
    let names: Vec<(&str, String)> = vm
        .entity
        .attributes
        .iter()
        .filter(|(n, _)| PropertyId::from_attribute(n).is_some())
        .map(|(n, v)| (n, v.to_plain_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("tern.ovf.property.a.b", "1".to_owned()),
            ("tern.ovf.product.a.-.b", "2".to_owned()),
            ("tern.ovf.product.vami.web_2eserver.ip0", "3".to_owned()),
            (
                "tern.ovf.product.vami.web_2eserver.DNS_20Servers",
                "4".to_owned()
            ),
            ("tern.ovf.vsc.vapp.property.a.b", "5".to_owned()),
        ]
    );
    // Four sections, four mixins, titled after their Info.
    let titles: Vec<String> = vm
        .entity
        .mixins
        .iter()
        .filter_map(|m| conversion.catalogue.mixin(m))
        .filter(|m| m.id.scheme() == tern_mapping::property::PRODUCT_SCHEME)
        .filter_map(|m| m.title.clone())
        .collect();
    assert_eq!(titles, ["plain", "class a", "vami", "collection"]);
    // The other system has the collection's section only.
    let other = conversion
        .collection
        .resource("urn:ovf:compute:other")
        .unwrap();
    assert!(
        other
            .entity
            .attributes
            .get("tern.ovf.vsc.vapp.property.a.b")
            .is_some()
    );
    let (collection, catalogue) = support::through_json(&conversion);
    let (before, after) = (facts(&doc), facts(&export(&collection, Some(catalogue))));
    assert_eq!(before, after);
}

#[test]
fn categories_come_back_in_order_with_flags_labels_and_messages() {
    let products = r#"<ProductSection ovf:class="org.example"><Info>settings</Info>
      <Property ovf:key="first" ovf:type="string" ovf:value="x"/>
      <Category ovf:msgid="cat.net">Networking</Category>
      <Property ovf:key="ip" ovf:type="string" ovf:userConfigurable="true" ovf:value="10.0.0.2" ovf:qualifiers="MinLen(7) MaxLen(15)">
        <Label ovf:msgid="ip.label">Address</Label>
        <Description>IPv4, dotted</Description>
      </Property>
      <Category>Secrets</Category>
      <Property ovf:key="root.password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true"/>
      <Category ovf:msgid="cat.net">Networking</Category>
      <Property ovf:key="dns" ovf:type="string" ovf:value="" ovf:qualifiers='ValueMap{"8.8.8.8","1.1.1.1"}'/>
    </ProductSection>"#;
    let xml = format!("{HEAD}{}</Envelope>", system("vm", products, ""));
    let (doc, conversion) = convert(&xml, &Options::default());
    let vm = compute(&conversion.collection);
    // The password's definition is marked secret; its value stays (the OCCI side is the
    // only state).
    let def = conversion
        .catalogue
        .attribute_def(&vm.entity, "tern.ovf.product.org_2eexample.-.root.password")
        .unwrap();
    let schema: serde_json::Value = serde_json::from_str(def.pattern.as_deref().unwrap()).unwrap();
    assert_eq!(schema["writeOnly"], true);
    assert_eq!(schema["format"], "password");
    let ip = conversion
        .catalogue
        .attribute_def(&vm.entity, "tern.ovf.product.org_2eexample.-.ip")
        .unwrap();
    let schema: serde_json::Value = serde_json::from_str(ip.pattern.as_deref().unwrap()).unwrap();
    assert_eq!(
        (&schema["minLength"], &schema["maxLength"], &schema["title"]),
        (
            &serde_json::json!(7),
            &serde_json::json!(15),
            &serde_json::json!("Address")
        )
    );
    assert!(ip.mutable, "userConfigurable");
    assert_eq!(ip.description.as_deref(), Some("IPv4, dotted"));
    let (collection, catalogue) = support::through_json(&conversion);
    let back = export(&collection, Some(catalogue));
    assert_eq!(own(&back), own(&doc));
    // The Category headings are where they were: Networking, Secrets, Networking again.
    let entries: Vec<String> = Envelope::read(&back).virtual_systems()[0].sections.product[0]
        .entries
        .iter()
        .map(|e| match e {
            ProductEntry::Category(c) => format!("# {}", c.text),
            ProductEntry::Property(p) => p.key.clone().unwrap_or_default(),
        })
        .collect();
    assert_eq!(
        entries,
        [
            "first",
            "# Networking",
            "ip",
            "# Secrets",
            "root.password",
            "# Networking",
            "dns"
        ]
    );
}

#[test]
fn mapped_properties_are_carried_once() {
    // hostname → occi.compute.hostname, ip → the NIC's address, label → the network's.
    let products = r#"<ProductSection ovf:class="org.example"><Info>settings</Info>
      <Category>Identity</Category>
      <Property ovf:key="vmname" ovf:type="string" ovf:value="web01"/>
      <Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="${vmname}" ovf:qualifiers="MaxLen(63)">
        <Label>Host name</Label>
      </Property>
      <Category>Network</Category>
      <Property ovf:key="ip" ovf:type="string" ovf:userConfigurable="true" ovf:value="10.0.0.5"><Label>IP</Label></Property>
      <Property ovf:key="netmask" ovf:type="string" ovf:value="255.255.255.0"/>
      <Property ovf:key="label" ovf:type="string" ovf:value="frontend"/>
    </ProductSection>"#;
    let nic = r"<Item><rasd:Connection>lan</rasd:Connection><rasd:ElementName>eth0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>";
    let xml = format!(
        r#"{HEAD}<NetworkSection><Info>n</Info><Network ovf:name="lan"><Description>lan</Description></Network></NetworkSection>
  {}</Envelope>"#,
        system("vm", products, nic)
    );
    let (doc, conversion) = convert(&xml, &Options::default());
    let vm = compute(&conversion.collection);
    let attr = |name: &str| vm.entity.attributes.get(name).map(Value::to_plain_string);
    assert_eq!(attr("occi.compute.hostname").as_deref(), Some("web01"));
    assert_eq!(
        vm.links[0]
            .entity
            .attributes
            .get("occi.networkinterface.address")
            .map(Value::to_plain_string)
            .as_deref(),
        Some("10.0.0.5")
    );
    let network = conversion
        .collection
        .resource("urn:ovf:network:lan")
        .unwrap();
    assert_eq!(
        network.entity.attributes.get("occi.network.label"),
        Some(&Value::from("frontend"))
    );
    // Not twice: the mixin declares them (for the way back) but holds no second value.
    for key in ["hostname", "ip", "label"] {
        let name = format!("tern.ovf.product.org_2eexample.-.{key}");
        assert_eq!(attr(&name), None, "{key}");
        let def = conversion
            .catalogue
            .attribute_def(&vm.entity, &name)
            .unwrap();
        assert!(
            !def.mutable,
            "{key}: the row's attribute is the one to change"
        );
    }
    assert_eq!(
        attr("tern.ovf.product.org_2eexample.-.vmname").as_deref(),
        Some("web01")
    );
    assert_eq!(
        attr("tern.ovf.product.org_2eexample.-.netmask").as_deref(),
        Some("255.255.255.0")
    );
    // Back in OVF: each once, in its section and category, `${vmname}` kept.
    let (collection, catalogue) = support::through_json(&conversion);
    let back = export(&collection, Some(catalogue.clone()));
    assert_eq!(own(&back), own(&doc));
    // A changed hostname and address are written where they were declared.
    let mut changed = collection.clone();
    let vm = compute_mut(&mut changed);
    vm.entity
        .attributes
        .insert("occi.compute.hostname", "web02");
    vm.links[0]
        .entity
        .attributes
        .insert("occi.networkinterface.address", "10.0.0.6");
    let back = own(&export(&changed, Some(catalogue)));
    assert_eq!(back.len(), 1, "one section: {back:?}");
    let value = |key: &str| {
        back[0]
            .2
            .iter()
            .find(|p| p.key.as_deref() == Some(key))
            .and_then(|p| p.value.clone())
    };
    assert_eq!(value("hostname").as_deref(), Some("web02"));
    assert_eq!(value("ip").as_deref(), Some("10.0.0.6"));
    assert_eq!(value("vmname").as_deref(), Some("web01"));
}

const CONFIGURED: &str = r#"<DeploymentOptionSection><Info>sizes</Info>
    <Configuration ovf:id="small"><Label>S</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large" ovf:default="true"><Label>L</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>"#;

fn configured(system_id: &str) -> String {
    let products = r#"<ProductSection><Info>settings</Info>
      <Property ovf:key="workers" ovf:type="uint16" ovf:value="2">
        <Value ovf:value="4" ovf:configuration="small"/>
        <Value ovf:value="16" ovf:configuration="large"/>
      </Property>
      <Property ovf:key="name" ovf:type="string" ovf:value="db"/>
    </ProductSection>"#;
    format!(
        "{HEAD}{CONFIGURED}{}</Envelope>",
        system(system_id, products, "")
    )
}

#[test]
fn per_configuration_values_are_carried_and_the_converted_one_written() {
    let xml = configured("vm");
    for (option, workers) in [(None, "16"), (Some("small"), "4")] {
        let (_, conversion) = convert(
            &xml,
            &Options {
                deployment_option: option.map(str::to_owned),
                ..Options::default()
            },
        );
        let vm = compute(&conversion.collection);
        assert_eq!(
            vm.entity
                .attributes
                .get("tern.ovf.property.workers")
                .map(Value::to_string)
                .as_deref(),
            Some(workers),
            "{option:?}"
        );
        // The definition carries the default and every option's value.
        let def = conversion
            .catalogue
            .attribute_def(&vm.entity, "tern.ovf.property.workers")
            .unwrap();
        assert_eq!(
            def.default.as_ref().map(Value::to_string).as_deref(),
            Some("2")
        );
        let schema: serde_json::Value =
            serde_json::from_str(def.pattern.as_deref().unwrap()).unwrap();
        assert_eq!(
            schema["ovf"]["values"],
            serde_json::json!([
                {"value": "4", "configuration": "small"},
                {"value": "16", "configuration": "large"}
            ])
        );
        // The export describes the converted option: its value (changed here) is ovf:value,
        // and the other options' values are reported, not written against undeclared ids.
        let (mut collection, catalogue) = support::through_json(&conversion);
        let vm = compute_mut(&mut collection);
        vm.entity.attributes.insert(
            "tern.ovf.property.workers",
            Value::Number(tern_model::Number::parse("32").unwrap()),
        );
        vm.entity.attributes.insert("tern.ovf.property.name", "pg");
        let export = occi_to_ovf(
            &collection,
            &ExportOptions {
                catalogue: Some(catalogue),
                ..ExportOptions::default()
            },
        )
        .unwrap();
        let back = own(&Document::parse(export.xml.as_bytes()).unwrap());
        assert_eq!(back[0].2[0].value.as_deref(), Some("32"));
        assert!(!export.xml.contains("<Value"), "{}", export.xml);
        assert_eq!(back[0].2[1].value.as_deref(), Some("pg"));
        assert!(
            export
                .dropped
                .iter()
                .any(|d| d.contains("`workers`") && d.contains("deployment option")),
            "{:?}",
            export.dropped
        );
    }
}

#[test]
fn values_given_at_conversion_are_the_state_written_back() {
    let xml = configured("vm");
    let (_, conversion) = convert(
        &xml,
        &Options {
            properties: vec![("name".into(), "mysql".into())],
            ..Options::default()
        },
    );
    let (collection, catalogue) = support::through_json(&conversion);
    let back = own(&export(&collection, Some(catalogue)));
    assert_eq!(back[0].2[1].value.as_deref(), Some("mysql"));
}

#[test]
fn without_definitions_keys_sections_and_values_still_come_back() {
    // A text/plain rendering carries no mixin definitions: what the names and values say
    // comes back (the key, its section, the value and its JSON type).
    let xml = format!("{HEAD}{}</Envelope>", system("vm", TYPED, ""));
    let (doc, conversion) = convert(&xml, &Options::default());
    let back = own(&export(&conversion.collection, None));
    let before = own(&doc);
    assert_eq!(back.len(), before.len());
    // Properties without a value (an empty number) have no attribute to come back from.
    let with_values: Vec<(&Option<String>, &Option<String>)> = before[0]
        .2
        .iter()
        .filter(|p| p.value.as_deref().is_some_and(|v| !v.is_empty()))
        .map(|p| (&p.key, &p.value))
        .collect();
    let came_back: Vec<(&Option<String>, &Option<String>)> =
        back[0].2.iter().map(|p| (&p.key, &p.value)).collect();
    assert_eq!(came_back, with_values);
    let ty = |key: &str| {
        back[0]
            .2
            .iter()
            .find(|p| p.key.as_deref() == Some(key))
            .and_then(|p| p.ty.clone())
    };
    assert_eq!(ty("u8").as_deref(), Some("sint64"));
    assert_eq!(ty("r64").as_deref(), Some("real64"));
    assert_eq!(ty("flag").as_deref(), Some("boolean"));
    assert_eq!(ty("vmname").as_deref(), Some("string"));
}

#[test]
fn with_the_original_a_changed_property_is_written_back() {
    let xml = configured("vm");
    let mut doc = Document::parse(xml.as_bytes()).unwrap();
    let mut collection = ovf_to_occi(&doc, &Options::default()).unwrap().collection;
    compute_mut(&mut collection)
        .entity
        .attributes
        .insert("tern.ovf.property.name", "pg");
    let not_written =
        tern_mapping::occi2ovf::restore(&mut doc, &collection, &Options::default()).unwrap();
    assert!(not_written.is_empty(), "{not_written:?}");
    let text = String::from_utf8(doc.to_bytes()).unwrap();
    assert!(
        text.contains(r#"ovf:key="name" ovf:type="string" ovf:value="pg""#),
        "{text}"
    );
}

proptest! {
    #[test]
    fn attribute_names_are_reversible_and_valid_occi_names(
        collection in proptest::option::of(".{0,8}"),
        class in ".{0,8}",
        instance in "[a-z0-9._ -]{0,6}",
        key in "[A-Za-z0-9._ -]{0,10}|.{0,10}",
    ) {
        let id = PropertyId { collection, class, instance, key };
        let name = id.attribute();
        prop_assert_eq!(PropertyId::from_attribute(&name), Some(id));
        // GFD.229: an attribute name is a term, [A-Za-z0-9][A-Za-z0-9-_.]*.
        prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{}", name);
    }
}

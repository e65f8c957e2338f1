//! Capability discovery and comparison: what A's deployment uses (kinds, mixins, attributes,
//! actions, CDMI capabilities) against what B offers, as a table of rows that match, map
//! (another name for the same thing) or are missing.
//!
//! Provider templates (mixins that depend on `os_tpl` or `resource_tpl`) are matched by
//! identifier first, then by title and attribute names, then, for OS templates, by the image
//! behind them (same size and SHA-256). Other user mixins (tern's OVF mixins, a user's tags)
//! are defined at B by the import, so they are never missing.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use tern_model::{CategoryId, Collection, Multiplicity};

use crate::extract::Discovery;
use crate::http::{Client, ClientError};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

/// CDMI capabilities, by name (the system-wide ones and the data objects' ones).
pub type Capabilities = BTreeMap<String, String>;

/// What a row compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// An OCCI Kind.
    Kind,
    /// An OCCI Mixin.
    Mixin,
    /// An attribute of a Kind.
    Attribute,
    /// An action of a Kind.
    Action,
    /// A CDMI capability.
    Cdmi,
}

/// How B answers a need of A's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// B has the same thing.
    Matches,
    /// B has it under another name.
    Maps,
    /// B gets it with the import (a user mixin).
    Defined,
    /// B lacks it.
    Missing,
    /// Said for information.
    Note,
}

/// One row of the comparison table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What is compared.
    pub area: Area,
    /// A's name for it.
    pub a: String,
    /// B's name for it, when B has it.
    pub b: Option<String>,
    /// How B answers.
    pub status: Status,
    /// True when the migration cannot do without it.
    pub required: bool,
    /// Why (the way a mapping was found, what is missing).
    pub note: String,
}

/// The comparison of A's needs with B's offer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    /// The rows, in the order: kinds, mixins, attributes, actions, CDMI.
    pub rows: Vec<Row>,
}

impl Table {
    /// The required rows B lacks.
    pub fn gaps(&self) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| r.required && r.status == Status::Missing)
            .collect()
    }

    /// A's templates and the ones B maps them to.
    pub fn mapped(&self) -> HashMap<String, String> {
        self.rows
            .iter()
            .filter(|r| r.area == Area::Mixin && r.status == Status::Maps)
            .filter_map(|r| Some((r.a.clone(), r.b.clone()?)))
            .collect()
    }

    /// The table as aligned text, one row a line; required rows B lacks are marked `!`.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                let status = match r.status {
                    Status::Matches => "matches",
                    Status::Maps => "maps",
                    Status::Defined => "defined",
                    Status::Missing if r.required => "MISSING!",
                    Status::Missing => "missing",
                    Status::Note => "note",
                };
                let area = match r.area {
                    Area::Kind => "kind",
                    Area::Mixin => "mixin",
                    Area::Attribute => "attribute",
                    Area::Action => "action",
                    Area::Cdmi => "cdmi",
                };
                [
                    area.to_owned(),
                    r.a.clone(),
                    r.b.clone().unwrap_or_else(|| "-".to_owned()),
                    status.to_owned(),
                    r.note.clone(),
                ]
            })
            .collect();
        let header = ["AREA", "AT A", "AT B", "STATUS", "NOTE"].map(str::to_owned);
        let mut widths = header.clone().map(|h| h.len());
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&cells) {
            let mut line = String::new();
            for (i, (c, w)) in row.iter().zip(widths).enumerate() {
                if i + 1 == row.len() {
                    line.push_str(c);
                } else {
                    let _ = write!(line, "{c:<w$}  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// One provider's side: its query interface and CDMI capabilities.
#[derive(Debug, Clone)]
pub struct Side {
    /// The OCCI query interface.
    pub discovery: Discovery,
    /// The CDMI capabilities (empty when the provider has no CDMI).
    pub cdmi: Capabilities,
}

/// Reads the CDMI capabilities at `/.well-known/com/snia/cdmi` (system-wide) and
/// `/cdmi_capabilities/dataobject/`; an endpoint without CDMI has none.
pub async fn cdmi_capabilities(client: &Client) -> Result<Capabilities, ClientError> {
    let mut out = Capabilities::new();
    for path in [
        "/.well-known/com/snia/cdmi",
        "/cdmi_capabilities/dataobject/",
    ] {
        let r = client
            .send(
                "GET",
                path,
                "application/cdmi-capability",
                &[("X-CDMI-Specification-Version", "1.1.1".to_owned())],
                None,
                true,
                &[400, 404, 405, 406],
            )
            .await?;
        if r.status >= 400 {
            continue;
        }
        let json: serde_json::Value = serde_json::from_str(&r.text).unwrap_or_default();
        if let Some(map) = json["capabilities"].as_object() {
            for (k, v) in map {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                out.entry(k.clone()).or_insert(v);
            }
        }
    }
    Ok(out)
}

/// What the comparison needs besides the two sides.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// The largest disk, in bytes.
    pub largest_disk: Option<u64>,
    /// True when B's computes are started after the import (a cold migration).
    pub start_at_b: bool,
    /// The mixins the descriptor itself defines (ovf2occi makes them from its sections):
    /// B's import defines them, templates included.
    pub defined: HashSet<CategoryId>,
}

/// The image behind an OS template: its size and SHA-256, when the template names one.
pub type ImageDigest = Option<(u64, String)>;

/// Compares A's deployment (`used`) with B's offer. `image` gives the digest of the image
/// behind an OS template of A (`true`) or of B (`false`); it is asked only when nothing
/// else matched.
// One pass per area, each short; splitting the mixin pass would only move its locals.
#[allow(clippy::too_many_lines)]
pub async fn compare<F, Fut>(
    a: &Side,
    b: &Side,
    used: &Collection,
    needs: &Needs,
    image: F,
) -> Table
where
    F: Fn(bool, tern_model::Mixin) -> Fut,
    Fut: std::future::Future<Output = ImageDigest>,
{
    let mut rows = Vec::new();
    let (kinds, mixins) = used_categories(used);
    let ca = &a.discovery.catalogue;
    let cb = &b.discovery.catalogue;
    for kind in &kinds {
        let found = cb.kind(kind).is_some();
        rows.push(Row {
            area: Area::Kind,
            a: kind.to_string(),
            b: found.then(|| kind.to_string()),
            status: if found {
                Status::Matches
            } else {
                Status::Missing
            },
            required: true,
            note: String::new(),
        });
    }
    let os_tpl = CategoryId::new(INFRA, "os_tpl");
    let resource_tpl = CategoryId::new(INFRA, "resource_tpl");
    let template_of = |c: &tern_model::Catalogue, id: &CategoryId| {
        let closure = c.mixin_closure(id);
        if closure
            .iter()
            .any(|m| m.id == os_tpl || m.depends.contains(&os_tpl))
        {
            Some(os_tpl.clone())
        } else if closure
            .iter()
            .any(|m| m.id == resource_tpl || m.depends.contains(&resource_tpl))
        {
            Some(resource_tpl.clone())
        } else {
            None
        }
    };
    let mut b_digests: Option<Vec<(CategoryId, ImageDigest)>> = None;
    for id in &mixins {
        if id == &os_tpl || id == &resource_tpl {
            continue;
        }
        if cb.mixin(id).is_some() {
            rows.push(Row {
                area: Area::Mixin,
                a: id.to_string(),
                b: Some(id.to_string()),
                status: Status::Matches,
                required: template_of(ca, id).is_some(),
                note: String::new(),
            });
            continue;
        }
        let template = template_of(ca, id);
        if template.is_none() || needs.defined.contains(id) {
            rows.push(Row {
                area: Area::Mixin,
                a: id.to_string(),
                b: None,
                status: Status::Defined,
                required: false,
                note: if template.is_some() {
                    "a template the descriptor defines: defined at B by the import".into()
                } else {
                    "a user mixin: defined at B by the import".into()
                },
            });
            continue;
        }
        let Some(template) = template else {
            continue;
        };
        let Some(mine) = ca.mixin(id) else {
            continue;
        };
        // B's templates of the same sort.
        let theirs: Vec<&tern_model::Mixin> = cb
            .mixins()
            .iter()
            .filter(|m| template_of(cb, &m.id).as_ref() == Some(&template) && m.id != template)
            .collect();
        let names = |m: &tern_model::Mixin| {
            m.attributes
                .iter()
                .map(|d| d.name.clone())
                .collect::<HashSet<_>>()
        };
        let same_title = theirs.iter().find(|m| {
            m.title.is_some()
                && m.title.as_deref().map(str::to_lowercase)
                    == mine.title.as_deref().map(str::to_lowercase)
                && names(m) == names(mine)
        });
        if let Some(m) = same_title {
            rows.push(Row {
                area: Area::Mixin,
                a: id.to_string(),
                b: Some(m.id.to_string()),
                status: Status::Maps,
                required: true,
                note: "same title and attributes".into(),
            });
            continue;
        }
        let mut by_image = None;
        if template == os_tpl
            && let Some(digest) = image(true, mine.clone()).await
        {
            if b_digests.is_none() {
                let mut all = Vec::new();
                for m in &theirs {
                    all.push((m.id.clone(), image(false, (*m).clone()).await));
                }
                b_digests = Some(all);
            }
            by_image = b_digests
                .iter()
                .flatten()
                .find(|(_, d)| d.as_ref() == Some(&digest))
                .map(|(id, _)| id.clone());
        }
        rows.push(match by_image {
            Some(other) => Row {
                area: Area::Mixin,
                a: id.to_string(),
                b: Some(other.to_string()),
                status: Status::Maps,
                required: true,
                note: "same image (size and SHA-256)".into(),
            },
            None => Row {
                area: Area::Mixin,
                a: id.to_string(),
                b: None,
                status: Status::Missing,
                required: true,
                note: format!("no {} at B with this id, title or image", template.term()),
            },
        });
    }
    attribute_rows(&kinds, used, cb, &mut rows);
    action_rows(&kinds, a, b, needs, &mut rows);
    cdmi_rows(a, b, needs, &mut rows);
    Table { rows }
}

// B's required attributes of each kind used: every entity of that kind at A must give them.
fn attribute_rows(
    kinds: &[CategoryId],
    used: &Collection,
    cb: &tern_model::Catalogue,
    rows: &mut Vec<Row>,
) {
    for kind in kinds {
        let Some(k) = cb.kind(kind) else {
            continue;
        };
        for def in &k.attributes {
            let required = matches!(
                def.multiplicity,
                Multiplicity::One | Multiplicity::AtLeastOne
            ) && def.default.is_none()
                && !def.provider_assigned
                && def.mutable;
            if !required {
                continue;
            }
            let entities: Vec<&tern_model::Entity> = used
                .resources()
                .iter()
                .map(|r| &r.entity)
                .chain(used.links().map(|l| &l.entity))
                .filter(|e| &e.kind == kind)
                .collect();
            let given = entities
                .iter()
                .all(|e| e.attributes.get(&def.name).is_some());
            rows.push(Row {
                area: Area::Attribute,
                a: def.name.clone(),
                b: Some(def.name.clone()),
                status: if given {
                    Status::Matches
                } else {
                    Status::Missing
                },
                required: true,
                note: if given {
                    format!("required by B's {}", kind.term())
                } else {
                    format!("B's {} requires it; A's entities lack it", kind.term())
                },
            });
        }
    }
}

fn action_rows(kinds: &[CategoryId], a: &Side, b: &Side, needs: &Needs, rows: &mut Vec<Row>) {
    let compute = CategoryId::new(INFRA, "compute");
    for kind in kinds {
        let (Some(ka), Some(kb)) = (
            a.discovery.catalogue.kind(kind),
            b.discovery.catalogue.kind(kind),
        ) else {
            continue;
        };
        for action in &ka.actions {
            let found = kb.actions.contains(action);
            let required = needs.start_at_b && kind == &compute && action.term() == "start";
            rows.push(Row {
                area: Area::Action,
                a: action.to_string(),
                b: found.then(|| action.to_string()),
                status: if found {
                    Status::Matches
                } else {
                    Status::Missing
                },
                required,
                note: if required {
                    "starts B's computes after the import".into()
                } else {
                    String::new()
                },
            });
        }
    }
}

fn cdmi_rows(a: &Side, b: &Side, needs: &Needs, rows: &mut Vec<Row>) {
    let yes = |c: &Capabilities, n: &str| c.get(n).is_some_and(|v| v == "true");
    let has_disks = needs.largest_disk.is_some();
    for (name, required) in [("cdmi_dataobjects", has_disks)] {
        let (ia, ib) = (yes(&a.cdmi, name), yes(&b.cdmi, name));
        if !ia && !ib && !required {
            continue;
        }
        rows.push(Row {
            area: Area::Cdmi,
            a: name.into(),
            b: ib.then(|| name.to_owned()),
            status: if ib { Status::Matches } else { Status::Missing },
            required,
            note: if required {
                "the disks are copied as data objects".into()
            } else {
                String::new()
            },
        });
    }
    for name in ["cdmi_max_object_size", "tern_max_object_size"] {
        let Some(limit) = b.cdmi.get(name).and_then(|v| v.trim().parse::<u64>().ok()) else {
            continue;
        };
        let fits = needs.largest_disk.is_none_or(|d| d <= limit);
        rows.push(Row {
            area: Area::Cdmi,
            a: needs
                .largest_disk
                .map_or_else(|| "no disk".into(), |d| format!("largest disk {d} bytes")),
            b: Some(format!("{name} {limit}")),
            status: if fits {
                Status::Matches
            } else {
                Status::Missing
            },
            required: true,
            note: if fits {
                String::new()
            } else {
                "a disk is larger than B accepts".into()
            },
        });
    }
    let copy = yes(&b.cdmi, "cdmi_object_copy_from_remote");
    rows.push(Row {
        area: Area::Cdmi,
        a: "copy of the disks".into(),
        b: copy.then(|| "cdmi_object_copy_from_remote".to_owned()),
        status: Status::Note,
        required: false,
        note: if copy {
            "B copies from A's URLs (streamed through tern when it cannot)".into()
        } else {
            "streamed through tern (B does not advertise copies from other servers)".into()
        },
    });
    if let Some(formats) = b.cdmi.get(super::DISK_FORMATS) {
        rows.push(Row {
            area: Area::Cdmi,
            a: "disk format".into(),
            b: Some(format!("{} {formats}", super::DISK_FORMATS)),
            status: Status::Note,
            required: false,
            note: "B's wanted disk formats: disks in another format are converted".into(),
        });
    }
    for name in [
        "cdmi_export_occi_iscsi",
        "cdmi_export_nfs",
        "cdmi_export_iscsi",
    ] {
        if yes(&a.cdmi, name) {
            let ib = yes(&b.cdmi, name);
            rows.push(Row {
                area: Area::Cdmi,
                a: name.into(),
                b: ib.then(|| name.to_owned()),
                status: if ib { Status::Matches } else { Status::Missing },
                required: false,
                note: String::new(),
            });
        }
    }
}

// The kinds and mixins the deployment's entities use, in first-use order (a set beside each
// list: a deployment of many VMs each with their own ProductSection mixins stays linear).
fn used_categories(used: &Collection) -> (Vec<CategoryId>, Vec<CategoryId>) {
    fn first_use(seen: &mut HashSet<CategoryId>, order: &mut Vec<CategoryId>, c: &CategoryId) {
        if seen.insert(c.clone()) {
            order.push(c.clone());
        }
    }
    let (mut kinds, mut mixins) = (Vec::new(), Vec::new());
    let (mut seen_kinds, mut seen_mixins) = (HashSet::new(), HashSet::new());
    let entities = used
        .resources()
        .iter()
        .map(|r| &r.entity)
        .chain(used.links().map(|l| &l.entity));
    for e in entities {
        first_use(&mut seen_kinds, &mut kinds, &e.kind);
        for m in &e.mixins {
            first_use(&mut seen_mixins, &mut mixins, m);
        }
    }
    (kinds, mixins)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tern_model::{
        AttributeDef, AttributeType, Catalogue, CategoryId, Collection, Entity, Mixin, OcciVersion,
        Resource,
    };
    use tern_occi::MediaType;

    use super::{Capabilities, Needs, Side, Status, compare};
    use crate::extract::Discovery;

    fn template(id: &str, title: &str, of: &str, attributes: &[&str]) -> Mixin {
        Mixin {
            id: id.parse().expect("an id"),
            title: Some(title.into()),
            depends: vec![CategoryId::new(super::INFRA, of)],
            applies: Vec::new(),
            attributes: attributes
                .iter()
                .map(|a| AttributeDef::new(*a, AttributeType::String))
                .collect(),
            actions: Vec::new(),
            location: None,
        }
    }

    fn side(mixins: Vec<Mixin>, cdmi: &[(&str, &str)]) -> Side {
        let mut catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
        for m in mixins {
            catalogue.add_mixin(m).expect("added");
        }
        Side {
            discovery: Discovery {
                version: OcciVersion::V1_2,
                catalogue,
                collections: Vec::new(),
                mixins: HashSet::new(),
                media: MediaType::OcciJson,
            },
            cdmi: cdmi
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Capabilities>(),
        }
    }

    #[test]
    fn templates_match_by_id_map_by_title_or_image_and_the_rest_is_missing() {
        let a = side(
            vec![
                template("http://a/os#ubuntu", "Ubuntu 22.04", "os_tpl", &["x"]),
                template("http://a/os#debian", "Debian", "os_tpl", &[]),
                template("http://a/res#small", "small", "resource_tpl", &[]),
                template("http://same/res#large", "large", "resource_tpl", &[]),
            ],
            &[("cdmi_dataobjects", "true")],
        );
        let b = side(
            vec![
                template("http://b/os#u2204", "ubuntu 22.04", "os_tpl", &["x"]),
                template("http://b/os#deb12", "Debian 12", "os_tpl", &[]),
                template("http://same/res#large", "L", "resource_tpl", &[]),
            ],
            &[("cdmi_dataobjects", "true"), ("tern_max_object_size", "10")],
        );
        let mut vm = Entity::new("vm", CategoryId::new(super::INFRA, "compute"));
        for m in [
            "http://a/os#ubuntu",
            "http://a/os#debian",
            "http://a/res#small",
            "http://same/res#large",
            "http://x/tag#t",
        ] {
            vm.mixins.push(m.parse().expect("an id"));
        }
        let mut used = Collection::new();
        used.push_resource(Resource::new(vm)).expect("pushed");
        let needs = Needs {
            largest_disk: Some(11),
            start_at_b: true,
            defined: HashSet::new(),
        };
        let table = futures_lite(compare(&a, &b, &used, &needs, |at_a, m| async move {
            // Debian at A and Debian 12 at B are the same image.
            let same = (at_a && m.id.term() == "debian") || (!at_a && m.id.term() == "deb12");
            same.then(|| (1, "digest".to_owned()))
        }));
        let status = |a: &str| {
            let r = table.rows.iter().find(|r| r.a == a).expect("a row");
            (r.status, r.b.clone(), r.required)
        };
        assert_eq!(
            status("http://a/os#ubuntu"),
            (Status::Maps, Some("http://b/os#u2204".into()), true)
        );
        assert_eq!(
            status("http://a/os#debian"),
            (Status::Maps, Some("http://b/os#deb12".into()), true)
        );
        assert_eq!(status("http://a/res#small"), (Status::Missing, None, true));
        assert_eq!(status("http://same/res#large").0, Status::Matches);
        assert_eq!(status("http://x/tag#t"), (Status::Defined, None, false));
        let gaps: Vec<&str> = table.gaps().iter().map(|r| r.a.as_str()).collect();
        assert_eq!(gaps, ["http://a/res#small", "largest disk 11 bytes"]);
        assert_eq!(table.mapped().len(), 2);
        let text = table.text();
        assert!(text.starts_with("AREA"), "{text}");
        assert!(
            text.lines()
                .any(|l| l.contains("http://a/res#small") && l.contains("MISSING!")),
            "{text}"
        );
    }

    // The comparison's futures complete without a reactor: polled on a current-thread
    // runtime.
    fn futures_lite<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }
}

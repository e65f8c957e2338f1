//! The OVF side of a migration: the export from A by content negotiation, its disks, the
//! descriptor rewritten for B (hrefs to B's data objects, sizes and formats of the copies)
//! and the import at B.

use std::collections::HashMap;

use tern_model::Collection;
use tern_ovf::{Element, Name};

use super::format::DiskFormat;
use crate::http::{Client, ClientError};

/// The media type of an OVF descriptor (tern's; none is registered).
pub const OVF_XML: &str = "application/ovf+xml";

/// One disk file of the descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFile {
    /// The File's href.
    pub href: String,
    /// The format its Disk declares (or its name says).
    pub format: Option<DiskFormat>,
}

/// A's descriptor: from `/deployments/NAME/` when a deployment is named, falling back to `/`
/// when A answers 404 or 406 (a server without deployment groups); the text and where it came
/// from.
pub async fn export(a: &Client, deployment: Option<&str>) -> Result<(String, String), ClientError> {
    if let Some(name) = deployment {
        let path = format!("/deployments/{name}/");
        let r = a
            .send("GET", &path, OVF_XML, &[], None, true, &[404, 406])
            .await?;
        if r.status < 400 && is_ovf(&r) {
            return Ok((r.text, path));
        }
    }
    let r = a.send("GET", "/", OVF_XML, &[], None, true, &[]).await?;
    if !is_ovf(&r) {
        return Err(ClientError::Rendering {
            url: a.url("/"),
            message: format!(
                "asked for {OVF_XML}, received {}",
                r.content_type.as_deref().unwrap_or("no content type")
            ),
        });
    }
    Ok((r.text, "/".to_owned()))
}

/// The scheme of a tern server's deployment mixins (`…#<name>`, collection
/// `/deployments/<name>/`).
pub const DEPLOYMENT_SCHEME: &str = "http://schemas.tern.dev/occi/deployment#";

/// The names of the deployments a provider lists at `/deployments/` (`text/uri-list`); empty
/// when it has no deployment groups (404, 405, 406).
pub async fn deployments(a: &Client) -> Result<Vec<String>, ClientError> {
    let r = a
        .send(
            "GET",
            "/deployments/",
            "text/uri-list",
            &[],
            None,
            true,
            &[404, 405, 406],
        )
        .await?;
    if r.status >= 400 {
        return Ok(Vec::new());
    }
    Ok(r.text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let path = a.path(l);
            path.strip_prefix("/deployments/")
                .and_then(|n| n.strip_suffix('/'))
                .filter(|n| !n.is_empty() && !n.contains('/'))
                .map(str::to_owned)
        })
        .collect())
}

/// The deployment name an import of `doc` takes when none is given (what a tern server
/// does): the top VirtualSystem(Collection) id lower-cased, other characters `-`.
pub fn implied_name(doc: &tern_ovf::Document) -> String {
    tern_mapping::deployment_name(&tern_ovf::model::Envelope::read(doc))
}

/// A file name that names a data object directly in a deployment's container: the href's
/// last segment, characters CDMI would decode made `-`.
pub fn flat_name(href: &str) -> String {
    let last = href
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        "disk".into()
    } else {
        name
    }
}

fn is_ovf(r: &crate::http::Response) -> bool {
    r.content_type
        .as_deref()
        .is_none_or(|c| c == OVF_XML || c.ends_with("xml"))
        && r.text.contains("Envelope")
}

/// The files the descriptor's Disks refer to, each once, in document order.
pub fn disk_files(doc: &tern_ovf::Document) -> Vec<DiskFile> {
    let envelope = tern_ovf::model::Envelope::read(doc);
    let mut out: Vec<DiskFile> = Vec::new();
    for disk in &envelope.disks {
        let Some(file) = disk.file_ref.as_deref().and_then(|f| envelope.file(f)) else {
            continue;
        };
        let Some(href) = file.href.clone() else {
            continue;
        };
        if out.iter().any(|d| d.href == href) {
            continue;
        }
        let format = disk
            .format
            .as_deref()
            .and_then(DiskFormat::from_ovf_uri)
            .or_else(|| DiskFormat::from_file_name(&href));
        out.push(DiskFile { href, format });
    }
    out
}

/// The data objects at A that may hold a File's bytes, in the order tried: for a deployment's
/// export its container (`/volumes/<name>/<href>`, where its import and its OVA keep them);
/// the href itself when absolute, else under A's volumes container (`/volumes/`, where A's
/// whole-server export resolves relative hrefs); then what the storage made from that disk
/// says (`tern.cdmi.uri`, and the data object backing it, `/volumes/<storage>`: a storage
/// created through OCCI, or one whose disk was never written).
pub fn candidates(
    a: &Client,
    href: &str,
    deployment: Option<&str>,
    collection: &Collection,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = deployment
        && !href.contains("://")
    {
        out.push(a.url(&format!(
            "/volumes/{name}/{}",
            href.trim_start_matches("./")
        )));
    }
    if href.contains("://") {
        out.push(href.to_owned());
    } else {
        out.push(a.url(&format!("/volumes/{}", href.trim_start_matches("./"))));
    }
    for r in collection.resources() {
        // The storage made from this File: it names it (`tern.ovf.disk.file`), or its data
        // object is the href (an export by URL) or ends with it.
        let file = r.entity.attributes.get("tern.ovf.disk.file").map(text);
        let uri = r.entity.attributes.get("tern.cdmi.uri").map(text);
        let names = file.as_deref() == Some(href)
            || uri.as_deref().is_some_and(|u| {
                u == href
                    || (!href.contains("://")
                        && u.ends_with(&format!("/{}", href.trim_start_matches("./"))))
            });
        if !names {
            continue;
        }
        if let Some(uri) = r.entity.attributes.get("tern.cdmi.uri") {
            out.push(a.url(&text(uri)));
        }
        let location = r.entity.location_or_default();
        let last = location
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        out.push(a.url(&format!("/volumes/{last}")));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|u| seen.insert(u.clone()));
    out
}

fn text(v: &tern_model::Value) -> String {
    match v {
        tern_model::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A copy's facts written into the descriptor B receives.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The href B's descriptor gets: the copy's file name in B's deployment container.
    pub href: String,
    /// Its size.
    pub size: u64,
    /// Its format, when it changed.
    pub format: Option<DiskFormat>,
}

/// The descriptor with each File of `placed` (by A's href) pointing at B's data object, its
/// `ovf:size` the copy's, and its Disks' `ovf:format` the new format. Everything else is
/// copied through byte for byte.
// Callers build the map with the default hasher.
#[allow(clippy::implicit_hasher)]
pub fn rewrite(doc: &mut tern_ovf::Document, placed: &HashMap<String, Placed>) {
    let root = doc.root_mut();
    let mut changed_ids: HashMap<String, DiskFormat> = HashMap::new();
    for section in root.elements_mut() {
        if section.name().local.as_str() == "References" {
            {
                for file in section.elements_mut() {
                    if file.name().local.as_str() != "File" {
                        continue;
                    }
                    let Some((href_name, href)) = attribute(file, "href") else {
                        continue;
                    };
                    let Some(p) = placed.get(&href) else {
                        continue;
                    };
                    file.set_attribute(href_name.clone(), p.href.clone());
                    file.set_attribute(sibling(&href_name, "size"), p.size.to_string());
                    if let (Some(f), Some((_, id))) = (p.format, attribute(file, "id")) {
                        changed_ids.insert(id, f);
                    }
                }
            }
        }
    }
    for section in root.elements_mut() {
        if section.name().local.as_str() != "DiskSection" {
            continue;
        }
        for disk in section.elements_mut() {
            if disk.name().local.as_str() != "Disk" {
                continue;
            }
            let Some((name, file)) = attribute(disk, "fileRef") else {
                continue;
            };
            if let Some(format) = changed_ids.get(&file) {
                disk.set_attribute(sibling(&name, "format"), format.ovf_uri());
                // The populated size was the old file's.
                if let Some((populated, _)) = attribute(disk, "populatedSize") {
                    disk.remove_attribute(populated.namespace.as_deref(), "populatedSize");
                }
            }
        }
    }
}

// An attribute by local name: its name and value.
fn attribute(e: &Element, local: &str) -> Option<(Name, String)> {
    e.attributes()
        .iter()
        .find(|a| a.name().local.as_str() == local)
        .map(|a| (a.name().clone(), a.value().to_owned()))
}

// A name in the same namespace and with the same prefix as `like`.
fn sibling(like: &Name, local: &str) -> Name {
    Name::new(
        like.prefix.as_ref().map(tern_ovf::Sym::as_str),
        local,
        like.namespace.as_deref(),
    )
}

/// How B took the descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// B's OVF import created these locations.
    Ovf(Vec<String>),
    /// B has no OVF import (it answered 404, 405, 406 or 415).
    Unsupported(u16),
    /// B has a deployment of that name already (409).
    Exists(String),
}

/// `POST /deployments/<name>/` of the descriptor at B: the deployment `name`, its File hrefs
/// data objects of `/volumes/<name>/`.
pub async fn import(b: &Client, name: &str, descriptor: &str) -> Result<Imported, ClientError> {
    let r = b
        .send(
            "POST",
            &format!("/deployments/{name}/"),
            "text/uri-list, application/json;q=0.5",
            &[],
            Some((descriptor.as_bytes(), OVF_XML)),
            false,
            &[404, 405, 406, 409, 415],
        )
        .await?;
    if r.status == 409 {
        return Ok(Imported::Exists(r.text));
    }
    if r.status >= 400 {
        return Ok(Imported::Unsupported(r.status));
    }
    let locations = r
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| b.path(l))
        .collect();
    Ok(Imported::Ovf(locations))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{DiskFormat, Placed, candidates, disk_files, flat_name, implied_name, rewrite};

    const OVF: &str = r#"<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <!-- kept -->
  <References>
    <File ovf:id="f1" ovf:href="a.vmdk" ovf:size="10"/>
    <File ovf:id="f2" ovf:href="b.vmdk"/>
  </References>
  <DiskSection>
    <Info>Disks</Info>
    <Disk ovf:diskId="d1" ovf:fileRef="f1" ovf:capacity="1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="10"/>
    <Disk ovf:diskId="d2" ovf:fileRef="f2" ovf:capacity="1"/>
  </DiskSection>
</Envelope>
"#;

    #[test]
    fn hrefs_sizes_and_formats_are_rewritten_and_the_rest_is_kept() {
        let mut doc = tern_ovf::Document::parse(OVF.as_bytes()).expect("parsed");
        assert_eq!(
            disk_files(&doc)
                .iter()
                .map(|d| (d.href.as_str(), d.format))
                .collect::<Vec<_>>(),
            [
                ("a.vmdk", Some(DiskFormat::Vmdk)),
                ("b.vmdk", Some(DiskFormat::Vmdk))
            ]
        );
        let placed = HashMap::from([(
            "a.vmdk".to_owned(),
            Placed {
                href: "a.qcow2".into(),
                size: 42,
                format: Some(DiskFormat::Qcow2),
            },
        )]);
        rewrite(&mut doc, &placed);
        let text = String::from_utf8(doc.to_bytes()).expect("UTF-8");
        assert!(
            text.contains(r#"ovf:href="a.qcow2""#) && text.contains(r#"ovf:size="42""#),
            "{text}"
        );
        assert!(text.contains(DiskFormat::Qcow2.ovf_uri()), "{text}");
        assert!(!text.contains("populatedSize=\"10\""), "{text}");
        assert!(
            text.contains(r#"<File ovf:id="f2" ovf:href="b.vmdk"/>"#)
                && text.contains("<!-- kept -->"),
            "{text}"
        );
    }

    #[test]
    fn a_deployment_is_named_as_a_tern_server_names_it() {
        let doc = |id: &str| {
            tern_ovf::Document::parse(
                format!(
                    r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystem ovf:id="{id}"><Info>x</Info></VirtualSystem></Envelope>"#
                )
                .as_bytes(),
            )
            .expect("parsed")
        };
        assert_eq!(implied_name(&doc("Web Server.1")), "web-server-1");
        assert_eq!(implied_name(&doc("-_x")), "x");
        assert_eq!(implied_name(&doc("---")), "deployment");
    }

    #[test]
    fn a_file_name_is_one_segment_cdmi_does_not_decode() {
        assert_eq!(flat_name("hadoop-system.vmdk"), "hadoop-system.vmdk");
        assert_eq!(
            flat_name("http://a/volumes/x/disk 1.vmdk?v=2"),
            "disk-1.vmdk"
        );
        assert_eq!(flat_name("hadoop/system.vmdk"), "system.vmdk");
        assert_eq!(flat_name(".."), "disk");
        assert_eq!(flat_name(""), "disk");
    }

    #[test]
    fn a_deployments_container_is_looked_in_first() {
        let a = crate::http::Client::new(crate::http::Config {
            endpoint: "http://a".into(),
            ..crate::http::Config::default()
        })
        .expect("a client");
        let empty = tern_model::Collection::new();
        assert_eq!(
            candidates(&a, "disk.vmdk", Some("web"), &empty),
            [
                "http://a/volumes/web/disk.vmdk",
                "http://a/volumes/disk.vmdk"
            ]
        );
        assert_eq!(
            candidates(&a, "disk.vmdk", None, &empty),
            ["http://a/volumes/disk.vmdk"]
        );
        assert_eq!(
            candidates(&a, "http://c/disk.vmdk", Some("web"), &empty),
            ["http://c/disk.vmdk"]
        );
        // A storage whose data object is the href: its backing data object last.
        let mut c = tern_model::Collection::new();
        let mut storage = tern_model::Entity::new(
            "s",
            tern_model::CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", "storage"),
        );
        storage.location = Some("/storage/web.s".into());
        storage
            .attributes
            .insert("tern.cdmi.uri", "http://a/volumes/web/disk.vmdk");
        c.push_resource(tern_model::Resource::new(storage))
            .expect("pushed");
        assert_eq!(
            candidates(&a, "http://a/volumes/web/disk.vmdk", None, &c),
            ["http://a/volumes/web/disk.vmdk", "http://a/volumes/web.s"]
        );
    }
}

//! Discovery (the query interface) and extraction of the runtime model: every Kind's
//! collection, paged, and every entity with its links and mixins.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tern_model::{Catalogue, CategoryId, Collection, Link, Mixin, OcciVersion, Resource};
use tern_occi::{Document, MediaType, ParseOptions};
use tokio::sync::Semaphore;

use crate::http::{Client, ClientError, Response};

/// The paths of the query interface, in the order tried.
const QUERY_INTERFACE: [&str; 2] = ["/.well-known/org/ogf/occi/-/", "/-/"];

/// What the query interface says.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The OCCI version the server speaks (from `Server: … OCCI/1.1`; 1.2 otherwise).
    pub version: OcciVersion,
    /// The server's catalogue: OCCI Infrastructure of that version plus the mixins it lists.
    pub catalogue: Catalogue,
    /// Every Kind with a collection, and its location (a path).
    pub collections: Vec<(CategoryId, String)>,
    /// The mixins the server knows.
    pub mixins: HashSet<CategoryId>,
    /// The rendering used from now on.
    pub media: MediaType,
}

/// The runtime model.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// What the server said about itself.
    pub discovery: Discovery,
    /// Every resource with its links, and the links whose source is no resource read.
    pub collection: Collection,
    /// The definitions of the mixins the entities use that are not OCCI Infrastructure's
    /// (user mixins such as ovf2occi's templates), with the ones they depend on,
    /// dependencies first: written beside the entities, they let the collection be applied
    /// to another server.
    pub mixins: Vec<Mixin>,
}

/// Reads the query interface: the well-known path first, then `/-/`.
pub async fn discover(client: &Client) -> Result<Discovery, ClientError> {
    let mut last = None;
    for path in QUERY_INTERFACE {
        match client.call("GET", path, None, true, &[]).await {
            Ok(r) => return discovery(client, path, &r),
            Err(
                e @ ClientError::Status {
                    status: 404..=406, ..
                },
            ) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| ClientError::Setup("no query interface".into())))
}

fn discovery(client: &Client, path: &str, r: &Response) -> Result<Discovery, ClientError> {
    let version = match &r.server {
        Some(s) if s.contains("OCCI/1.1") => OcciVersion::V1_1,
        _ => OcciVersion::V1_2,
    };
    let media = match client.media() {
        Some(m) => m,
        None => match r.media() {
            m if m.is_json() => MediaType::OcciJson,
            _ => MediaType::TextPlain,
        },
    };
    client.set_media(media);
    let mut catalogue = Catalogue::infrastructure(version);
    let doc = read(client, path, r, &catalogue)?;
    let Document::Listing(listing) = doc else {
        return Err(ClientError::Rendering {
            url: client.url(path),
            message: format!(
                "expected the query interface, found a {}",
                doc.composition()
            ),
        });
    };
    let mut collections = Vec::new();
    for kind in &listing.kinds {
        if let Some(location) = &kind.location {
            collections.push((kind.id.clone(), client.path(location)));
        }
        if catalogue.kind(&kind.id).is_none() {
            // A provider's own Kind: adding it can only fail for a clash, which is harmless.
            let _ = catalogue.add_kind(kind.clone());
        }
    }
    let mut mixins = HashSet::new();
    for mixin in &listing.mixins {
        mixins.insert(mixin.id.clone());
        if catalogue.mixin(&mixin.id).is_none() {
            let _ = catalogue.add_mixin(mixin.clone());
        }
    }
    Ok(Discovery {
        version,
        catalogue,
        collections,
        mixins,
        media,
    })
}

// A response as one OCCI document.
fn read(
    client: &Client,
    path: &str,
    r: &Response,
    catalogue: &Catalogue,
) -> Result<Document, ClientError> {
    let media = r.media();
    tern_occi::read(&r.text, media, &ParseOptions::lenient(), catalogue)
        .map(|p| p.value)
        .map_err(|e| ClientError::Rendering {
            url: client.url(path),
            message: e
                .into_findings()
                .into_iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })
}

/// Every page of the collection at `location` (`?page=N&number=SIZE`, GFD.223's paging), each
/// one OCCI document: a listing, locations, or a single entity. Stops at a short page, or
/// when a server that ignores paging repeats its page; a 404 is an empty collection.
pub(crate) async fn pages(
    client: &Client,
    location: &str,
    catalogue: &Catalogue,
) -> Result<Vec<Document>, ClientError> {
    let page_size = client.page_size();
    let mut out = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    let mut page = 1;
    loop {
        let sep = if location.contains('?') { '&' } else { '?' };
        let path = format!("{location}{sep}page={page}&number={page_size}");
        let r = client.call("GET", &path, None, true, &[404]).await?;
        if r.status == 404 {
            return Ok(out);
        }
        let doc = read(client, &path, &r, catalogue)?;
        let listed: Vec<String> = match &doc {
            Document::Listing(l) => l
                .resources
                .iter()
                .map(|r| r.entity.location_or_default())
                .chain(l.links.iter().map(|l| l.entity.location_or_default()))
                .collect(),
            Document::Locations(ls) => ls.iter().map(|l| client.path(l)).collect(),
            Document::Resource(_) | Document::Link(_) => Vec::new(),
            other => {
                return Err(ClientError::Rendering {
                    url: client.url(&path),
                    message: format!("expected a collection, found a {}", other.composition()),
                });
            }
        };
        out.push(doc);
        if listed.len() < page_size || listed == previous {
            return Ok(out);
        }
        previous = listed;
        page += 1;
    }
}

/// Discovers the server and reads every entity: each Kind's collection page by page (full
/// renderings in JSON; locations then one GET per entity, `parallel` at a time, in the text
/// renderings), links with their own categories and mixins.
pub async fn extract(client: &Client, parallel: usize) -> Result<Extracted, ClientError> {
    extract_in(client, parallel, None).await
}

/// [`extract`], with `Some(collection)` only the members of that collection (a mixin's, say
/// a deployment's `/deployments/NAME/`: resources and links alike).
pub async fn extract_in(
    client: &Client,
    parallel: usize,
    only: Option<&str>,
) -> Result<Extracted, ClientError> {
    let discovery = discover(client).await?;
    let catalogue = discovery.catalogue.clone();
    let mut resources: Vec<Resource> = Vec::new();
    let mut links: HashMap<String, Link> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending: Vec<String> = Vec::new();
    let collections: Vec<String> = match only {
        Some(c) => vec![c.to_owned()],
        None => discovery
            .collections
            .iter()
            .map(|(_, l)| l.clone())
            .collect(),
    };
    // Links first in the catalogue order does not matter: everything is keyed by location.
    for location in &collections {
        for page in pages(client, location, &catalogue).await? {
            match page {
                // The JSON rendering has no member for a location its id does not imply
                // (`urn:…` ids at `/compute/web.a`): such a collection's entities are read
                // one by one from its list of locations instead.
                Document::Listing(l) if !locates(&l) => {
                    for p in uri_list(client, location).await? {
                        if seen.insert(p.clone()) {
                            pending.push(p);
                        }
                    }
                    break;
                }
                Document::Listing(l) => {
                    for res in l.resources {
                        let res = normalise_resource(client, res);
                        if seen.insert(res.entity.location_or_default()) {
                            resources.push(res);
                        }
                    }
                    for link in l.links {
                        let link = normalise_link(client, link);
                        links.insert(link.entity.location_or_default(), link);
                    }
                }
                Document::Locations(ls) => {
                    for l in ls {
                        let p = client.path(&l);
                        if seen.insert(p.clone()) {
                            pending.push(p);
                        }
                    }
                }
                Document::Resource(res) => {
                    let res = normalise_resource(client, res);
                    if seen.insert(res.entity.location_or_default()) {
                        resources.push(res);
                    }
                }
                Document::Link(link) => {
                    let link = normalise_link(client, link);
                    links.insert(link.entity.location_or_default(), link);
                }
                _ => {}
            }
        }
    }
    read_entities(
        client,
        &catalogue,
        pending,
        parallel,
        &mut resources,
        &mut links,
    )
    .await?;
    let collection = assemble(resources, links);
    let mixins = user_mixins(&discovery, &collection);
    Ok(Extracted {
        discovery,
        collection,
        mixins,
    })
}

/// The mixins of `collection`'s entities that the standard catalogue of the server's version
/// lacks, with what they depend on (dependencies first), as the server defines them.
fn user_mixins(discovery: &Discovery, collection: &Collection) -> Vec<Mixin> {
    let standard = Catalogue::infrastructure(discovery.version);
    let mut used: Vec<&CategoryId> = Vec::new();
    for r in collection.resources() {
        used.extend(r.entity.mixins.iter());
        for l in &r.links {
            used.extend(l.entity.mixins.iter());
        }
    }
    for l in collection.standalone_links() {
        used.extend(l.entity.mixins.iter());
    }
    let mut out: Vec<Mixin> = Vec::new();
    for id in used {
        add_user_mixin(id, &discovery.catalogue, &standard, &mut out);
    }
    out
}

// Post-order (dependencies first); a cycle ends at a mixin already taken.
fn add_user_mixin(
    id: &CategoryId,
    catalogue: &Catalogue,
    standard: &Catalogue,
    out: &mut Vec<Mixin>,
) {
    if standard.mixin(id).is_some() || out.iter().any(|m| &m.id == id) {
        return;
    }
    let Some(m) = catalogue.mixin(id) else {
        return;
    };
    out.push(m.clone());
    let at = out.len() - 1;
    for d in &m.depends {
        add_user_mixin(d, catalogue, standard, out);
    }
    let me = out.remove(at);
    out.push(me);
}

// Whether every entity of a listing has a known location (given, or implied by its id).
fn locates(l: &tern_occi::Listing) -> bool {
    let known = |e: &tern_model::Entity| e.location.is_some() || e.implied_location().is_some();
    l.resources
        .iter()
        .all(|r| known(&r.entity) && r.links.iter().all(|l| known(&l.entity)))
        && l.links.iter().all(|l| known(&l.entity))
}

// The locations of a collection's members, every page of its `text/uri-list` rendering.
async fn uri_list(client: &Client, location: &str) -> Result<Vec<String>, ClientError> {
    let page_size = client.page_size();
    let mut out: Vec<String> = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    let mut page = 1;
    loop {
        let sep = if location.contains('?') { '&' } else { '?' };
        let path = format!("{location}{sep}page={page}&number={page_size}");
        let r = client
            .send("GET", &path, "text/uri-list", &[], None, true, &[404])
            .await?;
        if r.status == 404 {
            return Ok(out);
        }
        let listed: Vec<String> = r
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| member_path(client, l))
            .collect();
        if listed.is_empty() || listed == previous {
            return Ok(out);
        }
        out.extend(listed.iter().cloned());
        if listed.len() < page_size {
            return Ok(out);
        }
        previous = listed;
        page += 1;
    }
}

// A member of a collection as a path of the endpoint: a server behind a proxy or another
// name renders its own base URL, but its collection's members are served where it is.
fn member_path(client: &Client, location: &str) -> String {
    let p = client.path(location);
    match p.split_once("://") {
        Some((_, rest)) if !p.starts_with('/') => rest
            .find('/')
            .map_or_else(|| "/".to_owned(), |i| rest[i..].to_owned()),
        _ => p,
    }
}

// The text renderings list locations: each entity is read on its own, `parallel` at a time.
async fn read_entities(
    client: &Client,
    catalogue: &Catalogue,
    pending: Vec<String>,
    parallel: usize,
    resources: &mut Vec<Resource>,
    links: &mut HashMap<String, Link>,
) -> Result<(), ClientError> {
    let limit = Arc::new(Semaphore::new(parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for p in pending {
        let client = client.clone();
        let catalogue = catalogue.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let r = client.call("GET", &p, None, true, &[404]).await?;
            if r.status == 404 {
                // Deleted between the listing and the read.
                return Ok(None);
            }
            read(&client, &p, &r, &catalogue).map(|d| Some((p, d)))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let read = joined.map_err(|e| ClientError::Setup(format!("task: {e}")))??;
        match read {
            Some((at, Document::Resource(mut res))) => {
                if res.entity.location.is_none() {
                    res.entity.location = Some(at);
                }
                resources.push(normalise_resource(client, res));
            }
            Some((at, Document::Link(mut link))) => {
                if link.entity.location.is_none() {
                    link.entity.location = Some(at.clone());
                }
                links.insert(at, normalise_link(client, link));
            }
            _ => {}
        }
    }
    Ok(())
}

// The resources in location order, each link (the full rendering read on its own when
// there is one) under its source; links whose source is no resource read stand alone.
fn assemble(mut resources: Vec<Resource>, mut links: HashMap<String, Link>) -> Collection {
    resources.sort_by_key(|r| r.entity.location_or_default());
    let mut collection = Collection::new();
    let sources: HashSet<String> = resources
        .iter()
        .map(|r| r.entity.location_or_default())
        .collect();
    for mut res in resources {
        let at = res.entity.location_or_default();
        let mut kept: Vec<Link> = Vec::new();
        for link in res.links.drain(..) {
            let l = link.entity.location_or_default();
            // A link rendered inline without its location (JSON): the one read on its own
            // with the same id and source.
            let same = || {
                links
                    .iter()
                    .find(|(_, o)| o.entity.id == link.entity.id && o.source.location == at)
                    .map(|(k, _)| k.clone())
            };
            let key = if links.contains_key(&l) || link.entity.location.is_some() {
                Some(l)
            } else {
                same()
            };
            kept.push(key.and_then(|k| links.remove(&k)).unwrap_or(link));
        }
        let mut own: Vec<String> = links
            .iter()
            .filter(|(_, l)| l.source.location == at)
            .map(|(k, _)| k.clone())
            .collect();
        own.sort();
        for k in own {
            if let Some(l) = links.remove(&k) {
                kept.push(l);
            }
        }
        kept.sort_by_key(|l| l.entity.location_or_default());
        res.links = kept;
        // Locations are unique (`seen` kept one resource per location), ids need not be:
        // two deployments of one descriptor share them. A repeated id gives way to its
        // location's last segment (unique in its kind's collection), as a tern server's
        // whole-server OVF export does.
        if collection.resource(&res.entity.id).is_some()
            && let Some(segment) = tern_model::Entity::id_from_location(&at)
        {
            segment.clone_into(&mut res.entity.id);
        }
        let _ = collection.push_resource(res);
    }
    let mut rest: Vec<Link> = links.into_values().collect();
    rest.sort_by_key(|l| l.entity.location_or_default());
    for l in rest {
        if sources.contains(&l.source.location) {
            continue;
        }
        collection.push_link(l);
    }
    collection
}

// Locations as paths of the endpoint (servers render absolute URLs).
fn normalise_resource(client: &Client, mut res: Resource) -> Resource {
    if let Some(l) = &res.entity.location {
        res.entity.location = Some(client.path(l));
    }
    res.links = res
        .links
        .into_iter()
        .map(|l| normalise_link(client, l))
        .collect();
    res
}

fn normalise_link(client: &Client, mut link: Link) -> Link {
    if let Some(l) = &link.entity.location {
        link.entity.location = Some(client.path(l));
    }
    link.source.location = client.path(&link.source.location);
    link.target.location = client.path(&link.target.location);
    link
}

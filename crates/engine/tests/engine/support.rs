//! Test support: loading the A–E samples, deriving their variants, judging a matching.

use tern_model::{Catalogue, Collection, Entity, OcciVersion};
use tern_occi::{MediaType, ParseOptions};

/// The five topologies of Erbel et al., Table 1, by letter.
pub const TOPOLOGIES: [(&str, &str); 5] = [
    ("A", "a-db-server"),
    ("B", "b-web-server"),
    ("C", "c-web-server-storage"),
    ("D", "d-web-server-network"),
    ("E", "e-web-server-network-storage"),
];

/// Topology `letter` (A–E) from `samples/topologies/`.
pub fn topology(letter: &str) -> Collection {
    let (_, file) = TOPOLOGIES
        .iter()
        .find(|(l, _)| *l == letter)
        .expect("letter A–E");
    let path = tern_testkit::repo_root()
        .join("samples/topologies")
        .join(format!("{file}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_collection(&text)
}

/// A variant of `c`: every resource id replaced (`ids_changed`), titles removed (`!titled`).
/// Link ends follow the new ids; link ids are replaced too.
pub fn variant(c: &Collection, ids_changed: bool, titled: bool) -> Collection {
    let rename = |id: &str| {
        if ids_changed {
            format!("t-{id}")
        } else {
            id.to_owned()
        }
    };
    let relocate = |loc: &str| match loc.rsplit_once('/') {
        Some((dir, id)) => format!("{dir}/{}", rename(id)),
        None => rename(loc),
    };
    let mut out = Collection::new();
    for r in c.resources() {
        let mut r = r.clone();
        r.entity.id = rename(&r.entity.id);
        if !titled {
            r.entity.title = None;
        }
        for l in &mut r.links {
            l.entity.id = rename(&l.entity.id);
            l.source.location = relocate(&l.source.location);
            l.target.location = relocate(&l.target.location);
        }
        out.push_resource(r).expect("unique ids");
    }
    out
}

/// The original id of a (possibly renamed) resource.
pub fn original_id(id: &str) -> &str {
    id.strip_prefix("t-").unwrap_or(id)
}

/// Reads an `application/occi+json` entity collection through tern-occi's one collection
/// reader (strict grammar, no warning allowed).
pub fn read_collection(text: &str) -> Collection {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let source = tern_occi::Source::new("sample", text, Some(MediaType::OcciJson));
    let parsed = tern_occi::read_collection(&source, &ParseOptions::strict(), &catalogue)
        .unwrap_or_else(|e| panic!("sample does not parse: {:?}", e.findings()));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    parsed.value.collection
}

/// How a resource matching compares with the truth (resources with the same original id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// True pairs found.
    pub correct: usize,
    /// Resources present in both.
    pub present: usize,
    /// Pairs that are not true.
    pub wrong: usize,
}

impl Verdict {
    /// Every true pair found and no wrong one.
    pub fn ok(self) -> bool {
        self.correct == self.present && self.wrong == 0
    }
}

/// Judges `pairs` (runtime id, target id).
pub fn judge(runtime: &Collection, target: &Collection, pairs: &[(String, String)]) -> Verdict {
    let present = runtime
        .resources()
        .iter()
        .filter(|r| {
            target
                .resources()
                .iter()
                .any(|t| original_id(&t.entity.id) == original_id(&r.entity.id))
        })
        .count();
    let mut correct = 0;
    let mut wrong = 0;
    for (r, t) in pairs {
        if original_id(r) == original_id(t) {
            correct += 1;
        } else {
            wrong += 1;
        }
    }
    Verdict {
        correct,
        present,
        wrong,
    }
}

/// A collection's shape without identities: per resource its kind, mixins, title and
/// attributes, with its outgoing links (kind, attributes, and the description of the
/// resource they reach), as a sorted list. Two collections with the same shape are the same
/// topology up to identifiers and locations.
pub fn shape(c: &Collection) -> Vec<String> {
    let describe = |e: &Entity| {
        let mut mixins: Vec<String> = e.mixins.iter().map(ToString::to_string).collect();
        mixins.sort();
        let mut attributes: Vec<String> = e
            .attributes
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        attributes.sort();
        format!(
            "{}|{}|{:?}|{}",
            e.kind,
            mixins.join(","),
            e.title,
            attributes.join(",")
        )
    };
    let index = tern_engine::Topology::new(c);
    let mut out: Vec<String> = (0..index.resources().len())
        .map(|i| {
            let mut links: Vec<String> = index
                .outgoing(i)
                .iter()
                .map(|&l| {
                    let link = index.link(l);
                    let end = link.target.map_or_else(
                        || link.link.target.location.clone(),
                        |t| describe(&index.resource(t).entity),
                    );
                    format!("{} -> {end}", describe(&link.link.entity))
                })
                .collect();
            links.sort();
            format!(
                "{} [{}]",
                describe(&index.resource(i).entity),
                links.join("; ")
            )
        })
        .collect();
    out.sort();
    out
}

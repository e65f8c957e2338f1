//! Entities to and from store records: the canonical OCCI JSON rendering of tern-occi.

use tern_model::{Entity, Link, Resource};
use tern_occi::{Document, MediaType, read, write};
use tern_store::Record;

use super::{Ctx, Fail, Outcome};
use crate::render::Reply;

/// A stored entity.
#[derive(Debug, Clone)]
pub(crate) enum Stored {
    /// A resource, without its links (stored on their own).
    Resource(Resource),
    /// A link.
    Link(Link),
}

impl Stored {
    pub fn entity(&self) -> &Entity {
        match self {
            Stored::Resource(r) => &r.entity,
            Stored::Link(l) => &l.entity,
        }
    }

    pub fn entity_mut(&mut self) -> &mut Entity {
        match self {
            Stored::Resource(r) => &mut r.entity,
            Stored::Link(l) => &mut l.entity,
        }
    }

    pub fn location(&self) -> String {
        self.entity().location_or_default()
    }

    /// The record: the JSON rendering (a resource without its links) and its columns.
    pub fn to_record(&self) -> Record {
        let (doc, source, target) = match self {
            Stored::Resource(r) => {
                let mut bare = r.clone();
                bare.links.clear();
                (Document::Resource(bare), None, None)
            }
            Stored::Link(l) => (
                Document::Link(l.clone()),
                Some(l.source.location.clone()),
                Some(l.target.location.clone()),
            ),
        };
        let e = self.entity();
        Record {
            location: self.location(),
            kind: e.kind.to_string(),
            mixins: e.mixins.iter().map(ToString::to_string).collect(),
            source,
            target,
            body: write(&doc, MediaType::OcciJson).text,
        }
    }

    /// The entity a record holds (500 when the store holds something unreadable).
    pub fn from_record(ctx: &Ctx, record: &Record) -> Outcome<Stored> {
        let doc = read(
            &record.body,
            MediaType::OcciJson,
            &ctx.options,
            &ctx.catalogue,
        )
        .map_err(|e| {
            Fail::Reply(Reply::findings(
                500,
                &format!("the stored entity {} cannot be read:", record.location),
                e.findings(),
            ))
        })?
        .value;
        let mut stored = match doc {
            Document::Resource(r) => Stored::Resource(r),
            Document::Link(l) => Stored::Link(l),
            other => {
                return Err(Fail::Reply(Reply::error(
                    500,
                    format!(
                        "the store holds a {} at {}",
                        other.composition(),
                        record.location
                    ),
                )));
            }
        };
        stored.entity_mut().location = Some(record.location.clone());
        Ok(stored)
    }
}

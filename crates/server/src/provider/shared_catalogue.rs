//! The catalogue when several instances share the store: user mixins another instance
//! defined or removed since are seen by the next request here.
//!
//! Each request's transaction reads the user mixins' rows (a small table) and compares them
//! with those the cached catalogue was built from; only a difference rebuilds it. The
//! request then works with the catalogue of the state it reads, in the same transaction.

use std::sync::{Arc, Mutex, PoisonError};

use tern_model::Catalogue;
use tern_store::{MixinRecord, StoreError, Transaction};

use super::Ctx;

/// The catalogue built from the user mixins last read.
#[derive(Clone)]
pub(crate) struct SharedCatalogue {
    cached: Arc<Mutex<(Vec<MixinRecord>, Arc<Catalogue>)>>,
}

impl SharedCatalogue {
    /// Starts from `catalogue`, built from the mixins the store holds now.
    pub(crate) fn new(catalogue: Arc<Catalogue>) -> Self {
        SharedCatalogue {
            // No rows known: the first request reads them and rebuilds once.
            cached: Arc::new(Mutex::new((vec![fake_row()], catalogue))),
        }
    }

    /// The catalogue last built.
    pub(crate) fn current(&self) -> Arc<Catalogue> {
        Arc::clone(&self.cached.lock().unwrap_or_else(PoisonError::into_inner).1)
    }

    /// Gives `ctx` the catalogue of the user mixins `tx` sees.
    pub(crate) fn refresh(
        &self,
        tx: &mut dyn Transaction,
        ctx: &mut Ctx,
    ) -> Result<(), StoreError> {
        let rows = tx.mixins()?;
        {
            let cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
            if cached.0 == rows {
                ctx.catalogue = Arc::clone(&cached.1);
                return Ok(());
            }
        }
        let fresh = Arc::new(super::query::load_catalogue(ctx.version, &ctx.options, tx)?);
        ctx.catalogue = Arc::clone(&fresh);
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = (rows, fresh);
        Ok(())
    }
}

// A row no store holds (an empty id), so that the first comparison rebuilds.
fn fake_row() -> MixinRecord {
    MixinRecord {
        id: String::new(),
        location: String::new(),
        body: String::new(),
    }
}

//! What the deployments' OVA import and export (`crate::provider`) use of the CDMI side: its
//! blob store, its object size limit and its enterprise number. (A file of its own so that the
//! CDMI operations stay as they are.)

use std::sync::Arc;

use tern_store::BlobStore;

use super::Cdmi;

impl Cdmi {
    /// The blob store values live in.
    pub(crate) fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    /// The largest value a data object may hold.
    pub(crate) fn object_limit(&self) -> u64 {
        self.object_limit
    }
}

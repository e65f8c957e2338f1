//! The names in the root container, as other instances change them.
//!
//! Requests are routed to CDMI by their first path segment when it names a container of the
//! root ([`Cdmi::claims`]), a set each instance keeps in memory. Another instance sharing
//! the store may have created one since: a segment neither known nor OCCI's is looked up in
//! the store before routing.

use std::sync::PoisonError;

use super::Cdmi;
use super::names::CdmiPath;

impl Cdmi {
    /// Learns whether the first segment of `path` is a container of the root that another
    /// instance created (`occi_segment`: whether it is one of OCCI's locations).
    pub(crate) async fn learn_top(&self, path: &str, occi_segment: impl Fn(&str) -> bool) {
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        if first.is_empty() || occi_segment(first) {
            return;
        }
        let Some(name) = CdmiPath::parse(&format!("/{first}"))
            .ok()
            .and_then(|p| p.segments.first().cloned())
        else {
            return;
        };
        if self
            .top
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&name)
        {
            return;
        }
        let key = format!("/{name}/");
        let found = tern_store::read(self.store.as_ref(), move |tx| {
            Ok(tx.cdmi_get(&key)?.is_some())
        })
        .await;
        if matches!(found, Ok(true)) {
            self.top
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(name);
        }
    }
}

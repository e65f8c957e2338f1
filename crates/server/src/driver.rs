//! The hypervisor side of the provider.
//!
//! The HTTP layer and the store know nothing of machines: when a resource is created, an
//! action is invoked or a resource deleted, the provider asks its [`Driver`] to do it and
//! records the outcome. A libvirt or OpenStack driver implements the same trait (mapping
//! `occi.compute.cores`/`memory` to a domain or flavor, `start`/`stop` to the API's
//! calls) and is handed to [`Provider::open`](crate::Provider::open); nothing else changes.
//!
//! Drivers are called inside the request's store transaction, from a blocking thread: a
//! call may block (a remote API), and an error rolls the request back.

use tern_model::{Attributes, CategoryId, Entity};

/// What a hypervisor (or a simulation of one) does for the provider.
pub trait Driver: Send + Sync {
    /// A new resource or link is about to be stored: create it on the hypervisor and set
    /// the attributes the provider assigns (a NIC's MAC, a storage link's device id, the
    /// hostname it got). The state attribute is set by the provider before the call.
    fn provision(&self, entity: &mut Entity) -> Result<(), DriverError>;

    /// Carries out `action` with `parameters` on `entity`, whose state machine goes to
    /// `target` when it succeeds.
    fn perform(
        &self,
        entity: &Entity,
        action: &CategoryId,
        parameters: &Attributes,
        target: &str,
    ) -> Result<(), DriverError>;

    /// The entity is being deleted: release what it holds.
    fn release(&self, entity: &Entity) -> Result<(), DriverError>;
}

/// A driver failure, reported to the client as `502 Bad Gateway` with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("driver: {0}")]
pub struct DriverError(pub String);

/// The default driver: no hypervisor. Actions succeed (the provider moves the state
/// machine); a NIC gets a random locally administered MAC, a storage link a device id
/// (`vd` + a letter), nothing else is invented.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulatedDriver;

impl Driver for SimulatedDriver {
    fn provision(&self, entity: &mut Entity) -> Result<(), DriverError> {
        match entity.kind.term() {
            "networkinterface" if entity.attributes.get("occi.networkinterface.mac").is_none() => {
                let mac = crate::ids::mac().map_err(DriverError)?;
                entity.attributes.insert("occi.networkinterface.mac", mac);
            }
            "storagelink" if entity.attributes.get("occi.storagelink.deviceid").is_none() => {
                entity.attributes.insert("occi.storagelink.deviceid", "vdb");
            }
            _ => {}
        }
        Ok(())
    }

    fn perform(
        &self,
        _entity: &Entity,
        _action: &CategoryId,
        _parameters: &Attributes,
        _target: &str,
    ) -> Result<(), DriverError> {
        Ok(())
    }

    fn release(&self, _entity: &Entity) -> Result<(), DriverError> {
        Ok(())
    }
}

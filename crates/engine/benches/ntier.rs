//! An n-tier topology generator with seeded random edits, shared by the benchmark and the
//! property tests (`#[path]`-included there). Web, application and database tiers of VMs on
//! front and back networks (one back network per segment of 400 VMs), each database VM with
//! its own volume; edits: scale out, scale in, resize, attach and detach storage, stop,
//! start, rename ids. [`edit_script`] also counts the calls the edits themselves take.

#![allow(dead_code)] // Each includer uses a different part.
#![allow(clippy::missing_panics_doc)] // Generated ids are unique by construction.

use std::collections::HashMap;

use tern_model::{CategoryId, Collection, Entity, Link, Resource, Value};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

/// A small deterministic generator (`SplitMix64`), so runs are reproducible from a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// How the generated VMs look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replicas {
    /// Every VM has its own hostname and title.
    Named,
    /// VMs of a tier are identical (no title, same hostname): symmetric replicas.
    Identical,
}

/// The edit kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// A copy of a VM (interfaces only) joins.
    ScaleOut,
    /// A VM (and its volumes) goes.
    ScaleIn,
    /// A VM's memory doubles.
    Resize,
    /// A new volume is attached to a VM.
    AttachStorage,
    /// A VM is stopped.
    Stop,
    /// A stopped VM is started (nothing when none is stopped).
    Start,
    /// A VM's storage link goes; the volume stays (nothing when no VM has one).
    DetachStorage,
}

/// Every edit kind.
pub const EDITS: [Edit; 7] = [
    Edit::ScaleOut,
    Edit::ScaleIn,
    Edit::Resize,
    Edit::AttachStorage,
    Edit::Stop,
    Edit::Start,
    Edit::DetachStorage,
];

/// A target made by random edits, with what they cost.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The target topology.
    pub target: Collection,
    /// For every target resource that existed at runtime, its runtime id (the truth).
    pub truth: HashMap<String, String>,
    /// The OCCI calls the edits take one by one (a scale-out: the VM and its interfaces; a
    /// scale-in: the VM, its links and its volumes; a resize: one update; a stop or start:
    /// one action; an attach: the volume and the link; a detach: the link).
    pub calls: usize,
    /// Runtime ids of the computes the edits deleted.
    pub deleted_computes: Vec<String>,
}

fn kind(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

/// A generated topology of about `size` resources.
pub fn generate(size: usize, replicas: Replicas, seed: u64) -> Collection {
    let mut rng = Rng::new(seed);
    let mut b = Builder::default();
    let vms = (size.saturating_sub(2) * 10 / 12).max(1);
    let segments = vms.div_ceil(400);
    b.network("front");
    for s in 0..segments {
        b.network(&format!("back-{s}"));
    }
    for i in 0..vms {
        let tier = match rng.below(10) {
            0..=3 => "web",
            4..=7 => "app",
            _ => "db",
        };
        let segment = i / 400;
        b.vm(tier, i, segment, replicas);
    }
    b.finish()
}

/// Applies `count` random edits to a copy of `runtime`; returns the target and, for every
/// target resource that existed at runtime, its runtime id (the truth).
pub fn edit(
    runtime: &Collection,
    count: usize,
    rename: bool,
    seed: u64,
) -> (Collection, HashMap<String, String>) {
    let e = edit_script(runtime, count, rename, seed);
    (e.target, e.truth)
}

/// [`edit`], with the calls the edits take and the computes they delete.
// One arm per edit kind, each counting its calls beside what it changes: read together.
#[allow(clippy::too_many_lines)]
pub fn edit_script(runtime: &Collection, count: usize, rename: bool, seed: u64) -> Edited {
    let originals: std::collections::HashSet<String> = runtime
        .resources()
        .iter()
        .map(|r| r.entity.id.clone())
        .collect();
    let mut calls = 0usize;
    let mut deleted_computes = Vec::new();
    let mut rng = Rng::new(seed ^ 0x5EED);
    let mut resources: Vec<Resource> = runtime.resources().to_vec();
    let mut truth: HashMap<String, String> = resources
        .iter()
        .map(|r| (r.entity.id.clone(), r.entity.id.clone()))
        .collect();
    let mut fresh = 0usize;
    for _ in 0..count {
        let vms: Vec<usize> = (0..resources.len())
            .filter(|&i| resources[i].entity.kind.term() == "compute")
            .collect();
        if vms.is_empty() {
            break;
        }
        let vm = vms[rng.below(vms.len())];
        match EDITS[rng.below(EDITS.len())] {
            Edit::ScaleOut => {
                let mut copy = resources[vm].clone();
                fresh += 1;
                let id = format!("{}-out{fresh}", copy.entity.id);
                if copy.entity.title.is_some() {
                    copy.entity.title = Some(format!("scaled-{fresh}"));
                    copy.entity
                        .attributes
                        .insert("occi.compute.hostname", format!("scaled-{fresh}"));
                }
                copy.entity.id.clone_from(&id);
                let source = copy.entity.location_or_default();
                // Keep only network interfaces: the copy gets no volume of its own.
                copy.links
                    .retain(|l| l.entity.kind.term() == "networkinterface");
                for (j, l) in copy.links.iter_mut().enumerate() {
                    l.entity.id = format!("{id}-nic{j}");
                    l.source.location.clone_from(&source);
                }
                calls += 1 + copy.links.len();
                resources.push(copy);
            }
            Edit::ScaleIn => {
                let gone = resources.remove(vm);
                truth.remove(&gone.entity.id);
                calls += 1 + gone.links.len();
                if originals.contains(&gone.entity.id) {
                    deleted_computes.push(gone.entity.id.clone());
                }
                // Its private volumes go too; nobody else links to them.
                let volumes: Vec<String> = gone
                    .links
                    .iter()
                    .filter(|l| l.entity.kind.term() == "storagelink")
                    .map(|l| l.target.location.clone())
                    .collect();
                resources.retain(|r| {
                    let keep = !volumes.contains(&r.entity.location_or_default());
                    if !keep {
                        truth.remove(&r.entity.id);
                        calls += 1;
                    }
                    keep
                });
            }
            Edit::Resize => {
                let e = &mut resources[vm].entity;
                let memory = e
                    .attributes
                    .get("occi.compute.memory")
                    .map_or(4096, |v| v.to_string().parse().unwrap_or(4096));
                e.attributes
                    .insert("occi.compute.memory", i64::from(memory) * 2);
                calls += 1;
            }
            Edit::AttachStorage => {
                fresh += 1;
                let mut volume = Entity::new(format!("vol-extra-{fresh}-{seed}"), kind("storage"));
                if resources[vm].entity.title.is_some() {
                    volume.title = Some(format!("extra-{fresh}"));
                }
                volume.attributes.insert("occi.storage.size", 50i64);
                volume.attributes.insert("occi.storage.state", "online");
                let target = volume.location_or_default();
                let source = resources[vm].entity.location_or_default();
                let mut link = Entity::new(format!("sl-extra-{fresh}-{seed}"), kind("storagelink"));
                link.attributes
                    .insert("occi.storagelink.deviceid", format!("/dev/vd{fresh}"));
                resources[vm].links.push(Link::new(link, source, target));
                resources.push(Resource::new(volume));
                calls += 2;
            }
            Edit::Stop => {
                resources[vm]
                    .entity
                    .attributes
                    .insert("occi.compute.state", "inactive");
                calls += 1;
            }
            Edit::Start => {
                let stopped: Vec<usize> = vms
                    .iter()
                    .copied()
                    .filter(|&i| {
                        resources[i]
                            .entity
                            .attributes
                            .get("occi.compute.state")
                            .is_some_and(|s| matches!(s, Value::String(s) if s == "inactive"))
                    })
                    .collect();
                if !stopped.is_empty() {
                    let vm = stopped[rng.below(stopped.len())];
                    resources[vm]
                        .entity
                        .attributes
                        .insert("occi.compute.state", "active");
                    calls += 1;
                }
            }
            Edit::DetachStorage => {
                let attached: Vec<(usize, usize)> = vms
                    .iter()
                    .flat_map(|&i| {
                        resources[i]
                            .links
                            .iter()
                            .enumerate()
                            .filter(|(_, l)| l.entity.kind.term() == "storagelink")
                            .map(move |(j, _)| (i, j))
                    })
                    .collect();
                if !attached.is_empty() {
                    let (vm, link) = attached[rng.below(attached.len())];
                    resources[vm].links.remove(link);
                    calls += 1;
                }
            }
        }
    }
    if rename {
        rename_all(&mut resources, &mut truth);
    }
    let mut target = Collection::new();
    for r in resources {
        target.push_resource(r).expect("generated ids are unique");
    }
    Edited {
        target,
        truth,
        calls,
        deleted_computes,
    }
}

// Gives every resource and link a new id; the truth follows.
fn rename_all(resources: &mut [Resource], truth: &mut HashMap<String, String>) {
    let renamed: HashMap<String, String> = resources
        .iter()
        .map(|r| {
            (
                r.entity.location_or_default(),
                format!("/{}/r-{}", r.entity.kind.term(), r.entity.id),
            )
        })
        .collect();
    *truth = std::mem::take(truth)
        .into_iter()
        .map(|(t, r)| (format!("r-{t}"), r))
        .collect();
    for r in resources.iter_mut() {
        r.entity.id = format!("r-{}", r.entity.id);
        for l in &mut r.links {
            l.entity.id = format!("r-{}", l.entity.id);
            if let Some(n) = renamed.get(&l.source.location) {
                l.source.location.clone_from(n);
            }
            if let Some(n) = renamed.get(&l.target.location) {
                l.target.location.clone_from(n);
            }
        }
    }
}

#[derive(Default)]
struct Builder {
    resources: Vec<Resource>,
    networks: HashMap<String, String>,
}

impl Builder {
    fn network(&mut self, name: &str) {
        let mut e = Entity::new(format!("net-{name}"), kind("network"));
        e.title = Some(name.to_owned());
        e.attributes.insert("occi.network.state", "active");
        e.attributes.insert("occi.network.label", name);
        self.networks
            .insert(name.to_owned(), e.location_or_default());
        self.resources.push(Resource::new(e));
    }

    fn vm(&mut self, tier: &str, i: usize, segment: usize, replicas: Replicas) {
        let mut e = Entity::new(format!("vm-{tier}-{i}"), kind("compute"));
        if replicas == Replicas::Named {
            e.title = Some(format!("{tier}-{i}"));
            e.attributes
                .insert("occi.compute.hostname", format!("{tier}-{i}"));
        } else {
            e.attributes.insert("occi.compute.hostname", tier);
        }
        e.attributes.insert("occi.compute.state", "active");
        e.attributes
            .insert("occi.compute.cores", if tier == "db" { 4i64 } else { 2i64 });
        e.attributes.insert("occi.compute.memory", 4096i64);
        let source = e.location_or_default();
        let mut r = Resource::new(e);
        let mut nets = vec![format!("back-{segment}")];
        if tier == "web" {
            nets.insert(0, "front".to_owned());
        }
        for (j, net) in nets.iter().enumerate() {
            let mut nic = Entity::new(format!("nic-{tier}-{i}-{j}"), kind("networkinterface"));
            nic.attributes
                .insert("occi.networkinterface.interface", format!("eth{j}"));
            nic.attributes
                .insert("occi.networkinterface.state", "active");
            r.links
                .push(Link::new(nic, source.clone(), self.networks[net].clone()));
        }
        if tier == "db" {
            let mut volume = Entity::new(format!("vol-{i}"), kind("storage"));
            volume.attributes.insert("occi.storage.size", 100i64);
            volume.attributes.insert("occi.storage.state", "online");
            if replicas == Replicas::Named {
                volume.title = Some(format!("data-{i}"));
            }
            let target = volume.location_or_default();
            let mut sl = Entity::new(format!("sl-{i}"), kind("storagelink"));
            sl.attributes
                .insert("occi.storagelink.deviceid", "/dev/vdb");
            r.links.push(Link::new(sl, source, target));
            self.resources.push(r);
            self.resources.push(Resource::new(volume));
        } else {
            self.resources.push(r);
        }
    }

    fn finish(self) -> Collection {
        let mut c = Collection::new();
        for r in self.resources {
            c.push_resource(r).expect("generated ids are unique");
        }
        c
    }
}

//! Deployment options applied to hardware items: which Items one configuration uses, how
//! Items that share an InstanceID combine, where range markers go, and what is left unused.
//!
//! The rules, from DSP0243:
//!
//! * An Item with `ovf:configuration` (a space-separated list of DeploymentOptionSection
//!   ids) applies only to the listed configurations; an Item without it applies to all
//!   (§9.8). No configuration chosen (a descriptor without DeploymentOptionSection) means
//!   only the Items without `ovf:configuration` apply.
//! * Items that apply and share an InstanceID make one combined Item: each child element
//!   comes from the latest Item (in document order) that has a child of that name (§8.1).
//!   An override that repeats every child therefore replaces the Item before it; one that
//!   gives only `VirtualQuantity` keeps the earlier Item's `AllocationUnits` (ovftool's own
//!   positive tests rely on this).
//! * `ovf:bound="min"`/`"max"` Items are range markers, not hardware: they bound the values
//!   of the normal Item with the same InstanceID (§8.4). They follow the same configuration
//!   selection and combine the same way, and are attached to the combined Item as its
//!   `min`/`max`; a marker without a normal Item is unused.

use crate::hash::{HashMap, HashSet};

use tern_diag::Position;

use super::hardware::{Bound, Item, VirtualHardware};
use crate::node::Sym;

/// How many deployment options the per-option views (`ovf info`, validation) resolve for
/// one hardware section. Real appliances declare a handful; each resolution reads every
/// Item, so a hostile descriptor with a hundred thousand options and Items is not resolved
/// for every option: the views cover the first ones and say so.
pub const MAX_RESOLVED_OPTIONS: usize = 256;

/// The hardware one deployment option uses: [`VirtualHardware::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The configuration resolved for (`None`: only Items without `ovf:configuration`).
    pub configuration: Option<String>,
    /// One combined Item per InstanceID (and one per Item without InstanceID), in the order
    /// their first Item appears.
    pub items: Vec<ResolvedItem<'a>>,
    /// Items this configuration does not use, in document order.
    pub unused: Vec<Unused<'a>>,
}

/// The Item a configuration uses for one InstanceID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedItem<'a> {
    /// The combined Item: each field from the latest source that has it; its position is the
    /// latest source's. Borrowed when there is one source (the common case), so resolving
    /// an option costs no copies of the descriptor's Items.
    pub item: Combined<'a>,
    /// Every normal Item combined into it, in document order (the last one wins).
    pub sources: Vec<&'a Item>,
    /// Children of a source that a later source gives again (InstanceID and ResourceType,
    /// which every source repeats, are not listed).
    pub superseded: Vec<Superseded<'a>>,
    /// The combined `ovf:bound="min"` range marker, if any applies (boxed, as `max`: few
    /// Items have ranges, and an Item is large).
    pub min: Option<Combined<'a>>,
    /// The combined `ovf:bound="max"` range marker, if any applies.
    pub max: Option<Combined<'a>>,
    /// The range markers combined into `min` and `max`, in document order.
    pub markers: Vec<&'a Item>,
}

/// A child element of an Item that a later Item with the same InstanceID replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superseded<'a> {
    /// The Item whose child is not used.
    pub item: &'a Item,
    /// The child's local name (`VirtualQuantity`).
    pub child: String,
    /// The Item whose child is used instead.
    pub by: &'a Item,
}

/// A combined Item: the descriptor's own when one Item makes it (the common case: no copy),
/// a combination of several otherwise (boxed: an Item is large, and a resolution holds one
/// per InstanceID). Reads as an [`Item`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Combined<'a> {
    /// The one Item, as the descriptor has it.
    Borrowed(&'a Item),
    /// Several Items combined.
    Owned(Box<Item>),
}

impl Combined<'_> {
    /// The Item, owned (copied when borrowed).
    pub fn into_owned(self) -> Item {
        match self {
            Combined::Borrowed(item) => item.clone(),
            Combined::Owned(item) => *item,
        }
    }
}

impl Default for Combined<'_> {
    fn default() -> Self {
        Combined::Owned(Box::default())
    }
}

impl std::ops::Deref for Combined<'_> {
    type Target = Item;
    fn deref(&self) -> &Item {
        match self {
            Combined::Borrowed(item) => item,
            Combined::Owned(item) => item,
        }
    }
}

impl AsRef<Item> for Combined<'_> {
    fn as_ref(&self) -> &Item {
        self
    }
}

/// An Item a configuration does not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused<'a> {
    /// The Item.
    pub item: &'a Item,
    /// Why it is not used.
    pub reason: UnusedReason,
}

/// Why a configuration does not use an Item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnusedReason {
    /// Its `ovf:configuration` does not list the configuration.
    OtherConfiguration,
    /// Every child it has (besides InstanceID and ResourceType) is given again by a later
    /// Item with the same InstanceID (at `by`) that applies to the configuration.
    Replaced {
        /// Start tag of the latest Item that replaces it.
        by: Position,
    },
    /// A range marker with no normal Item of its InstanceID in the configuration.
    RangeWithoutItem,
}

/// A `--deployment-option` that the DeploymentOptionSection does not declare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("deployment option \"{name}\" is not declared ({})", known_list(.known))]
pub struct UnknownConfiguration {
    /// The requested option.
    pub name: String,
    /// The declared ones, in document order.
    pub known: Vec<String>,
}

impl VirtualHardware {
    /// The hardware deployment option `configuration` uses (see the module notes):
    /// combined Items with their sources and ranges, and the Items left unused.
    /// `configuration` is taken as given; [`super::Envelope::choose_configuration`] checks
    /// a requested name and supplies the default.
    pub fn resolve(&self, configuration: Option<&str>) -> Resolved<'_> {
        resolve_items(&self.items, configuration)
    }

    /// The combined Items deployment option `configuration` uses, range markers excluded.
    pub fn items_for(&self, configuration: Option<&str>) -> Vec<Item> {
        self.resolve(configuration)
            .items
            .into_iter()
            .map(|r| r.item.into_owned())
            .collect()
    }
}

impl Resolved<'_> {
    /// The combined Item with InstanceID `id`.
    pub fn item(&self, id: &str) -> Option<&ResolvedItem<'_>> {
        self.items
            .iter()
            .find(|r| r.item.instance_id().map(str::trim) == Some(id))
    }
}

impl<'a> ResolvedItem<'a> {
    /// The source whose child `name` the combined Item uses.
    pub fn provider(&self, name: &str) -> Option<&'a Item> {
        self.sources
            .iter()
            .rev()
            .copied()
            .find(|s| s.children.iter().any(|c| c == name))
    }

    /// True when an Item with `ovf:configuration` contributes to it: the configuration's
    /// hardware differs from the unconditional one here.
    pub fn is_configured(&self) -> bool {
        self.sources.iter().any(|s| !s.configuration.is_empty())
    }
}

/// [`VirtualHardware::resolve`] over any list of Items (ResourceAllocationSection has the
/// same rules).
pub fn resolve_items<'a>(items: &'a [Item], configuration: Option<&str>) -> Resolved<'a> {
    // Items by InstanceID in order of first appearance, with their document index: each
    // Item gets its group's number (`GroupIds`: linear in the Items whatever a hostile
    // descriptor repeats), then one stable sort lays the groups out one after another, in
    // document order within each (no list or map per group: most groups have one Item).
    let mut ids = GroupIds::default();
    let mut unused: Vec<(usize, Unused<'a>)> = Vec::new();
    let mut member_of: Vec<(usize, usize)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if !applies(item, configuration) {
            unused.push((
                index,
                Unused {
                    item,
                    reason: UnusedReason::OtherConfiguration,
                },
            ));
            continue;
        }
        member_of.push((ids.group(item.instance_id().map(str::trim)), index));
    }
    let count = ids.count;
    drop(ids);
    member_of.sort_by_key(|&(g, _)| g);
    // Sized once: a resolved Item is large, doubling would leave up to half unused.
    let mut resolved = Vec::with_capacity(count);
    // One group's normal Items and range markers, reused from group to group: most groups
    // have one Item, and a list made per group would be an allocation per Item.
    let mut normal: Sources<'a> = Vec::new();
    let mut markers: Sources<'a> = Vec::new();
    for members in member_of.chunk_by(|a, b| a.0 == b.0) {
        normal.clear();
        markers.clear();
        for &(_, i) in members {
            let item = &items[i];
            if is_marker(item) {
                markers.push((i, item));
            } else {
                normal.push((i, item));
            }
        }
        if normal.is_empty() {
            unused.extend(markers.iter().map(|&(index, item)| {
                (
                    index,
                    Unused {
                        item,
                        reason: UnusedReason::RangeWithoutItem,
                    },
                )
            }));
            continue;
        }
        let (superseded, replaced) = superseded(&normal);
        unused.extend(replaced);
        let bound = |b: &Bound| {
            combine(
                markers
                    .iter()
                    .map(|(_, m)| *m)
                    .filter(|m| m.bound.as_ref() == Some(b)),
            )
        };
        resolved.push(ResolvedItem {
            item: combine(normal.iter().map(|(_, i)| *i)).unwrap_or_default(),
            min: bound(&Bound::Min),
            max: bound(&Bound::Max),
            sources: normal.iter().map(|(_, i)| *i).collect(),
            superseded,
            markers: markers.iter().map(|(_, m)| *m).collect(),
        });
    }
    // Document order, whatever the reason.
    unused.sort_by_key(|(index, _)| *index);
    Resolved {
        configuration: configuration.map(str::to_owned),
        items: resolved,
        unused: unused.into_iter().map(|(_, u)| u).collect(),
    }
}

/// Numbers the InstanceIDs of a resolution in order of first appearance (an Item without
/// one is a group of its own): compared with the ids so far while they are few (a section
/// has a dozen Items), through a map beyond, so that many Items stay linear.
#[derive(Default)]
struct GroupIds<'a> {
    count: usize,
    few: Vec<(&'a str, usize)>,
    many: HashMap<&'a str, usize>,
}

impl<'a> GroupIds<'a> {
    const LINEAR: usize = 16;

    fn group(&mut self, id: Option<&'a str>) -> usize {
        let next = self.count;
        let g = match id {
            None => next,
            Some(id) if self.few.len() < Self::LINEAR => {
                if let Some(&(_, g)) = self.few.iter().find(|(known, _)| *known == id) {
                    g
                } else {
                    self.few.push((id, next));
                    next
                }
            }
            Some(id) => {
                if self.many.is_empty() {
                    self.many.extend(self.few.iter().copied());
                }
                *self.many.entry(id).or_insert(next)
            }
        };
        if g == next {
            self.count += 1;
        }
        g
    }
}

/// Items with their document index.
type Sources<'a> = Vec<(usize, &'a Item)>;

/// True when `item` applies to `configuration`.
pub(crate) fn applies(item: &Item, configuration: Option<&str>) -> bool {
    item.configuration.is_empty()
        || configuration.is_some_and(|c| item.configuration.iter().any(|x| x == c))
}

fn is_marker(item: &Item) -> bool {
    matches!(item.bound, Some(Bound::Min | Bound::Max))
}

/// Children every Item of an InstanceID repeats: they identify it rather than describe it.
fn is_identity(child: &str) -> bool {
    matches!(child, "InstanceID" | "ResourceType")
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "the descriptor declares none".to_owned()
    } else {
        format!("known: {}", known.join(", "))
    }
}

/// Children of each source (document order) that a later source gives again, and the
/// sources every child of which is given again. One pass from the last source back, with
/// the latest source of each child name.
#[allow(clippy::type_complexity)]
fn superseded<'a>(
    sources: &[(usize, &'a Item)],
) -> (Vec<Superseded<'a>>, Vec<(usize, Unused<'a>)>) {
    if sources.len() < 2 {
        // Nothing comes later: the common case, without a map.
        return (Vec::new(), Vec::new());
    }
    let mut latest: HashMap<&'a str, (usize, &'a Item)> = HashMap::default();
    let mut blocks = Vec::new();
    let mut replaced = Vec::new();
    let last = sources.len().saturating_sub(1);
    for (at, &(index, source)) in sources.iter().enumerate().rev() {
        let mut block = Vec::new();
        let mut own = 0usize;
        let mut by: Option<(usize, &Item)> = None;
        for child in source.children.iter().filter(|c| !is_identity(c)) {
            own += 1;
            if let Some(&(later_index, later)) = latest.get(child.as_str()) {
                block.push(Superseded {
                    item: source,
                    child: child.to_string(),
                    by: later,
                });
                if by.is_none_or(|(b, _)| later_index > b) {
                    by = Some((later_index, later));
                }
            }
        }
        if at < last && block.len() == own {
            let by = by.map_or(sources[last].1.position, |(_, b)| b.position);
            replaced.push((
                index,
                Unused {
                    item: source,
                    reason: UnusedReason::Replaced { by },
                },
            ));
        }
        for child in source.children.iter().filter(|c| !is_identity(c)) {
            latest.entry(child.as_str()).or_insert((index, source));
        }
        blocks.push(block);
    }
    blocks.reverse();
    (blocks.into_iter().flatten().collect(), replaced)
}

/// The combination of `items` (document order): each field from the latest that has it.
fn combine<'a>(mut items: impl Iterator<Item = &'a Item>) -> Option<Combined<'a>> {
    let first = items.next()?;
    let Some(second) = items.next() else {
        return Some(Combined::Borrowed(first));
    };
    let mut out = first.clone();
    let mut names: HashSet<Sym> = out.children.iter().cloned().collect();
    for later in std::iter::once(second).chain(items) {
        overlay(&mut out, later);
        for child in &later.children {
            if names.insert(child.clone()) {
                out.children.push(child.clone());
            }
        }
    }
    Some(Combined::Owned(Box::new(out)))
}

fn overlay(out: &mut Item, later: &Item) {
    out.kind = later.kind.or(out.kind);
    out.required = later.required;
    out.configuration.clone_from(&later.configuration);
    out.bound.clone_from(&later.bound);
    out.values = out.values.overlay(&later.values);
    out.position = later.position;
}

#[cfg(test)]
mod tests {
    use super::GroupIds;

    /// Past the few ids compared one by one, the map keeps the numbers given before.
    #[test]
    fn ids_keep_their_group_across_the_switch_to_a_map() {
        let names: Vec<String> = (0..40).map(|i| format!("id{i}")).collect();
        let mut ids = GroupIds::default();
        let first: Vec<usize> = names.iter().map(|n| ids.group(Some(n))).collect();
        assert_eq!(first, (0..40).collect::<Vec<_>>());
        for (i, n) in names.iter().enumerate().rev() {
            assert_eq!(ids.group(Some(n)), i);
        }
        assert_eq!(ids.group(None), 40);
        assert_eq!(ids.group(Some("new")), 41);
        assert_eq!(ids.group(Some("id3")), 3);
        assert_eq!(ids.count, 42);
    }
}

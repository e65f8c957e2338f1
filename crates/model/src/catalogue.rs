//! The catalogue (registry) of categories: resolves identifiers, walks Kind parents and
//! Mixin `depends`, and answers which attributes and lifecycle an entity has.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::{
    Action, AttributeDef, Category, CategoryClass, CategoryId, Entity, Kind, Mixin, OcciVersion,
    StateMachine,
};

/// The scheme of OCCI Core's kinds.
pub const CORE_SCHEME: &str = "http://schemas.ogf.org/occi/core#";
/// Identifier of `core#entity`, the root of every Kind.
pub const ENTITY: &str = "http://schemas.ogf.org/occi/core#entity";
/// Identifier of `core#resource`.
pub const RESOURCE: &str = "http://schemas.ogf.org/occi/core#resource";
/// Identifier of `core#link`.
pub const LINK: &str = "http://schemas.ogf.org/occi/core#link";

/// A set of Kinds, Mixins and Actions with fast lookup by identifier.
///
/// Complexity: a category by identifier in O(1) (a hash index); one attribute definition of
/// a category by name in O(1) (a hash index per category, built when the category is
/// added); [`ancestors`](Catalogue::ancestors) and [`mixin_closure`](Catalogue::mixin_closure)
/// linear in the length of the chain; [`attribute_defs`](Catalogue::attribute_defs) linear
/// in the number of definitions it collects; [`attribute_def`](Catalogue::attribute_def)
/// linear in the number of categories of the entity (not in their attributes).
///
/// ```
/// use tern_model::{Catalogue, OcciVersion};
/// let v11 = Catalogue::infrastructure(OcciVersion::V1_1);
/// let compute = v11.kind(&"http://schemas.ogf.org/occi/infrastructure#compute".parse().unwrap()).unwrap();
/// assert!(compute.attributes.iter().any(|a| a.name == "occi.compute.speed"));
/// ```
#[derive(Debug, Clone)]
pub struct Catalogue {
    version: Option<OcciVersion>,
    kinds: Vec<Kind>,
    mixins: Vec<Mixin>,
    actions: Vec<Action>,
    index: HashMap<CategoryId, (CategoryClass, usize)>,
    // Per category: attribute name → position in its `attributes` (the last of a repeated
    // name, as `attribute_defs` keeps the last).
    own_attributes: HashMap<CategoryId, HashMap<String, usize>>,
}

/// A catalogue that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The catalogue document is not valid JSON or not in the catalogue format.
    #[error("catalogue document, line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader said.
        message: String,
    },
    /// Two categories with the same identifier.
    #[error("category {0} is defined twice")]
    Duplicate(CategoryId),
    /// A reference to a category that is not in the catalogue.
    #[error("{from}: {role} {to} is not in the catalogue")]
    UnknownReference {
        /// The referring category.
        from: CategoryId,
        /// What the reference is for (`parent`, `depends`, `applies`, `action`).
        role: &'static str,
        /// The missing category.
        to: CategoryId,
    },
    /// An attribute row that cannot be understood.
    #[error("{category}: attribute {attribute}: {message}")]
    BadAttribute {
        /// The declaring category.
        category: CategoryId,
        /// The attribute name.
        attribute: String,
        /// What is wrong.
        message: String,
    },
}

impl Catalogue {
    /// An empty catalogue for `version` (`None`: not tied to a version).
    pub fn empty(version: Option<OcciVersion>) -> Self {
        Catalogue {
            version,
            kinds: Vec::new(),
            mixins: Vec::new(),
            actions: Vec::new(),
            index: HashMap::new(),
            own_attributes: HashMap::new(),
        }
    }

    /// OCCI Core and Infrastructure (GFD.183/184 for 1.1, GFD.221/224 for 1.2).
    #[allow(clippy::missing_panics_doc)] // the embedded data is checked by the crate's tests
    pub fn infrastructure(version: OcciVersion) -> Self {
        crate::data::load(crate::data::BUILTIN, Some(version))
            .expect("the built-in catalogue is valid")
    }

    /// OCCI Core only: `entity`, `resource`, `link`.
    pub fn core(version: OcciVersion) -> Self {
        let full = Catalogue::infrastructure(version);
        let mut core = Catalogue::empty(Some(version));
        for kind in full
            .kinds
            .into_iter()
            .filter(|k| k.id.scheme() == CORE_SCHEME)
        {
            // Core kinds only refer to each other and declare no actions.
            let _ = core.add_kind(kind);
        }
        core
    }

    /// Reads a catalogue written in tern's catalogue format (see `data/occi-catalogue.json`),
    /// keeping the items that hold in `version` (all when `None`).
    pub fn from_json(text: &str, version: Option<OcciVersion>) -> Result<Self, CatalogueError> {
        crate::data::load(text, version)
    }

    /// Adds the categories of a document in the catalogue format (provider extensions,
    /// templates); they may refer to categories already present.
    pub fn extend_from_json(&mut self, text: &str) -> Result<(), CatalogueError> {
        crate::data::load_into(self, text)
    }

    /// The version the catalogue describes.
    pub fn version(&self) -> Option<OcciVersion> {
        self.version
    }

    /// Adds an Action.
    pub fn add_action(&mut self, action: Action) -> Result<(), CatalogueError> {
        self.claim(&action.id, CategoryClass::Action, self.actions.len())?;
        self.index_attributes(&action.id, &action.attributes);
        self.actions.push(action);
        Ok(())
    }

    /// Adds a Kind; its parent and actions must already be present.
    pub fn add_kind(&mut self, kind: Kind) -> Result<(), CatalogueError> {
        if let Some(parent) = &kind.parent {
            self.require(&kind.id, "parent", parent, CategoryClass::Kind)?;
        }
        for action in &kind.actions {
            self.require(&kind.id, "action", action, CategoryClass::Action)?;
        }
        self.claim(&kind.id, CategoryClass::Kind, self.kinds.len())?;
        self.index_attributes(&kind.id, &kind.attributes);
        self.kinds.push(kind);
        Ok(())
    }

    /// Adds a Mixin; what it depends on, applies to and its actions must already be present.
    pub fn add_mixin(&mut self, mixin: Mixin) -> Result<(), CatalogueError> {
        for d in &mixin.depends {
            self.require(&mixin.id, "depends", d, CategoryClass::Mixin)?;
        }
        for a in &mixin.applies {
            self.require(&mixin.id, "applies", a, CategoryClass::Kind)?;
        }
        for action in &mixin.actions {
            self.require(&mixin.id, "action", action, CategoryClass::Action)?;
        }
        self.claim(&mixin.id, CategoryClass::Mixin, self.mixins.len())?;
        self.index_attributes(&mixin.id, &mixin.attributes);
        self.mixins.push(mixin);
        Ok(())
    }

    /// All Kinds in insertion order.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// All Mixins in insertion order.
    pub fn mixins(&self) -> &[Mixin] {
        &self.mixins
    }

    /// All Actions in insertion order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Any category by identifier.
    pub fn category(&self, id: &CategoryId) -> Option<Category<'_>> {
        let &(class, i) = self.index.get(id)?;
        Some(match class {
            CategoryClass::Kind => Category::Kind(&self.kinds[i]),
            CategoryClass::Mixin => Category::Mixin(&self.mixins[i]),
            CategoryClass::Action => Category::Action(&self.actions[i]),
        })
    }

    /// A Kind by identifier.
    pub fn kind(&self, id: &CategoryId) -> Option<&Kind> {
        match self.category(id)? {
            Category::Kind(k) => Some(k),
            _ => None,
        }
    }

    /// A Mixin by identifier.
    pub fn mixin(&self, id: &CategoryId) -> Option<&Mixin> {
        match self.category(id)? {
            Category::Mixin(m) => Some(m),
            _ => None,
        }
    }

    /// An Action by identifier.
    pub fn action(&self, id: &CategoryId) -> Option<&Action> {
        match self.category(id)? {
            Category::Action(a) => Some(a),
            _ => None,
        }
    }

    /// The Kind and its ancestors, nearest first (stops at a missing parent). Linear in the
    /// length of the chain.
    pub fn ancestors(&self, kind: &CategoryId) -> Vec<&Kind> {
        self.chain(kind).collect()
    }

    /// True when `kind` is `ancestor` or descends from it.
    pub fn is_a(&self, kind: &CategoryId, ancestor: &CategoryId) -> bool {
        self.chain(kind).any(|k| &k.id == ancestor)
    }

    /// The Mixin and everything it depends on, transitively, without repeats (depth first,
    /// in the order of `depends`). Linear in the size of the closure.
    pub fn mixin_closure(&self, mixin: &CategoryId) -> Vec<&Mixin> {
        let mut out: Vec<&Mixin> = Vec::new();
        let mut seen: HashSet<&CategoryId> = HashSet::new();
        let mut stack = vec![mixin];
        while let Some(id) = stack.pop() {
            if let Some(m) = self.mixin(id)
                && seen.insert(&m.id)
            {
                out.push(m);
                stack.extend(m.depends.iter().rev());
            }
        }
        out
    }

    /// Every attribute definition that applies to `entity`: its Kind chain (nearest first),
    /// then its Mixins with their dependencies. A Mixin's definition overrides the Kind's
    /// (templates refine defaults, GFD.221 §4.5.4).
    pub fn attribute_defs(&self, entity: &Entity) -> Vec<&AttributeDef> {
        self.attribute_index(entity).iter().collect()
    }

    /// The definitions of [`attribute_defs`](Catalogue::attribute_defs) by name, for
    /// looking up many attributes of one entity: built in time linear in the number of
    /// definitions, each lookup O(1).
    ///
    /// ```
    /// use tern_model::{Catalogue, Entity, OcciVersion};
    /// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    /// let vm = Entity::new("vm", "http://schemas.ogf.org/occi/infrastructure#compute".parse()?);
    /// let defs = catalogue.attribute_index(&vm);
    /// assert!(defs.get("occi.compute.cores").is_some());
    /// assert!(defs.get("occi.storage.size").is_none());
    /// # Ok::<(), tern_model::CategoryIdError>(())
    /// ```
    pub fn attribute_index(&self, entity: &Entity) -> AttributeIndex<'_> {
        let mut defs = AttributeIndex(Defs::Few(Vec::new()));
        let kinds = self
            .ancestors(&entity.kind)
            .into_iter()
            .rev()
            .flat_map(|k| &k.attributes);
        let mixins = entity
            .mixins
            .iter()
            .flat_map(|m| self.mixin_closure(m).into_iter().rev())
            .flat_map(|m| &m.attributes);
        for def in kinds.chain(mixins) {
            defs.insert(def);
        }
        defs
    }

    /// The definition of one attribute of `entity`, as
    /// [`attribute_defs`](Catalogue::attribute_defs) would give it: linear in the number of
    /// categories of the entity (Kind chain, Mixins and their dependencies), not in their
    /// attributes. For many names of one entity, [`attribute_index`](Catalogue::attribute_index).
    pub fn attribute_def(&self, entity: &Entity, name: &str) -> Option<&AttributeDef> {
        // The last definition wins: look from the end, the last Mixin (itself before what
        // it depends on) first, the Kind chain nearest first last.
        for m in entity.mixins.iter().rev() {
            for mixin in self.mixin_closure(m) {
                if let Some(def) = self.own_attribute(&mixin.id, &mixin.attributes, name) {
                    return Some(def);
                }
            }
        }
        self.chain(&entity.kind)
            .find_map(|k| self.own_attribute(&k.id, &k.attributes, name))
    }

    /// The attribute `name` as the category `id` itself declares it (not inherited), in O(1).
    ///
    /// ```
    /// use tern_model::{Catalogue, OcciVersion};
    /// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    /// let compute = "http://schemas.ogf.org/occi/infrastructure#compute".parse()?;
    /// assert!(catalogue.declared_attribute(&compute, "occi.compute.cores").is_some());
    /// assert!(catalogue.declared_attribute(&compute, "occi.core.title").is_none());
    /// # Ok::<(), tern_model::CategoryIdError>(())
    /// ```
    pub fn declared_attribute(&self, id: &CategoryId, name: &str) -> Option<&AttributeDef> {
        let attributes = match self.category(id)? {
            Category::Kind(k) => &k.attributes,
            Category::Mixin(m) => &m.attributes,
            Category::Action(a) => &a.attributes,
        };
        self.own_attribute(id, attributes, name)
    }

    /// The lifecycle of a Kind's instances, inherited from the nearest ancestor with one.
    pub fn state_machine(&self, kind: &CategoryId) -> Option<&StateMachine> {
        self.chain(kind).find_map(|k| k.states.as_ref())
    }

    // The Kind and its ancestors, nearest first, without collecting them.
    fn chain<'c>(&'c self, kind: &CategoryId) -> impl Iterator<Item = &'c Kind> + 'c {
        let mut next = self.kind(kind);
        // `add_kind` wants the parent present first, so no chain has a cycle; the bound
        // keeps the walk finite all the same.
        let mut left = self.kinds.len();
        std::iter::from_fn(move || {
            let k = next.filter(|_| left > 0)?;
            left -= 1;
            next = k.parent.as_ref().and_then(|p| self.kind(p));
            Some(k)
        })
    }

    fn index_attributes(&mut self, id: &CategoryId, attributes: &[AttributeDef]) {
        let by_name = attributes
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        self.own_attributes.insert(id.clone(), by_name);
    }

    fn own_attribute<'c>(
        &self,
        id: &CategoryId,
        attributes: &'c [AttributeDef],
        name: &str,
    ) -> Option<&'c AttributeDef> {
        let &i = self.own_attributes.get(id)?.get(name)?;
        attributes.get(i)
    }

    fn claim(
        &mut self,
        id: &CategoryId,
        class: CategoryClass,
        at: usize,
    ) -> Result<(), CatalogueError> {
        if self.index.contains_key(id) {
            return Err(CatalogueError::Duplicate(id.clone()));
        }
        self.index.insert(id.clone(), (class, at));
        Ok(())
    }

    fn require(
        &self,
        from: &CategoryId,
        role: &'static str,
        to: &CategoryId,
        class: CategoryClass,
    ) -> Result<(), CatalogueError> {
        match self.index.get(to) {
            Some((c, _)) if *c == class => Ok(()),
            _ => Err(CatalogueError::UnknownReference {
                from: from.clone(),
                role,
                to: to.clone(),
            }),
        }
    }
}

/// The attribute definitions that apply to an entity, by name, in the order of
/// [`Catalogue::attribute_defs`]: [`get`](AttributeIndex::get) in O(1) (a search among at
/// most a few dozen definitions, or a hash lookup for more).
#[derive(Debug, Clone)]
pub struct AttributeIndex<'c>(Defs<'c>);

// Entities of the standard catalogues have 5–20 definitions: a short list searched in place
// costs less to build and to search than hashing every name; beyond `FEW_DEFS`, a map.
#[derive(Debug, Clone)]
enum Defs<'c> {
    Few(Vec<&'c AttributeDef>),
    Many(IndexMap<&'c str, &'c AttributeDef>),
}

const FEW_DEFS: usize = 32;

impl<'c> AttributeIndex<'c> {
    /// The definition of `name`, in O(1).
    pub fn get(&self, name: &str) -> Option<&'c AttributeDef> {
        match &self.0 {
            Defs::Few(defs) => defs.iter().find(|d| d.name == name).copied(),
            Defs::Many(defs) => defs.get(name).copied(),
        }
    }

    /// The definitions in order.
    pub fn iter(&self) -> impl Iterator<Item = &'c AttributeDef> + '_ {
        let (few, many) = match &self.0 {
            Defs::Few(defs) => (Some(defs.iter().copied()), None),
            Defs::Many(defs) => (None, Some(defs.values().copied())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }

    /// How many definitions.
    pub fn len(&self) -> usize {
        match &self.0 {
            Defs::Few(defs) => defs.len(),
            Defs::Many(defs) => defs.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // A later definition replaces an earlier one in its place.
    fn insert(&mut self, def: &'c AttributeDef) {
        match &mut self.0 {
            Defs::Few(defs) => {
                if let Some(slot) = defs.iter_mut().find(|d| d.name == def.name) {
                    *slot = def;
                } else if defs.len() < FEW_DEFS {
                    defs.push(def);
                } else {
                    let mut map: IndexMap<&str, &AttributeDef> =
                        defs.iter().map(|d| (d.name.as_str(), *d)).collect();
                    map.insert(def.name.as_str(), def);
                    self.0 = Defs::Many(map);
                }
            }
            Defs::Many(defs) => {
                defs.insert(def.name.as_str(), def);
            }
        }
    }
}

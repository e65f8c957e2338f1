//! Namespace scopes of the reader (XML Namespaces 1.0 §6): which URI each prefix is bound to
//! at the current element. A declaration and a lookup each cost one hash-map operation, so an
//! element with 50 000 declarations and 50 000 prefixed attributes is read in linear time
//! (quick-xml's resolver searches its bindings linearly: quadratic on such an element).

use crate::hash::{HashMap, HashSet};
use std::cell::RefCell;
use std::sync::Arc;

use quick_xml::name::NamespaceError;

use crate::node::{Name, NameParts, Sym};
use crate::reader::XMLNS_NAMESPACE;

/// The namespace of the `xml` prefix, bound in every document.
pub(crate) const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// What a prefix resolves to.
pub(crate) enum Resolved {
    /// Bound to a namespace URI.
    Bound(Arc<str>),
    /// An unprefixed name without a default namespace (or an attribute name, which the
    /// default namespace does not apply to).
    Unbound,
    /// A prefix no declaration in scope binds.
    Unknown,
}

/// The bindings in scope, and the URIs and names seen (interned: a document binds a handful
/// of URIs to thousands of names, and spells a few dozen names on thousands of elements).
/// Every name read gets an id, its index in [`Scopes::names`]: the lossless tree clones the
/// [`Name`], the compact tree keeps the id.
pub(crate) struct Scopes<'t> {
    /// Prefix (`""` for the default namespace, spelled in the text) → its innermost
    /// binding in `bindings`.
    bound: HashMap<&'t str, u32>,
    /// Every binding in scope, innermost last: the prefix, its URI (`None`: unbound,
    /// `xmlns=""`, `xmlns:p=""`) and the binding of the prefix it hides (`u32::MAX`: none).
    /// One vector for the whole document: opening a scope allocates nothing.
    bindings: Vec<(&'t str, Option<Arc<str>>, u32)>,
    /// For every open element, how many bindings it declared.
    open: Vec<u32>,
    /// The URIs and name parts interned here when [`Shared`] is full.
    uris: HashSet<Arc<str>>,
    /// Every name read, by id.
    table: Vec<Name>,
    /// The ids of the names read that [`Shared`] has no room for, by spelling, in the
    /// namespace the spelling was first bound to (a prefix bound to another URI in another
    /// scope makes names that are not shared).
    spellings: HashMap<&'t str, u32>,
    /// The names last resolved, in a fixed table indexed by a cheap hash of the spelling:
    /// a descriptor spells a few dozen names thousands of times, and a hit costs one
    /// comparison instead of two hash-map lookups. Emptied whenever a scope with
    /// declarations opens or closes (a prefix may then mean another namespace). Its size
    /// is fixed, so no input makes it cost more than a miss.
    /// Each slot holds the generation it was filled in: a slot of an older one is empty.
    recent: Vec<(u32, &'t str, bool, u32)>,
    /// The bindings of the prefixes last resolved, by a cheap hash of the prefix, each with
    /// the generation it was read in (as `recent`).
    prefixes: Vec<(u32, &'t str, Option<Arc<str>>)>,
    /// The generation of `recent` and `prefixes`: a new one whenever a scope with declarations opens or
    /// closes (emptying the table in one step).
    generation: u32,
    /// Bindings pushed, popped and looked up: linear in the input (tests count them).
    pub(crate) steps: u64,
    /// The bindings in scope as the thread knows them ([`Shared::context`]): the root's
    /// declarations, which most descriptors of one tool share. [`NO_CONTEXT`] within an
    /// element that declares again, where names are resolved the long way.
    context: u32,
    /// The contexts of the open scopes that declared something, innermost last.
    contexts: Vec<u32>,
    /// The thread's names, taken for the time of this document (no thread-local lookup per
    /// name) and given back when it is read.
    shared: Shared,
}

/// No context the thread knows: names are not looked up through [`Shared::resolved`].
const NO_CONTEXT: u32 = 0;
/// No binding at all (before the root's declarations).
const EMPTY_CONTEXT: u32 = 1;

impl Default for Scopes<'_> {
    fn default() -> Self {
        let mut shared = Shared::take();
        shared.next_document();
        Scopes {
            bound: HashMap::default(),
            bindings: Vec::new(),
            open: Vec::new(),
            uris: HashSet::default(),
            table: Vec::new(),
            spellings: HashMap::default(),
            recent: Vec::new(),
            prefixes: Vec::new(),
            generation: 0,
            steps: 0,
            context: EMPTY_CONTEXT,
            contexts: Vec::new(),
            shared,
        }
    }
}

impl Drop for Scopes<'_> {
    fn drop(&mut self) {
        Shared::give_back(std::mem::take(&mut self.shared));
    }
}

impl<'t> Scopes<'t> {
    /// Opens the scope of an element whose `xmlns`/`xmlns:p` attributes are `declarations`
    /// (prefix, unescaped value), refusing the bindings XML Namespaces forbids.
    pub(crate) fn open<'a>(
        &mut self,
        declarations: impl Iterator<Item = (&'t str, &'a str)>,
    ) -> Result<(), NamespaceError> {
        let first = self.bindings.len();
        for (prefix, uri) in declarations {
            match prefix {
                "xml" if uri == XML_NAMESPACE => continue,
                "xml" => return Err(NamespaceError::InvalidXmlPrefixBind(uri.into())),
                "xmlns" => return Err(NamespaceError::InvalidXmlnsPrefixBind(uri.into())),
                _ if uri == XML_NAMESPACE => {
                    return Err(NamespaceError::InvalidPrefixForXml(prefix.into()));
                }
                _ if uri == XMLNS_NAMESPACE => {
                    return Err(NamespaceError::InvalidPrefixForXmlns(prefix.into()));
                }
                _ => {}
            }
            self.steps += 1;
            let uri = (!uri.is_empty()).then(|| self.intern(uri));
            let index = u32::try_from(self.bindings.len()).unwrap_or(u32::MAX);
            if self.bound.capacity() == 0 {
                // A descriptor declares a dozen prefixes at most.
                self.bound.reserve(16);
                self.bindings.reserve(16);
            }
            let hidden = self.bound.insert(prefix, index).unwrap_or(u32::MAX);
            self.bindings.push((prefix, uri, hidden));
        }
        let declared = self.bindings.len() - first;
        if declared > 0 {
            self.renew();
            self.contexts.push(self.context);
            // The root's declarations name a context the thread may know from the documents
            // read before; a later declaration changes what names mean below it.
            self.context = if self.open.is_empty() && self.context == EMPTY_CONTEXT {
                self.shared
                    .context(&self.bindings[first..])
                    .unwrap_or(NO_CONTEXT)
            } else {
                NO_CONTEXT
            };
        }
        self.open.push(u32::try_from(declared).unwrap_or(u32::MAX));
        Ok(())
    }

    /// Closes the innermost scope.
    pub(crate) fn close(&mut self) {
        let declared = self.open.pop().unwrap_or_default() as usize;
        if declared == 0 {
            return;
        }
        self.renew();
        self.context = self.contexts.pop().unwrap_or(NO_CONTEXT);
        let first = self.bindings.len().saturating_sub(declared);
        // Innermost first: a prefix declared twice on one element is refused by the reader,
        // but the order keeps the map right whatever it holds.
        while self.bindings.len() > first {
            self.steps += 1;
            if let Some((prefix, _, hidden)) = self.bindings.pop() {
                if hidden == u32::MAX {
                    self.bound.remove(prefix);
                } else {
                    self.bound.insert(prefix, hidden);
                }
            }
        }
    }

    /// The namespace of `prefix` (`None`: unprefixed); `element`: the default namespace
    /// applies (element names), or not (attribute names).
    pub(crate) fn resolve(&mut self, prefix: Option<&'t str>, element: bool) -> Resolved {
        self.steps += 1;
        let key = match prefix {
            None if !element => return Resolved::Unbound,
            None => "",
            Some(p) if same_text(p, "xml") => return Resolved::Bound(self.intern(XML_NAMESPACE)),
            Some(p) if same_text(p, "xmlns") => {
                return Resolved::Bound(self.intern(XMLNS_NAMESPACE));
            }
            Some(p) => p,
        };
        // A descriptor uses a handful of prefixes: each one's binding is remembered until a
        // scope with declarations opens or closes.
        let at = slot(key, Self::PREFIX_BITS);
        let bound = match self.prefixes.get(at) {
            Some((g, p, uri)) if *g == self.generation && same_text(p, key) => uri.clone(),
            _ => {
                let uri = self
                    .bound
                    .get(key)
                    .and_then(|&i| self.bindings.get(i as usize))
                    .and_then(|(_, uri, _)| uri.clone());
                self.tables();
                self.prefixes[at] = (self.generation, key, uri.clone());
                uri
            }
        };
        match bound {
            Some(uri) => Resolved::Bound(uri),
            None if prefix.is_none() => Resolved::Unbound,
            None => Resolved::Unknown,
        }
    }

    // Makes the `recent` and `prefixes` tables (generation 0 is never current: their slots
    // start empty).
    fn tables(&mut self) {
        if self.recent.is_empty() {
            self.recent.resize(Self::RECENT, (0, "", false, 0));
            self.prefixes.resize(1 << Self::PREFIX_BITS, (0, "", None));
            self.generation = self.generation.max(1);
        }
    }

    /// Slots of the `prefixes` table.
    const PREFIX_BITS: u32 = 4;

    /// How many spellings have their names shared.
    const SHARED_SPELLINGS: usize = 4096;

    /// Slots of the `recent` table (a power of two: `slot` takes the top bits).
    const RECENT_BITS: u32 = 8;
    const RECENT: usize = 1 << Self::RECENT_BITS;

    /// The id of the name spelled `qualified` (an element's: `element`) as last resolved, if
    /// the scope has not changed since.
    pub(crate) fn recent(&self, qualified: &str, element: bool) -> Option<u32> {
        match self.recent.get(slot(qualified, Self::RECENT_BITS))? {
            (g, q, e, id) if *g == self.generation && *e == element && same_text(q, qualified) => {
                Some(*id)
            }
            _ => None,
        }
    }

    /// Remembers `id` as what `qualified` resolves to in the current scope.
    pub(crate) fn remember(&mut self, qualified: &'t str, element: bool, id: u32) {
        self.tables();
        let at = slot(qualified, Self::RECENT_BITS);
        self.recent[at] = (self.generation, qualified, element, id);
    }

    // Empties `recent`: the prefixes in scope changed.
    fn renew(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // After 2^32 changes: the slots of generation 0 are emptied for real.
            self.recent.iter_mut().for_each(|slot| slot.0 = u32::MAX);
            self.prefixes.iter_mut().for_each(|slot| slot.0 = u32::MAX);
            self.generation = 1;
        }
    }

    /// The id of the name spelled `qualified` (an element's: `element`) if the thread
    /// resolved that spelling before in the same bindings: no prefix to split and look up.
    pub(crate) fn known(&mut self, qualified: &str, element: bool) -> Option<u32> {
        if self.context == NO_CONTEXT {
            return None;
        }
        let (global, name) = self.shared.resolved(self.context, qualified, element)?;
        match name {
            None => self.shared.local_id(global),
            Some(name) => Some(self.take(global, name)),
        }
    }

    // Tells the thread that `qualified` resolves to its name `global` in this context.
    fn learn(&mut self, qualified: &str, element: Option<bool>, global: u32) {
        if let Some(element) = element
            && self.context != NO_CONTEXT
        {
            self.shared.learn(self.context, qualified, element, global);
        }
    }

    // The id of the thread's name `global`, read for the first time in this document.
    fn take(&mut self, global: u32, name: Name) -> u32 {
        let id = self.add(name);
        self.link(global, id);
        id
    }

    fn link(&mut self, global: u32, id: u32) {
        self.shared.link(global, id);
    }

    /// The id of the shared name spelled `qualified` (`prefix`:`local`) bound to `namespace`.
    /// `learn`: the name was resolved as [`Scopes::known`] would (an element's name: `true`),
    /// and the thread remembers it; `None` for names resolved otherwise (declarations).
    pub(crate) fn qualified(
        &mut self,
        qualified: &'t str,
        prefix: Option<&str>,
        local: &str,
        namespace: Option<Arc<str>>,
        learn: Option<bool>,
    ) -> u32 {
        let same = |n: &Name| match (&n.namespace, &namespace) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        // The thread's names first: a name read before (in this document or another) is
        // found with one lookup, and its id in this document beside it, without hashing.
        match self.shared.name(qualified, prefix, local, &same) {
            Some(Found::Here(id, global)) => {
                self.learn(qualified, learn, global);
                return id;
            }
            Some(Found::New(global, name)) => {
                self.learn(qualified, learn, global);
                return self.take(global, name);
            }
            None => {}
        }
        let known = self.spellings.get(qualified).copied();
        if let Some(id) = known
            && self.table.get(id as usize).is_some_and(same)
        {
            return id;
        }
        let name = Name::from(NameParts {
            prefix: prefix.map(|p| self.name(p)),
            local: self.name(local),
            namespace,
        });
        let id = self.add(name.clone());
        if let Some(global) = self.shared.remember(qualified, name) {
            self.learn(qualified, learn, global);
            self.link(global, id);
            return id;
        }
        // A descriptor spells a few hundred names at most; past that, names are not kept
        // for sharing (a hostile element with 100 000 distinct attributes would otherwise pay
        // a key per name).
        if known.is_none() && self.spellings.len() < Self::SHARED_SPELLINGS {
            self.spellings.insert(qualified, id);
        }
        id
    }

    /// The id of a name that is not shared by spelling.
    pub(crate) fn add(&mut self, name: Name) -> u32 {
        // Ids stay below the text's length (one per name read at most), which the reader
        // keeps below 4 GiB.
        let id = u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        if self.table.capacity() == 0 {
            // A descriptor spells a hundred names or so.
            self.table.reserve(128);
        }
        self.table.push(name);
        id
    }

    /// The name of `id`.
    pub(crate) fn get(&self, id: u32) -> &Name {
        &self.table[id as usize]
    }

    /// Every name read, by id.
    pub(crate) fn into_names(mut self) -> Vec<Name> {
        std::mem::take(&mut self.table)
    }

    /// The shared part of a name spelled `text`.
    pub(crate) fn name(&mut self, text: &str) -> Sym {
        Sym::shared(&self.intern(text))
    }

    /// The shared copy of `uri` (or of any text: names share the same set): the thread's
    /// ([`Shared`]), or this document's when that one is full.
    pub(crate) fn intern(&mut self, uri: &str) -> Arc<str> {
        if let Some(known) = self.uris.get(uri) {
            return Arc::clone(known);
        }
        if let Some(shared) = self.shared.intern(uri) {
            return shared;
        }
        let new: Arc<str> = Arc::from(uri);
        self.uris.insert(Arc::clone(&new));
        new
    }
}

/// A prefix and the URI it is bound to (`None`: unbound).
type Binding = (Box<str>, Option<Arc<str>>);

thread_local! {
    // `None` while a document has the names (nothing is made to stand in for them).
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// The URIs and names the documents read by one thread share: descriptors spell the same
/// few hundred names in the same namespaces, and a document read after another finds them
/// made (no allocation, one lookup). Bounded in entries and in the length of each, so no
/// input makes it hold more than a few hundred KiB; entries are never removed (a URI keeps
/// one `Arc` for the thread's life, so names compare their namespaces by pointer).
/// A name [`Shared`] knows.
enum Found {
    /// Read in this document already: its id, and its index in the thread's names.
    Here(u32, u32),
    /// Not yet: its index in the thread's names, and the name.
    New(u32, Name),
}

#[derive(Default)]
struct Shared {
    uris: HashSet<Arc<str>>,
    /// The root declarations seen, each a context (its index plus 2).
    contexts: Vec<Vec<Binding>>,
    /// What spellings resolved to, by a cheap hash of the spelling and the context: the
    /// context, whether an element's, and the index in `names`, in one `u32` (the table
    /// stays small enough for the processor's first cache). A hit is checked against the
    /// name's spelling.
    resolved: Vec<u32>,
    /// The spelling of each name of `names` (its range in `spelled`): compared in one
    /// place, not through the name's parts.
    spelled: String,
    spelled_at: Vec<(u32, u32)>,
    /// By spelling: the indexes in `names` of that spelling (one per namespace it was
    /// bound to).
    spellings: HashMap<Box<str>, Vec<u32>>,
    names: Vec<Name>,
    /// The names last found, by a cheap hash of their spelling: index in `names` plus one.
    recent: Vec<u32>,
    /// For each name of `names`, its id in the document being read: (the document's
    /// number, the id). An entry of another number is not read in this document yet, so no
    /// table is emptied from one document to the next.
    here: Vec<(u32, u32)>,
    /// The number of the document being read (0: none).
    doc: u32,
}

impl Shared {
    // The thread's names, for one document (an empty set when another document being read
    // on this thread has them).
    fn take() -> Shared {
        SHARED
            .try_with(|shared| shared.try_borrow_mut().ok().and_then(|mut s| s.take()))
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    // A new document is read: ids of the one before are no more its own.
    fn next_document(&mut self) {
        self.doc = self.doc.wrapping_add(1);
        if self.doc == 0 {
            self.here.iter_mut().for_each(|entry| *entry = (0, 0));
            self.doc = 1;
        }
    }

    // The id in this document of the thread's name `index`, if it read it.
    fn local_id(&self, index: u32) -> Option<u32> {
        match self.here.get(index as usize) {
            Some(&(doc, id)) if doc == self.doc => Some(id),
            _ => None,
        }
    }

    // Notes `id` as this document's id of the thread's name `index`.
    fn link(&mut self, index: u32, id: u32) {
        let slot = index as usize;
        if self.here.len() <= slot {
            self.here.resize(slot + 1, (0, 0));
        }
        self.here[slot] = (self.doc, id);
    }

    // Gives the thread its names back (the last document read keeps what it learnt).
    fn give_back(names: Shared) {
        let _ = SHARED.try_with(|shared| {
            if let Ok(mut s) = shared.try_borrow_mut() {
                *s = Some(names);
            }
        });
    }

    /// How many URIs, and how many names, a thread keeps.
    const ENTRIES: usize = 4096;
    /// The longest text kept.
    const LONGEST: usize = 256;
    /// Slots of `recent`.
    const RECENT_BITS: u32 = 10;
    /// The namespaces kept for one spelling.
    const NAMESPACES: usize = 4;
    /// How many contexts a thread keeps, and the most declarations in one.
    const CONTEXTS: usize = 64;
    const CONTEXT_DECLARATIONS: usize = 32;
    /// Slots of `resolved`.
    const RESOLVED_BITS: u32 = 12;
    /// The bits of a `resolved` entry that hold the index in `names`.
    const INDEX: u32 = (1 << 15) - 1;

    // The context of a root element declaring `bindings` (URIs shared by the thread, so
    // compared by pointer); `None` when the thread keeps no more contexts.
    fn context(&mut self, bindings: &[(&str, Option<Arc<str>>, u32)]) -> Option<u32> {
        if bindings.len() > Self::CONTEXT_DECLARATIONS
            || bindings.iter().any(|(p, _, _)| p.len() > Self::LONGEST)
        {
            return None;
        }
        {
            // A URI the thread does not share may be freed and its address reused.
            for (_, uri, _) in bindings {
                if let Some(uri) = uri
                    && !self.uris.get(&**uri).is_some_and(|u| Arc::ptr_eq(u, uri))
                {
                    return None;
                }
            }
            let same = |known: &Vec<Binding>| {
                known.len() == bindings.len()
                    && known.iter().zip(bindings).all(|((p, u), (q, v, _))| {
                        **p == **q
                            && match (u, v) {
                                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                                (None, None) => true,
                                _ => false,
                            }
                    })
            };
            let index = match self.contexts.iter().position(same) {
                Some(index) => index,
                None if self.contexts.len() < Self::CONTEXTS => {
                    let owned = bindings
                        .iter()
                        .map(|(p, u, _)| (Box::from(*p), u.clone()))
                        .collect();
                    self.contexts.push(owned);
                    self.contexts.len() - 1
                }
                None => return None,
            };
            u32::try_from(index + 2).ok()
        }
    }

    // The thread's name that `qualified` resolved to in `context`, if remembered: its index,
    // and the name itself when the document being read has not read it yet.
    fn resolved(
        &self,
        context: u32,
        qualified: &str,
        element: bool,
    ) -> Option<(u32, Option<Name>)> {
        let entry = *self.resolved.get(Self::resolved_slot(context, qualified))?;
        if entry >> 16 != context || (entry >> 15) & 1 != u32::from(element) {
            return None;
        }
        let index = entry & Self::INDEX;
        let &(start, end) = self.spelled_at.get(index as usize)?;
        if !same_text(self.spelled.get(start as usize..end as usize)?, qualified) {
            return None;
        }
        match self.local_id(index) {
            Some(_) => Some((index, None)),
            None => Some((index, Some(self.names.get(index as usize)?.clone()))),
        }
    }

    // The slot of `qualified` in `context`: the descriptors of several tools, each with its
    // root declarations, spell the same names.
    fn resolved_slot(context: u32, qualified: &str) -> usize {
        let spread = (context as usize).wrapping_mul(0x9E37_79B9) >> 7;
        (slot(qualified, Self::RESOLVED_BITS) ^ spread) & ((1 << Self::RESOLVED_BITS) - 1)
    }

    // Remembers that `qualified` resolves to the thread's name `index` in `context`.
    fn learn(&mut self, context: u32, qualified: &str, element: bool, index: u32) {
        // Contexts and indexes stay below their bounds (`CONTEXTS` + 2, `ENTRIES`):
        // the packing never truncates.
        if context > 0xFFFF || index > Self::INDEX {
            return;
        }
        if self.resolved.is_empty() {
            self.resolved.resize(1 << Self::RESOLVED_BITS, NO_CONTEXT);
        }
        let at = Self::resolved_slot(context, qualified);
        self.resolved[at] = (context << 16) | (u32::from(element) << 15) | index;
    }

    // The thread's copy of `text`, made if there is room; `None` when it is full.
    fn intern(&mut self, text: &str) -> Option<Arc<str>> {
        if let Some(known) = self.uris.get(text) {
            return Some(Arc::clone(known));
        }
        if self.uris.len() >= Self::ENTRIES || text.len() > Self::LONGEST {
            return None;
        }
        let new: Arc<str> = Arc::from(text);
        self.uris.insert(Arc::clone(&new));
        Some(new)
    }

    // The name spelled `qualified` (`prefix`:`local`) that is `same`, if the thread has read
    // it (found in `recent`, without hashing, else by spelling): its id in the document being
    // read, or its index and the name, to be given one.
    fn name(
        &mut self,
        qualified: &str,
        prefix: Option<&str>,
        local: &str,
        same: &impl Fn(&Name) -> bool,
    ) -> Option<Found> {
        let at = slot(qualified, Self::RECENT_BITS);
        if self.recent.is_empty() {
            self.recent.resize(1 << Self::RECENT_BITS, 0);
        }
        let recent = self.recent[at].checked_sub(1);
        let index = match recent {
            Some(index)
                if self.names.get(index as usize).is_some_and(|name| {
                    same_text(&name.local, local)
                        && match (name.prefix.as_deref(), prefix) {
                            (Some(a), Some(b)) => same_text(a, b),
                            (None, None) => true,
                            _ => false,
                        }
                        && same(name)
                }) =>
            {
                index
            }
            _ => {
                let known = self.spellings.get(qualified)?;
                let index = known
                    .iter()
                    .copied()
                    .find(|&i| self.names.get(i as usize).is_some_and(same))?;
                self.recent[at] = index + 1;
                index
            }
        };
        if let Some(id) = self.local_id(index) {
            return Some(Found::Here(id, index));
        }
        let name = self.names.get(index as usize)?.clone();
        Some(Found::New(index, name))
    }

    // Keeps `name`, spelled `qualified`, for the documents read next: its index, or `None`
    // when there is no room.
    fn remember(&mut self, qualified: &str, name: Name) -> Option<u32> {
        if self.names.len() >= Self::ENTRIES || qualified.len() > Self::LONGEST {
            return None;
        }
        let index = u32::try_from(self.names.len()).ok()?;
        // A spelling is bound to one namespace, seldom two: a few are kept, so that a
        // lookup compares a few names whatever a hostile input rebinds.
        if self
            .spellings
            .get(qualified)
            .is_some_and(|known| known.len() >= Self::NAMESPACES)
        {
            return None;
        }
        // At most ENTRIES spellings of LONGEST bytes: the offsets fit.
        let start = u32::try_from(self.spelled.len()).ok()?;
        let end = u32::try_from(self.spelled.len() + qualified.len()).ok()?;
        self.spelled.push_str(qualified);
        self.spelled_at.push((start, end));
        self.names.push(name);
        self.spellings
            .entry(qualified.into())
            .or_default()
            .push(index);
        Some(index)
    }
}

// The `recent` slot of a spelling: its length, first and last eight bytes mixed by one
// multiplication (not a defence against chosen collisions, which only cost misses).
fn slot(qualified: &str, bits: u32) -> usize {
    let b = qualified.as_bytes();
    let len = u64::try_from(b.len()).unwrap_or(u64::MAX);
    let first = u64::from(b.first().copied().unwrap_or(0));
    let word = last_word(b) ^ (len << 56) ^ (first << 48);
    let mixed = word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits);
    usize::try_from(mixed).unwrap_or(0)
}

// The last eight bytes of `b` as a number (fewer, zero-extended, when shorter): one load for
// the names of a descriptor, which are mostly longer.
fn last_word(b: &[u8]) -> u64 {
    match b.len().checked_sub(8) {
        Some(at) => {
            let mut word = [0u8; 8];
            word.copy_from_slice(&b[at..]);
            u64::from_le_bytes(word)
        }
        None => b.iter().fold(0, |w, &x| (w << 8) | u64::from(x)),
    }
}

// `a == b` for the short texts of names, compared in place (a call to `memcmp` costs more
// than the comparison of a few bytes): eight bytes at a time from both ends.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let last = a.len() - 8;
    if word(a, 0) != word(b, 0) || word(a, last) != word(b, last) {
        return false;
    }
    a.len() <= 16 || a[8..last] == b[8..last]
}

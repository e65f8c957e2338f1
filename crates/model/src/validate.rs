//! Validation of entities against a catalogue: categories resolve, mixins apply, values
//! fit their definitions, required attributes are present, immutable ones do not change.

use std::fmt;

use crate::catalogue::CORE_SCHEME;
use crate::{Catalogue, Category, CategoryId, Entity, Link, Resource, Value, ValueProblem};

/// What the entity rendering is: a full instance from a server, or a client request
/// (which need not carry an `id` or the attributes the server sets, such as `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationMode {
    /// A complete instance, as a server renders it: an id and every required attribute.
    #[default]
    Instance,
    /// A create request, as a client sends it: no id needed, and of the required attributes
    /// only those a client may set: not the immutable ones the server keeps (`state`). A
    /// missing provider-assigned one (a NIC's MAC, a storage link's device id) is still a
    /// [`ValidationError::MissingRequired`], so that a converter can say what it left to the
    /// provider; a judge of requests tells them apart by
    /// [`AttributeDef::provider_assigned`](crate::AttributeDef::provider_assigned) (`tern occi
    /// validate --request` notes them).
    Request,
}

/// One reason an entity is invalid. Every variant names the entity.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ValidationError {
    /// The entity has no identifier.
    MissingId {
        /// The entity's kind.
        kind: CategoryId,
    },
    /// The Kind is not in the catalogue.
    UnknownKind {
        /// The entity.
        entity: String,
        /// The unknown identifier.
        kind: CategoryId,
    },
    /// The Kind identifier names a Mixin or Action.
    NotAKind {
        /// The entity.
        entity: String,
        /// The identifier.
        category: CategoryId,
        /// What it is instead.
        class: crate::CategoryClass,
    },
    /// A resource with a link Kind, or a link with a resource Kind.
    WrongBaseKind {
        /// The entity.
        entity: String,
        /// Its Kind.
        kind: CategoryId,
        /// `core#resource` or `core#link`.
        expected: CategoryId,
    },
    /// A Mixin that is not in the catalogue (or is not a Mixin).
    UnknownMixin {
        /// The entity.
        entity: String,
        /// The identifier.
        mixin: CategoryId,
    },
    /// A Mixin whose `applies` excludes the entity's Kind.
    MixinNotApplicable {
        /// The entity.
        entity: String,
        /// The Mixin.
        mixin: CategoryId,
        /// The entity's Kind.
        kind: CategoryId,
        /// The Kinds the Mixin applies to.
        applies: Vec<CategoryId>,
    },
    /// An attribute no Kind or Mixin of the entity defines.
    UnknownAttribute {
        /// The entity.
        entity: String,
        /// The attribute.
        attribute: String,
    },
    /// A required attribute is absent.
    MissingRequired {
        /// The entity.
        entity: String,
        /// The attribute.
        attribute: String,
    },
    /// An instance lacks a required attribute the provider sets (`state`, a NIC's MAC); a
    /// create request may leave it out ([`ValidationMode::Request`]).
    MissingProviderSet {
        /// The entity.
        entity: String,
        /// The attribute.
        attribute: String,
    },
    /// A value that does not fit its definition.
    BadValue {
        /// The entity.
        entity: String,
        /// The attribute.
        attribute: String,
        /// The offending value.
        value: Value,
        /// Why it does not fit.
        problem: ValueProblem,
    },
    /// An update that changes an immutable attribute.
    ImmutableChanged {
        /// The entity.
        entity: String,
        /// The attribute.
        attribute: String,
        /// Value before (absent: `None`).
        old: Option<Value>,
        /// Value requested (absent: `None`).
        new: Option<Value>,
    },
}

/// All reasons an entity is invalid, in the order found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl Catalogue {
    /// Validates a resource and the links it owns.
    ///
    /// ```
    /// use tern_model::{Catalogue, Entity, OcciVersion, Resource, ValidationMode};
    /// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    /// let mut vm = Entity::new("urn:uuid:1", "http://schemas.ogf.org/occi/infrastructure#compute".parse().unwrap());
    /// vm.attributes.insert("occi.compute.cores", "two");
    /// let errors = catalogue.validate_resource(&Resource::new(vm), ValidationMode::Request).unwrap_err();
    /// assert_eq!(errors.to_string(), "compute urn:uuid:1: attribute occi.compute.cores: value \"two\": expected integer, found string");
    /// ```
    pub fn validate_resource(
        &self,
        resource: &Resource,
        mode: ValidationMode,
    ) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        self.check_entity(
            &resource.entity,
            &CategoryId::new(CORE_SCHEME, "resource"),
            mode,
            &mut errors,
        );
        for link in &resource.links {
            self.check_link(link, mode, &mut errors);
        }
        finish(errors)
    }

    /// Validates a link.
    pub fn validate_link(&self, link: &Link, mode: ValidationMode) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        self.check_link(link, mode, &mut errors);
        finish(errors)
    }

    /// Checks that an update from `old` to `new` leaves immutable attributes (and the
    /// identifier and Kind) unchanged.
    pub fn validate_update(&self, old: &Entity, new: &Entity) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        let name = display_name(old);
        if old.id != new.id {
            errors.push(ValidationError::ImmutableChanged {
                entity: name.clone(),
                attribute: "occi.core.id".into(),
                old: Some(Value::from(old.id.as_str())),
                new: Some(Value::from(new.id.as_str())),
            });
        }
        if old.kind != new.kind {
            errors.push(ValidationError::ImmutableChanged {
                entity: name.clone(),
                attribute: "kind".into(),
                old: Some(Value::from(old.kind.to_string())),
                new: Some(Value::from(new.kind.to_string())),
            });
        }
        for def in self.attribute_index(new).iter().filter(|d| !d.mutable) {
            let (before, after) = (old.attributes.get(&def.name), new.attributes.get(&def.name));
            if before != after && !def.name.starts_with("occi.core.") {
                errors.push(ValidationError::ImmutableChanged {
                    entity: name.clone(),
                    attribute: def.name.clone(),
                    old: before.cloned(),
                    new: after.cloned(),
                });
            }
        }
        finish(errors)
    }

    fn check_link(&self, link: &Link, mode: ValidationMode, errors: &mut Vec<ValidationError>) {
        self.check_entity(
            &link.entity,
            &CategoryId::new(CORE_SCHEME, "link"),
            mode,
            errors,
        );
        for (attribute, end) in [
            ("occi.core.source", &link.source),
            ("occi.core.target", &link.target),
        ] {
            if end.location.is_empty() {
                errors.push(ValidationError::MissingRequired {
                    entity: display_name(&link.entity),
                    attribute: attribute.into(),
                });
            }
        }
    }

    fn check_entity(
        &self,
        entity: &Entity,
        base: &CategoryId,
        mode: ValidationMode,
        errors: &mut Vec<ValidationError>,
    ) {
        let name = display_name(entity);
        if entity.id.is_empty() && mode == ValidationMode::Instance {
            errors.push(ValidationError::MissingId {
                kind: entity.kind.clone(),
            });
        }
        match self.category(&entity.kind) {
            None => {
                errors.push(ValidationError::UnknownKind {
                    entity: name,
                    kind: entity.kind.clone(),
                });
                return; // without a Kind nothing else can be judged
            }
            Some(Category::Kind(_)) => {
                if !self.is_a(&entity.kind, base) {
                    errors.push(ValidationError::WrongBaseKind {
                        entity: name.clone(),
                        kind: entity.kind.clone(),
                        expected: base.clone(),
                    });
                }
            }
            Some(other) => {
                errors.push(ValidationError::NotAKind {
                    entity: name,
                    category: entity.kind.clone(),
                    class: other.class(),
                });
                return;
            }
        }
        for mixin in &entity.mixins {
            match self.mixin(mixin) {
                None => errors.push(ValidationError::UnknownMixin {
                    entity: name.clone(),
                    mixin: mixin.clone(),
                }),
                Some(m)
                    if !m.applies.is_empty()
                        && !m.applies.iter().any(|a| self.is_a(&entity.kind, a)) =>
                {
                    errors.push(ValidationError::MixinNotApplicable {
                        entity: name.clone(),
                        mixin: mixin.clone(),
                        kind: entity.kind.clone(),
                        applies: m.applies.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        let defs = self.attribute_index(entity);
        for (attribute, value) in entity.attributes.iter() {
            match defs.get(attribute) {
                None => errors.push(ValidationError::UnknownAttribute {
                    entity: name.clone(),
                    attribute: attribute.into(),
                }),
                Some(def) => {
                    if let Err(problem) = def.check(value) {
                        errors.push(ValidationError::BadValue {
                            entity: name.clone(),
                            attribute: attribute.into(),
                            value: value.clone(),
                            problem,
                        });
                    }
                }
            }
        }
        // occi.core.* are fields of the model, checked above or by the link check.
        let demanded = |d: &&crate::AttributeDef| {
            d.required()
                && d.default.is_none()
                && !d.name.starts_with("occi.core.")
                && (mode == ValidationMode::Instance || d.mutable)
        };
        for def in defs.iter().filter(demanded) {
            if entity.attributes.get(&def.name).is_none() {
                let (entity, attribute) = (name.clone(), def.name.clone());
                errors.push(match mode {
                    ValidationMode::Instance if !def.required_in_request() => {
                        ValidationError::MissingProviderSet { entity, attribute }
                    }
                    _ => ValidationError::MissingRequired { entity, attribute },
                });
            }
        }
    }
}

fn finish(errors: Vec<ValidationError>) -> Result<(), ValidationErrors> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

// Names an entity by its Kind's term and its id, e.g. `compute urn:uuid:…`.
fn display_name(entity: &Entity) -> String {
    let id = if entity.id.is_empty() {
        "(no id)"
    } else {
        &entity.id
    };
    format!("{} {id}", entity.kind.term())
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::MissingId { kind } => write!(
                f,
                "{} entity without an id (occi.core.id is required of an instance; a create request may leave it to the provider)",
                kind.term()
            ),
            ValidationError::UnknownKind { entity, kind } => {
                write!(f, "{entity}: kind {kind} is not in the catalogue")
            }
            ValidationError::NotAKind {
                entity,
                category,
                class,
            } => {
                write!(f, "{entity}: {category} is a {class}, not a kind")
            }
            ValidationError::WrongBaseKind {
                entity,
                kind,
                expected,
            } => {
                write!(f, "{entity}: kind {kind} does not descend from {expected}")
            }
            ValidationError::UnknownMixin { entity, mixin } => {
                write!(f, "{entity}: mixin {mixin} is not in the catalogue")
            }
            ValidationError::MixinNotApplicable {
                entity,
                mixin,
                kind,
                applies,
            } => {
                let applies: Vec<String> = applies.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "{entity}: mixin {mixin} does not apply to kind {kind} (applies to {})",
                    applies.join(", ")
                )
            }
            ValidationError::UnknownAttribute { entity, attribute } => {
                write!(
                    f,
                    "{entity}: attribute {attribute} is not defined by its kind or mixins"
                )
            }
            ValidationError::MissingRequired { entity, attribute } => {
                write!(f, "{entity}: required attribute {attribute} is missing")
            }
            ValidationError::MissingProviderSet { entity, attribute } => write!(
                f,
                "{entity}: required attribute {attribute} is missing (the provider sets it: an instance carries it, a create request need not)"
            ),
            ValidationError::BadValue {
                entity,
                attribute,
                value,
                problem,
            } => {
                write!(
                    f,
                    "{entity}: attribute {attribute}: value {value}: {problem}"
                )
            }
            ValidationError::ImmutableChanged {
                entity,
                attribute,
                old,
                new,
            } => {
                let show = |v: &Option<Value>| {
                    v.as_ref()
                        .map_or_else(|| "(absent)".to_owned(), ToString::to_string)
                };
                write!(
                    f,
                    "{entity}: attribute {attribute} is immutable: {} -> {}",
                    show(old),
                    show(new)
                )
            }
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

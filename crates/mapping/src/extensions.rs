//! tern's own OCCI categories (data/tern-catalogue.json) and the template mixins the OVF
//! conversion makes from OperatingSystemSection and DeploymentOptionSection.

use tern_model::{Catalogue, CategoryId, Mixin, OcciVersion};

const TERN: &str = include_str!("../data/tern-catalogue.json");

/// Scheme of tern's extension mixins.
pub const TERN_SCHEME_BASE: &str = "http://schemas.tern.dev/occi/";
/// Scheme of OS templates made from CIM OS types.
pub const OS_TEMPLATE_SCHEME: &str = "http://schemas.tern.dev/ovf/os#";
/// Scheme of resource templates made from deployment options.
pub const RESOURCE_TEMPLATE_SCHEME: &str = "http://schemas.tern.dev/ovf/deployment#";

/// OCCI Infrastructure of `version` plus tern's extension mixins.
#[allow(clippy::missing_panics_doc)] // the embedded extension is checked by the tests
pub fn catalogue(version: OcciVersion) -> Catalogue {
    let mut catalogue = Catalogue::infrastructure(version);
    catalogue
        .extend_from_json(TERN)
        .expect("tern's extension catalogue is valid");
    catalogue
}

/// A tern mixin by its scheme suffix and term, e.g. `ovf#disk`.
pub(crate) fn mixin(suffix_and_term: &str) -> CategoryId {
    let (suffix, term) = suffix_and_term
        .split_once('#')
        .unwrap_or(("", suffix_and_term));
    CategoryId::new(format!("{TERN_SCHEME_BASE}{suffix}#"), term)
}

/// The os_tpl mixin for CIM OS type `code`, added to `catalogue` when new.
pub(crate) fn os_template(
    catalogue: &mut Catalogue,
    code: u16,
    description: Option<&str>,
) -> CategoryId {
    let id = CategoryId::new(OS_TEMPLATE_SCHEME, format!("cim-{code}"));
    let title = crate::os::cim_os_type(code)
        .map(|t| t.name)
        .or_else(|| description.map(str::to_owned))
        .unwrap_or_else(|| format!("CIM OS type {code}"));
    template(catalogue, &id, title, "os_tpl");
    id
}

/// The resource_tpl mixin for deployment option `config`, added to `catalogue` when new.
pub(crate) fn resource_template(
    catalogue: &mut Catalogue,
    config: &str,
    label: Option<&str>,
) -> CategoryId {
    let term: String = config
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let id = CategoryId::new(RESOURCE_TEMPLATE_SCHEME, term);
    template(
        catalogue,
        &id,
        label.unwrap_or(config).to_owned(),
        "resource_tpl",
    );
    id
}

fn template(catalogue: &mut Catalogue, id: &CategoryId, title: String, depends: &str) {
    if catalogue.mixin(id).is_some() {
        return;
    }
    let compute = CategoryId::new("http://schemas.ogf.org/occi/infrastructure#", "compute");
    let mixin = Mixin {
        id: id.clone(),
        title: Some(title),
        depends: vec![CategoryId::new(
            "http://schemas.ogf.org/occi/infrastructure#",
            depends,
        )],
        applies: vec![compute],
        attributes: Vec::new(),
        actions: Vec::new(),
        location: Some(format!("/templates/{depends}/{}/", id.term())),
    };
    // The parents are in every infrastructure catalogue and the id is new: this cannot fail.
    let _ = catalogue.add_mixin(mixin);
}

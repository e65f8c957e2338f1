//! OVF identifiers for OCCI resources: the OVF id a resource came from (`urn:ovf:kind:ID`),
//! else its title or the last segment of its id, made unique per kind.

use std::collections::HashMap;

use tern_model::Resource;

/// Names chosen once, so every reference to a resource uses the same one.
pub(crate) struct Names {
    by_id: HashMap<String, String>,
}

impl Names {
    pub(crate) fn new(
        computes: &[&Resource],
        networks: &[&Resource],
        storages: &[&Resource],
    ) -> Self {
        let mut by_id = HashMap::new();
        for group in [computes, networks, storages] {
            let mut taken: Vec<String> = Vec::new();
            for r in group {
                let base = natural(r);
                let mut name = base.clone();
                let mut n = 2;
                while taken.contains(&name) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                taken.push(name.clone());
                by_id.insert(r.entity.id.clone(), name);
            }
        }
        Names { by_id }
    }

    /// The OVF name of `resource`.
    pub(crate) fn of<'a>(&'a self, resource: &Resource) -> &'a str {
        self.by_id
            .get(&resource.entity.id)
            .map_or("unnamed", String::as_str)
    }
}

fn natural(r: &Resource) -> String {
    let id = &r.entity.id;
    if let Some(rest) = id.strip_prefix("urn:ovf:")
        && let Some((_, name)) = rest.split_once(':')
    {
        return name.to_owned();
    }
    let raw = r.entity.title.clone().unwrap_or_else(|| {
        id.rsplit([':', '/'])
            .find(|s| !s.is_empty())
            .unwrap_or("resource")
            .to_owned()
    });
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.is_empty() {
        "resource".to_owned()
    } else {
        clean
    }
}

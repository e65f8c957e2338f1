//! The deployment name an OVF import takes when none is given: one rule, used by the server
//! that names an import and by the client that predicts the name (`tern migrate`).

use tern_ovf::Envelope;

/// The longest deployment name.
pub const MAX_DEPLOYMENT_NAME: usize = 64;

/// The top VirtualSystem(Collection) id, lower-cased, every character other than a letter,
/// a digit or `_` made `-`, leading `-`/`_` dropped, at most [`MAX_DEPLOYMENT_NAME`]
/// characters; `deployment` when nothing is left.
pub fn deployment_name(envelope: &Envelope) -> String {
    let id = envelope
        .content
        .as_ref()
        .and_then(|c| c.id())
        .unwrap_or_default();
    let name: String = id
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut name = name.trim_start_matches(['-', '_']).to_owned();
    name.truncate(MAX_DEPLOYMENT_NAME);
    if name.is_empty() {
        name = "deployment".into();
    }
    name
}

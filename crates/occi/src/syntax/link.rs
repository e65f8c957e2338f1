//! `Link` values: inline links to resources and action links.

use crate::diagnostic::{Diagnostics, Rule};
use crate::leniency::{Leniency, ParseOptions};
use crate::position::Located;

use super::attribute::parse_value;
use super::lexeme::{
    ParamValue, check_attribute_name, check_location, check_term, clip, escape_quoted, params,
    repeated_names, type_ids,
};
use super::{ActionLink, AttributeValue, LinkValue, ResourceLink};

/// Parses one `Link` value.
// One arm per parameter of the grammar; kept together so the grammar reads in one place.
#[allow(clippy::too_many_lines)]
pub fn parse_link(
    value: &Located,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<LinkValue> {
    let text = value.text();
    let Some(inner) = text.strip_prefix('<') else {
        diags.error(
            Rule::BadLink,
            value.position(),
            "a Link value starts with `<URI>`",
        );
        return None;
    };
    let Some(close) = inner.find('>') else {
        diags.error(
            Rule::BadLink,
            value.position(),
            "`<` of the Link value is never closed with `>`",
        );
        return None;
    };
    let uri = &inner[..close];
    if !check_location(uri) {
        diags.error(
            Rule::BadUri,
            value.position_at(1),
            format!("`{}` is not a URI reference", clip(uri)),
        );
        return None;
    }
    let params = params(value, close + 2, options, diags)?;
    if let Some((_, action)) = uri.split_once("?action=") {
        return action_link(uri, action, &params, value, options, diags);
    }
    let mut link = ResourceLink {
        target: uri.to_owned(),
        rel: Vec::new(),
        self_location: None,
        category: Vec::new(),
        attributes: Vec::new(),
        position: value.position(),
    };
    let repeated = repeated_names(&params);
    let mut ok = true;
    for (param, again) in params.into_iter().zip(repeated) {
        let position = value.position_at(param.name_at);
        if again {
            diags.error(
                Rule::DuplicateParameter,
                position,
                format!("parameter `{}` given twice", param.name),
            );
            ok = false;
            continue;
        }
        let value_position = value.position_at(param.value_at);
        if let ("rel" | "self", ParamValue::Bare(_)) = (param.name.as_ref(), &param.value) {
            diags.lenient(
                Leniency::BareToken,
                options.allows(Leniency::BareToken),
                value_position,
                format!("the value of `{}` must be quoted", param.name),
            );
        }
        let text = match &param.value {
            ParamValue::Quoted(s) | ParamValue::Bare(s) => s.as_str(),
        };
        match param.name.as_ref() {
            "rel" => match type_ids(text, value, param.value_at, options, diags) {
                Some(ids) => link.rel = ids,
                None => ok = false,
            },
            "self" => {
                if check_location(text) {
                    link.self_location = Some(text.to_owned());
                } else {
                    diags.error(
                        Rule::BadUri,
                        value_position,
                        format!("self `{}` is not a URI reference", clip(text)),
                    );
                    ok = false;
                }
            }
            // The ABNF has `category` unquoted, but a link with a mixin needs a space-separated
            // list, so every implementation (and the GFD.185 example) quotes it: both are read.
            "category" => match type_ids(text, value, param.value_at, options, diags) {
                Some(ids) => link.category = ids,
                None => ok = false,
            },
            name => {
                if !check_attribute_name(name, options.version) {
                    diags.error(
                        Rule::BadAttributeName,
                        position,
                        format!("`{name}` is not an attribute name"),
                    );
                    ok = false;
                    continue;
                }
                // Re-read the raw value so bare tokens keep their class (number, boolean, token).
                let raw = match &param.value {
                    ParamValue::Quoted(s) => escape_quoted(s),
                    ParamValue::Bare(s) => s.clone(),
                };
                match parse_value(&raw, value, param.value_at, true, options, diags) {
                    Some(v) => link.attributes.push(AttributeValue {
                        name: name.to_owned(),
                        value: v,
                        position,
                    }),
                    None => ok = false,
                }
            }
        }
    }
    if link.rel.is_empty() && ok {
        diags.error(
            Rule::BadLink,
            value.position(),
            "a Link needs `rel` (the target's kind)",
        );
        ok = false;
    }
    ok.then_some(LinkValue::Resource(link))
}

fn action_link(
    uri: &str,
    action: &str,
    params: &[super::lexeme::Param],
    value: &Located,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<LinkValue> {
    if !check_term(action, options.version) {
        diags.error(
            Rule::BadLink,
            value.position_at(1),
            format!("action `{}` in `?action=` is not a term", clip(action)),
        );
        return None;
    }
    let mut rel = None;
    for param in params {
        let position = value.position_at(param.name_at);
        if param.name != "rel" {
            diags.error(
                Rule::UnknownParameter,
                position,
                format!("an action link has only `rel`, not `{}`", param.name),
            );
            return None;
        }
        if rel.is_some() {
            diags.error(
                Rule::DuplicateParameter,
                position,
                "parameter `rel` given twice",
            );
            return None;
        }
        let text = match &param.value {
            ParamValue::Quoted(s) => s,
            ParamValue::Bare(s) => {
                diags.lenient(
                    Leniency::BareToken,
                    options.allows(Leniency::BareToken),
                    value.position_at(param.value_at),
                    "the value of `rel` must be quoted",
                );
                s
            }
        };
        let ids = type_ids(text, value, param.value_at, options, diags)?;
        if ids.len() != 1 {
            diags.error(
                Rule::BadLink,
                value.position_at(param.value_at),
                "an action link's `rel` is one action type identifier",
            );
            return None;
        }
        rel = ids.into_iter().next();
    }
    let Some(rel) = rel else {
        diags.error(
            Rule::BadLink,
            value.position(),
            "an action link needs `rel` (the action's type identifier)",
        );
        return None;
    };
    Some(LinkValue::Action(ActionLink {
        uri: uri.to_owned(),
        rel,
        position: value.position(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::TextValue;
    use tern_diag::Position;

    fn parse(text: &str, options: &ParseOptions) -> (Option<LinkValue>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let l = parse_link(&Located::new(text, Position::START), options, &mut diags);
        (l, diags)
    }

    #[test]
    fn resource_link_with_attributes() {
        let (l, d) = parse(
            r#"</network/123>; rel="http://schemas.ogf.org/occi/infrastructure#network"; self="/link/networkinterface/456"; category="http://schemas.ogf.org/occi/infrastructure#networkinterface http://schemas.ogf.org/occi/infrastructure/networkinterface#ipnetworkinterface"; occi.networkinterface.interface="eth0"; occi.networkinterface.allocation=static; occi.core.id=456"#,
            &ParseOptions::strict(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let Some(LinkValue::Resource(l)) = l else {
            panic!()
        };
        assert_eq!(l.target, "/network/123");
        assert_eq!(l.category.len(), 2);
        assert_eq!(l.attributes[1].value, TextValue::Token("static".into()));
        assert_eq!(l.attributes[2].value, TextValue::Number("456".into()));
    }

    #[test]
    fn action_link() {
        let (l, d) = parse(
            r#"</compute/1?action=start>; rel="http://schemas.ogf.org/occi/infrastructure/compute/action#start""#,
            &ParseOptions::strict(),
        );
        assert!(!d.has_errors());
        assert!(matches!(l, Some(LinkValue::Action(a)) if a.rel.ends_with("#start")));
        let (l, d) = parse(
            r#"</compute/1?action=start>; rel="http://x/action#start"; self="/a""#,
            &ParseOptions::strict(),
        );
        assert!(l.is_none() && d.has_errors());
    }

    #[test]
    fn bad_links() {
        for text in [
            "/network/1; rel=\"http://x#n\"",
            "</network/1; rel=\"http://x#n\"",
            "</network/1>",
            "<http://localhost/r>;rel=\"/rel\"",
        ] {
            let (l, d) = parse(text, &ParseOptions::lenient());
            assert!(l.is_none() && d.has_errors(), "{text}");
        }
    }
}

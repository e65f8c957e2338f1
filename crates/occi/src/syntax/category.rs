//! `Category` values: kinds, mixins and actions with their parameters.

use nom::Parser;
use nom::bytes::complete::take_till;

use crate::diagnostic::{Diagnostics, Rule};
use crate::leniency::{Leniency, ParseOptions};
use crate::position::Located;

use super::lexeme::{
    ParamValue, check_absolute_uri, check_attribute_name, check_location, check_term, clip, params,
    repeated_names, type_ids,
};
use super::{AttributeDecl, CategoryClass, CategoryValue};

/// Parses one `Category` value (one element of the field's comma list).
// One arm per parameter of the grammar; kept together so the grammar reads in one place.
#[allow(clippy::too_many_lines)]
pub fn parse_category(
    value: &Located,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<CategoryValue> {
    let text = value.text();
    let Ok((rest, term)) = take_till::<_, _, ()>(|c| c == ';' || c == ' ' || c == '\t').parse(text)
    else {
        return None;
    };
    if !check_term(term, options.version) {
        diags.error(
            Rule::BadTerm,
            value.position(),
            format!(
                "`{}` is not a term of OCCI {}",
                clip(term),
                version_name(options)
            ),
        );
        return None;
    }
    let params = params(value, text.len() - rest.len(), options, diags)?;
    let repeated = repeated_names(&params);
    let mut category = CategoryValue {
        term: term.to_owned(),
        scheme: String::new(),
        class: CategoryClass::Kind,
        title: None,
        rel: Vec::new(),
        location: None,
        attributes: Vec::new(),
        actions: Vec::new(),
        position: value.position(),
    };
    let (mut has_scheme, mut has_class, mut ok) = (false, false, true);
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
        let (text, quoted) = match &param.value {
            ParamValue::Quoted(s) => (s.as_str(), true),
            ParamValue::Bare(s) => (s.as_str(), false),
        };
        let value_position = value.position_at(param.value_at);
        // `class` alone may be unquoted (GFD.229 `class | <"> class <">`).
        if !quoted && param.name != "class" {
            diags.lenient(
                Leniency::BareToken,
                options.allows(Leniency::BareToken),
                value_position,
                format!("the value of `{}` must be quoted", param.name),
            );
        }
        match param.name.as_ref() {
            "scheme" => {
                has_scheme = true;
                if check_absolute_uri(text) {
                    text.clone_into(&mut category.scheme);
                } else {
                    diags.error(
                        Rule::BadUri,
                        value_position,
                        format!("scheme `{}` is not an absolute URI", clip(text)),
                    );
                    ok = false;
                }
            }
            "class" => {
                has_class = true;
                match text.to_ascii_lowercase().as_str() {
                    "kind" => category.class = CategoryClass::Kind,
                    "mixin" => category.class = CategoryClass::Mixin,
                    "action" => category.class = CategoryClass::Action,
                    _ => {
                        diags.error(
                            Rule::BadClass,
                            value_position,
                            format!("class `{}` is not one of kind, mixin, action", clip(text)),
                        );
                        ok = false;
                    }
                }
            }
            "title" => category.title = Some(text.to_owned()),
            // `rel` is one type identifier (the parent Kind, or a Mixin's first `depends`).
            "rel" => match type_ids(text, value, param.value_at, options, diags) {
                Some(ids) if ids.len() == 1 => category.rel = ids,
                Some(ids) => {
                    diags.lenient(
                        Leniency::MultipleRel,
                        options.allows(Leniency::MultipleRel),
                        value_position,
                        "`rel` of a Category is a single type identifier",
                    );
                    category.rel = ids;
                }
                None => ok = false,
            },
            "location" => {
                if check_location(text) {
                    category.location = Some(text.to_owned());
                } else {
                    diags.error(
                        Rule::BadUri,
                        value_position,
                        format!("location `{}` is not a URI", clip(text)),
                    );
                    ok = false;
                }
            }
            "attributes" => match attribute_list(text, value, param.value_at, options, diags) {
                Some(list) => category.attributes = list,
                None => ok = false,
            },
            "actions" => match type_ids(text, value, param.value_at, options, diags) {
                Some(ids) => category.actions = ids,
                None => ok = false,
            },
            other => {
                diags.error(
                    Rule::UnknownParameter,
                    position,
                    format!("`{other}` is not a Category parameter"),
                );
                ok = false;
            }
        }
    }
    if !has_scheme {
        diags.error(
            Rule::MissingScheme,
            value.position(),
            format!("Category `{term}` has no scheme"),
        );
        ok = false;
    }
    if !has_class {
        diags.error(
            Rule::MissingClass,
            value.position(),
            format!("Category `{term}` has no class"),
        );
        ok = false;
    }
    ok.then_some(category)
}

fn attribute_list(
    text: &str,
    value: &Located,
    at: usize,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<AttributeDecl>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(' ');
    while !rest.is_empty() {
        let name_end = rest.find([' ', '{']).unwrap_or(rest.len());
        let name = &rest[..name_end];
        let mut decl = AttributeDecl {
            name: name.to_owned(),
            required: false,
            immutable: false,
        };
        if !check_attribute_name(name, options.version) {
            diags.error(
                Rule::BadAttributeDef,
                value.position_at(at),
                format!("`{}` is not an attribute name", clip(name)),
            );
            return None;
        }
        rest = &rest[name_end..];
        if let Some(props) = rest.strip_prefix('{') {
            let Some(close) = props.find('}') else {
                diags.error(
                    Rule::BadAttributeDef,
                    value.position_at(at),
                    format!("`{{` after `{name}` is never closed"),
                );
                return None;
            };
            for property in props[..close].split(' ').filter(|p| !p.is_empty()) {
                match property {
                    "required" => decl.required = true,
                    "immutable" => decl.immutable = true,
                    other => {
                        diags.error(
                            Rule::BadAttributeDef,
                            value.position_at(at),
                            format!(
                                "`{}` of `{name}` is not a property (required, immutable)",
                                clip(other)
                            ),
                        );
                        return None;
                    }
                }
            }
            rest = &props[close + 1..];
        }
        if !rest.is_empty() && !rest.starts_with(' ') {
            diags.error(
                Rule::BadAttributeDef,
                value.position_at(at),
                format!("attribute declarations must be separated by spaces after `{name}`"),
            );
            return None;
        }
        rest = rest.trim_start_matches(' ');
        out.push(decl);
    }
    Some(out)
}

fn version_name(options: &ParseOptions) -> &'static str {
    options.version.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tern_diag::Position;

    fn parse(text: &str, options: &ParseOptions) -> (Option<CategoryValue>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let c = parse_category(&Located::new(text, Position::START), options, &mut diags);
        (c, diags)
    }

    #[test]
    fn full_kind_line() {
        let (c, d) = parse(
            r#"compute; scheme="http://schemas.ogf.org/occi/infrastructure#"; class="kind"; title="Compute Resource"; rel="http://schemas.ogf.org/occi/core#resource"; location="/compute/"; attributes="occi.compute.cores occi.compute.state{immutable required}"; actions="http://schemas.ogf.org/occi/infrastructure/compute/action#start""#,
            &ParseOptions::strict(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(
            c.type_id(),
            "http://schemas.ogf.org/occi/infrastructure#compute"
        );
        assert_eq!(
            c.attributes[1],
            AttributeDecl {
                name: "occi.compute.state".into(),
                required: true,
                immutable: true
            }
        );
        assert_eq!(c.location.as_deref(), Some("/compute/"));
    }

    #[test]
    fn spec_example_needs_two_leniencies() {
        let line = r#"compute; scheme="http://schemas.ogf.org/occi/infrastructure#" class="kind";"#;
        let (c, d) = parse(line, &ParseOptions::strict());
        assert!(c.is_some() && d.has_errors());
        let ids: Vec<_> = d.items().iter().map(|x| x.rule.as_ref()).collect();
        assert_eq!(
            ids,
            ["lenient.missing-semicolon", "lenient.trailing-semicolon"]
        );
        let (_, d) = parse(line, &ParseOptions::lenient());
        assert!(!d.has_errors());
    }

    #[test]
    fn errors_name_the_rule() {
        let cases = [
            (r#"entity; class="kind""#, "text.missing-scheme"),
            (r#"entity; scheme="http://x#""#, "text.missing-class"),
            (
                r#"kind; scheme="http://x#"; class="myClass""#,
                "text.bad-class",
            ),
            (r#"kind; scheme="myScheme"; class="kind""#, "text.bad-uri"),
            (
                r#"e; scheme="http://x#"; class="kind"; attributes="a{asdasd}""#,
                "text.bad-attribute-def",
            ),
            (
                r#"e; scheme="http://x#"; class="kind"; class="mixin""#,
                "text.duplicate-parameter",
            ),
            (
                r#"e; scheme="http://x#"; class="kind"; colour="red""#,
                "text.unknown-parameter",
            ),
            (r#"-e; scheme="http://x#"; class="kind""#, "text.bad-term"),
        ];
        for (line, rule) in cases {
            let (c, d) = parse(line, &ParseOptions::lenient());
            assert!(c.is_none(), "{line}");
            assert_eq!(
                d.items()
                    .iter()
                    .find(|x| x.severity == tern_diag::Severity::Error)
                    .unwrap()
                    .rule
                    .as_ref(),
                rule,
                "{line}"
            );
        }
    }

    #[test]
    fn several_rel_identifiers_are_a_leniency() {
        let line = r#"e; scheme="http://x#"; class="mixin"; rel="http://x#a http://x#b""#;
        let (_, d) = parse(line, &ParseOptions::strict());
        assert_eq!(d.items()[0].rule.as_ref(), "lenient.multiple-rel");
        assert!(d.has_errors());
        let (c, d) = parse(line, &ParseOptions::lenient());
        assert_eq!(c.unwrap().rel.len(), 2);
        assert!(!d.has_errors());
    }

    #[test]
    fn bare_scheme_is_lenient_bare_class_is_legal() {
        let (c, d) = parse("a; scheme=http://x#; class=mixin", &ParseOptions::strict());
        assert!(c.is_some());
        assert_eq!(d.items().len(), 1);
        assert_eq!(d.items()[0].rule.as_ref(), "lenient.bare-token");
    }
}

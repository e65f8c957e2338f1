//! Content negotiation: which rendering a response uses (`Accept`, 406) and which a request
//! body is in (`Content-Type`, 415).

use tern_model::OcciVersion;
use tern_occi::MediaType;

use crate::render::Reply;

/// What a target can answer in: entities and the query interface, or collections (which
/// add `text/uri-list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Single,
    Collection,
}

/// The media types served, default first.
pub(crate) fn offered(version: OcciVersion, target: Target) -> Vec<MediaType> {
    let mut out = vec![MediaType::TextPlain, MediaType::TextOcci];
    if version == OcciVersion::V1_2 {
        out.extend([
            MediaType::TextOcciPlain,
            MediaType::OcciJson,
            MediaType::Json,
        ]);
    }
    if target == Target::Collection {
        out.push(MediaType::UriList);
    }
    out
}

/// The media types a request body may be in.
pub(crate) fn readable(version: OcciVersion) -> Vec<MediaType> {
    let mut out = vec![
        MediaType::TextPlain,
        MediaType::TextOcci,
        MediaType::UriList,
    ];
    if version == OcciVersion::V1_2 {
        out.extend([
            MediaType::TextOcciPlain,
            MediaType::OcciJson,
            MediaType::Json,
        ]);
    }
    out
}

/// The response's media type from `Accept` (q-values honoured, wildcards mapped to the
/// default), or 406 naming what is served.
pub(crate) fn output(accept: Option<&str>, offer: &[MediaType]) -> Result<MediaType, Reply> {
    let default = offer.first().copied().unwrap_or(MediaType::TextPlain);
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(default);
    };
    let mut best: Option<(u32, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .map_or(1000, |q| quality(&q));
        if q == 0 {
            continue;
        }
        let candidate = match essence.as_str() {
            "*/*" => Some(default),
            "text/*" => Some(MediaType::TextPlain),
            "application/*" => offer.iter().copied().find(|m| m.is_json()),
            other => other
                .parse::<MediaType>()
                .ok()
                .filter(|m| offer.contains(m)),
        };
        if let Some(m) = candidate
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, m));
        }
    }
    best.map(|(_, m)| m)
        .ok_or_else(|| Reply::not_acceptable(accept, offer))
}

/// The request body's media type: the declared `Content-Type` (415 when it is not served),
/// else `text/occi` when the OCCI fields are in the headers, else what the body shows.
pub(crate) fn input(
    content_type: Option<&str>,
    body: &str,
    occi_headers: bool,
    readable: &[MediaType],
) -> Result<MediaType, Reply> {
    match content_type.filter(|c| !c.trim().is_empty()) {
        Some(declared) => declared
            .parse::<MediaType>()
            .ok()
            .filter(|m| readable.contains(m))
            .ok_or_else(|| Reply::unsupported(declared, readable)),
        None if body.trim().is_empty() && occi_headers => Ok(MediaType::TextOcci),
        None => Ok(MediaType::detect(body)),
    }
}

// `q=0.5` as thousandths; anything unreadable is 0 (not acceptable).
pub(crate) fn quality(q: &str) -> u32 {
    let q = q.trim();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    let whole: u32 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return 0,
    };
    let digits: String = frac.chars().take(3).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    let frac = format!("{digits:0<3}").parse::<u32>().unwrap_or(0);
    (whole + frac).min(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers() {
        let offer = offered(OcciVersion::V1_2, Target::Collection);
        let pick = |a: &str| output(Some(a), &offer).map_err(|r| r.status);
        assert_eq!(pick("application/occi+json"), Ok(MediaType::OcciJson));
        assert_eq!(
            pick("text/uri-list;q=0.5, text/plain;q=0.9"),
            Ok(MediaType::TextPlain)
        );
        assert_eq!(pick("*/*"), Ok(MediaType::TextPlain));
        assert_eq!(pick("application/*"), Ok(MediaType::OcciJson));
        assert_eq!(pick("image/png"), Err(406));
        assert_eq!(pick("text/plain;q=0"), Err(406));
        let single = offered(OcciVersion::V1_1, Target::Single);
        assert_eq!(
            output(Some("application/occi+json"), &single).map_err(|r| r.status),
            Err(406)
        );
    }
}

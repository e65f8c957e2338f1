//! Any text as a CDMI query string: parsing never panics, and a parsed query renders in
//! both syntaxes to text that parses back to the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_cdmi::query::{Query, QuerySyntax};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(query) = Query::parse(text) {
        for syntax in [QuerySyntax::V1, QuerySyntax::V2] {
            let rendered = query.render(syntax);
            let back = Query::parse(&rendered).expect("a rendered query parses");
            assert_eq!(back.items, query.items, "{rendered}");
        }
    }
});

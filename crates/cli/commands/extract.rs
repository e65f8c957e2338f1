//! `tern extract`: the runtime model of a live OCCI endpoint (tern-client), written as one
//! entity collection.

use std::path::PathBuf;

use clap::Args;
use tern_occi::{Document, Listing, MediaType};

use super::apply::{ConnectArgs, client_error};
use crate::app::GlobalArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

/// Examples of `tern extract`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  tern extract --endpoint http://127.0.0.1:8787 -o running.json
  tern extract --endpoint https://cloud.example --token \"$TERN_TOKEN\" --to text/plain";

/// Arguments of `tern extract`.
#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Media type written: application/occi+json (the default), text/plain or
    /// text/occi+plain (one body per entity, separated by blank lines).
    #[arg(long, value_name = "MEDIA", default_value = "application/occi+json")]
    to: MediaType,
    /// Where to write the collection (stdout when absent).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `tern extract`.
pub(crate) fn run(args: &ExtractArgs, _global: &GlobalArgs) -> Result<Outcome, CliError> {
    let client = args.connect.client()?;
    let parallel = args.connect.parallel();
    let extracted = tern_client::block_on(tern_client::extract(&client, parallel))
        .map_err(client_error)?
        .map_err(client_error)?;
    let listing = Listing {
        resources: extracted.collection.resources().to_vec(),
        links: extracted.collection.standalone_links().to_vec(),
        // The user mixins the entities use: applied to another server, they are defined
        // there first.
        mixins: extracted.mixins,
        ..Listing::default()
    };
    let options = tern_occi::WriteOptions {
        collection: tern_occi::CollectionForm::Bodies,
    };
    let text = tern_occi::write_with(&Document::Listing(listing), args.to, &options).text;
    match &args.output {
        Some(path) => output::write_file(path, text.as_bytes())?,
        None => output::print(&text)?,
    }
    Ok(Outcome::Ok)
}

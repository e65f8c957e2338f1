//! `tern deploy`: an OVF package's initial deployment on a live endpoint: ovf2occi
//! (tern-mapping), then `apply` of the result.

use std::path::PathBuf;

use clap::Args;
use tern_diag::Finding;
use tern_mapping::ovf2occi::{self, Options};
use tern_model::OcciVersion;

use super::apply::{RunArgs, apply_collection};
use crate::app::GlobalArgs;
use crate::exit::{CliError, Outcome};

/// Examples of `tern deploy`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  tern deploy --endpoint http://127.0.0.1:8787 --auto-approve samples/ovf/hadoop-cluster.ovf
  tern deploy --endpoint https://cloud.example --deployment-option small --prop k=v vm.ova";

/// Arguments of `tern deploy`.
#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    run: RunArgs,
    /// The OVF descriptor (.ovf) or OVA archive (.ova) to deploy.
    package: PathBuf,
    /// The deployment option (DeploymentOptionSection Configuration id) to deploy.
    #[arg(long, value_name = "NAME")]
    deployment_option: Option<String>,
    /// A property value (repeatable), overriding the descriptor's default.
    #[arg(long = "prop", value_name = "KEY=VALUE", value_parser = parse_property)]
    properties: Vec<(String, String)>,
    /// Base URL of the CDMI container the disks are (or will be) stored in: the storage
    /// links carry their object IDs.
    #[arg(long, value_name = "URL")]
    cdmi_base: Option<String>,
}

fn parse_property(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is no KEY=VALUE"))
}

/// `tern deploy`.
pub(crate) fn run(args: &DeployArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (name, bytes) = crate::input::descriptor(&args.package, global)?;
    let doc = match tern_ovf::Document::parse(&bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let source = String::from_utf8_lossy(&bytes);
            return Err(CliError::invalid_in(e.to_finding().in_file(&name), &source));
        }
    };
    let options = Options {
        version: OcciVersion::V1_2,
        cdmi_base: args.cdmi_base.clone(),
        deployment_option: args.deployment_option.clone(),
        properties: args.properties.clone(),
        envelope_name: args
            .package
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        cdmi_enterprise: 0,
    };
    let conversion = ovf2occi::ovf_to_occi(&doc, &options)
        .map_err(|e| CliError::invalid(Finding::error("ovf2occi", e.to_string()).in_file(&name)))?;
    apply_collection(
        &conversion.collection,
        &conversion.catalogue,
        &args.run,
        global,
    )
}

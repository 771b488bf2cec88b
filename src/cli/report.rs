//! `cityfreight report`: rebuild an output folder's HTML page from its `report.json`, or write
//! a policy's public notice alone (its zones, rules and permits on the extract's map).

use super::common::{load_network, ClassesArg};
use super::CliResult;
use std::path::PathBuf;

/// Arguments of `report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An output folder of `plan`, `share`, `two-tier`, `sweep` or `check --out`: its
    /// report.html is rebuilt from its report.json.
    #[arg(required_unless_present = "policy", conflicts_with = "policy")]
    dir: Option<PathBuf>,
    /// Write the public notice of this policy TOML alone (needs --osm and --out).
    #[arg(long, value_name = "POLICY.toml", requires_all = ["osm", "out"])]
    policy: Option<PathBuf>,
    /// The extract whose roads are the notice's basemap (and whose graph places the zones).
    #[arg(long, value_name = "FILE")]
    osm: Option<PathBuf>,
    /// Output folder of the notice (report.html, report.json); replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    classes: ClassesArg,
}

/// Run `report`.
pub fn run(args: Args) -> CliResult {
    if let Some(dir) = &args.dir {
        let page = crate::report::rebuild(dir)?;
        eprintln!("wrote {}", page.display());
        return Ok(());
    }
    let (Some(policy), Some(osm), Some(out)) = (&args.policy, &args.osm, &args.out) else {
        return Err("report: give an output folder, or --policy with --osm and --out".into());
    };
    let classes = args.classes.load()?;
    let policy_data = crate::io::policy::read_policy(policy, &classes)?;
    let network = load_network(osm, &classes)?;
    let name = format!(
        "Public notice: {}",
        policy
            .file_stem()
            .map_or("policy".into(), |s| s.to_string_lossy())
    );
    let page = crate::report::policy_page(&name, &policy_data, &network.graph);
    crate::io::atomic::write_dir_atomically(out, |tmp| {
        crate::io::plan_out::write_extra(tmp, &crate::report::files(&page))
    })
    .map_err(crate::io::plan_out::Error::from)?;
    eprintln!("wrote {}", out.join(crate::report::PAGE_FILE).display());
    Ok(())
}

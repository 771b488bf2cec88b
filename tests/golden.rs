//! Golden outputs: the demo's `plan.json`, `kpis.csv` and `streets.csv` (from `cityfreight plan`)
//! and the share demo's `allocation.json` (from `cityfreight share`) must equal the files
//! committed under `tests/golden/`, byte for byte. A change that moves them on purpose rewrites
//! them with
//!
//! ```sh
//! CITYFREIGHT_BLESS=1 cargo test --release --test golden
//! ```
//!
//! and says in its commit why they moved; a refactor leaves them as they are.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the binary with `args`, failing with its stderr when it fails.
fn cityfreight(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cityfreight {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compare `produced/name` with `tests/golden/set/name`, or rewrite the golden file when
/// `CITYFREIGHT_BLESS` is set. Returns a description of the first difference, if any.
fn compare(produced: &Path, set: &str, name: &str) -> Option<String> {
    let golden = root().join("tests/golden").join(set).join(name);
    let new = std::fs::read(produced.join(name)).unwrap();
    if std::env::var_os("CITYFREIGHT_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &new).unwrap();
        return None;
    }
    let old = std::fs::read(&golden).unwrap_or_default();
    if old == new {
        return None;
    }
    let (old, new) = (String::from_utf8_lossy(&old), String::from_utf8_lossy(&new));
    let line = old
        .lines()
        .zip(new.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(old.lines().count().min(new.lines().count()));
    Some(format!(
        "{set}/{name} differs from the golden file at line {}:\n  golden:   {}\n  produced: {}\n(CITYFREIGHT_BLESS=1 cargo test --release --test golden rewrites it, if the change is meant)",
        line + 1,
        old.lines().nth(line).unwrap_or("<end of file>"),
        new.lines().nth(line).unwrap_or("<end of file>"),
    ))
}

#[test]
fn demo_plan_outputs_match_the_golden_files() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("plan");
    cityfreight(&[
        "plan",
        "data/scenarios/chengdu-core/scenario.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let diffs: Vec<String> = ["plan.json", "kpis.csv", "streets.csv"]
        .iter()
        .filter_map(|name| compare(&dir, "chengdu-core", name))
        .collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn share_demo_allocation_matches_the_golden_file() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("share");
    cityfreight(&[
        "share",
        "data/scenarios/chengdu-core/scenario.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    if let Some(diff) = compare(&dir, "share", "allocation.json") {
        panic!("{diff}");
    }
}

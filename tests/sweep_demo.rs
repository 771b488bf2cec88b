//! Sweeps on the demo: an interrupted sweep, resumed, plans only what is missing and gives the
//! same table; a failing variant is reported while the others finish; unknown fields are errors.

mod common;

use cityfreight::io::runs::RunStore;
use cityfreight::io::scenario::read_scenario;
use cityfreight::io::sweep::{load_outcome, read_sweep, store_outcome, write_comparison, Sweep};
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::sweep::{run, Outcome};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

fn write_sweep(dir: &Path, variants: &str) -> Sweep {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core");
    common::copy_demo_data(dir);
    std::fs::copy(demo.join("scenario.toml"), dir.join("scenario.toml")).unwrap();
    let scenario = std::fs::read_to_string(dir.join("scenario.toml"))
        .unwrap()
        .replace("../../osm/", &format!("{}/", common::extract("").display()))
        .replace("iterations = 1500", "iterations = 300");
    std::fs::write(dir.join("scenario.toml"), scenario).unwrap();
    std::fs::write(
        dir.join("sweep.toml"),
        format!("base = \"scenario.toml\"\n{variants}"),
    )
    .unwrap();
    read_sweep(&dir.join("sweep.toml")).unwrap()
}

/// Run the sweep into `out`; returns the comparison CSV and how many variants were planned.
fn sweep_into(sweep: &Sweep, out: &Path) -> (String, usize) {
    let base = read_scenario(&sweep.base).unwrap();
    let net = Network::load(&base.osm, &base.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let fp = |name: &str| {
        sweep.hashes[sweep.variants.iter().position(|v| v.name == name).unwrap()].clone()
    };
    let store = RunStore::new(out);
    let planned = AtomicUsize::new(0);
    let outcomes = run(
        &base,
        &sweep.variants,
        &net,
        &engine,
        &|v| load_outcome(&store, &fp(&v.name)),
        &|v, o| {
            planned.fetch_add(1, Ordering::Relaxed);
            store_outcome(&store, v, &fp(&v.name), o).unwrap();
        },
    );
    write_comparison(out, sweep, &outcomes).unwrap();
    (
        std::fs::read_to_string(out.join("comparison.csv")).unwrap(),
        planned.into_inner(),
    )
}

const VARIANTS: &str = "[[variant]]\nname = \"baseline\"\n\n[[variant]]\nname = \"quota-2\"\npermit_quota = { green-pass = 2 }\n\n[[variant]]\nname = \"broken\"\nrule_hours = { no-such-rule = \"07:00-09:00\" }\n\n[[variant]]\nname = \"pooled\"\npooling = true\n";

#[test]
fn an_interrupted_sweep_resumes_to_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write_sweep(dir.path(), VARIANTS);
    let (out_a, out_b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&out_a).unwrap();
    std::fs::create_dir_all(&out_b).unwrap();
    let (full, planned) = sweep_into(&sweep, &out_a);
    assert_eq!(planned, 4);
    // Interrupt: only two variants had finished.
    sweep_into(&sweep, &out_b);
    for k in [1, 3] {
        std::fs::remove_file(out_b.join("runs").join(format!("{}.json", sweep.hashes[k]))).unwrap();
    }
    let (resumed, planned) = sweep_into(&sweep, &out_b);
    assert_eq!(planned, 2, "only the missing variants are planned");
    assert_eq!(resumed, full);
    // The broken variant is reported, the others are planned.
    assert!(full.contains("broken,failed"), "{full}");
    assert!(full.contains("pooled,ok,all,cost,yuan,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_a.join("comparison.json")).unwrap())
            .unwrap();
    let broken = json["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["variant"] == "broken")
        .unwrap();
    assert!(broken["error"].as_str().unwrap().contains("no-such-rule"));
    // A changed variant is planned again (its run hash changed).
    let changed = write_sweep(
        dir.path(),
        &VARIANTS.replace("green-pass = 2", "green-pass = 3"),
    );
    let (_, planned) = sweep_into(&changed, &out_b);
    assert_eq!(planned, 1);
    let quota = load_outcome(&RunStore::new(&out_b), &changed.hashes[1]);
    assert!(matches!(quota, Some(Outcome::Planned(_))));
}

#[test]
fn unknown_fields_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_sweep(dir.path(), "[[variant]]\nname = \"a\"\n");
    std::fs::write(dir.path().join("sweep.toml"), "base = \"scenario.toml\"\n[[variant]]\nname = \"a\"\ntrams = false\n\n[[variant]]\nname = \"b\"\nrule_hours = { x = \"25:00-26:00\" }\n").unwrap();
    let err = read_sweep(&dir.path().join("sweep.toml"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("trams") && err.contains("#1"), "{err}");
    assert!(err.contains("25:00") && err.contains("`b`"), "{err}");
}

//! Sharded runs through the binary: the demo sweep and share tables planned in shards and merged
//! are byte-identical to one process's (iteration budgets); a shard killed part-way is named by
//! `merge`, and re-running that shard alone completes the table; a failed run's error, an
//! invalid result file and a changed input are reported by `merge`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cityfreight"));
    // No scheduler variables from the environment the tests run in (a CI job array).
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(var);
    }
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "cityfreight {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "cityfreight {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The demo scenario and sweep copied into `dir`, with `iterations` per search.
fn demo_copy(dir: &Path, iterations: u64) -> (PathBuf, PathBuf) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core");
    common::copy_demo_data(dir);
    let scenario = std::fs::read_to_string(demo.join("scenario.toml"))
        .unwrap()
        .replace("../../osm/", &format!("{}/", common::extract("").display()))
        .replace("iterations = 1500", &format!("iterations = {iterations}"));
    std::fs::write(dir.join("scenario.toml"), scenario).unwrap();
    std::fs::copy(demo.join("sweep.toml"), dir.join("sweep.toml")).unwrap();
    (dir.join("scenario.toml"), dir.join("sweep.toml"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_sweep_in_shards_merges_to_the_single_process_table_and_a_killed_shard_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sweep) = demo_copy(dir.path(), 200);
    let (one, sharded) = (dir.path().join("one"), dir.path().join("sharded"));
    ok(&["sweep", s(&sweep), "--out", s(&one)]);

    // Shard 0 of 2 finishes; shard 1, one variant at a time, is killed once its first result is in.
    ok(&["sweep", s(&sweep), "--out", s(&sharded), "--shard", "0/2"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&sharded.join("manifest.json"))).unwrap();
    let hashes: Vec<String> = manifest["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hash"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hashes.len(), 7);
    let shard1: Vec<&String> = hashes.iter().skip(1).step_by(2).collect();
    let result = |h: &str| sharded.join("runs").join(format!("{h}.json"));
    let mut child = bin()
        .args(["sweep", s(&sweep), "--out", s(&sharded), "--shard", "1/2"])
        .env("RAYON_NUM_THREADS", "1")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !shard1.iter().any(|h| result(h).exists()) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "shard 1/2 wrote no result in 300 s"
        );
        assert!(child.try_wait().unwrap().is_none(), "shard 1/2 ended first");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let done = shard1.iter().filter(|h| result(h).exists()).count();
    assert!(
        done < shard1.len(),
        "the shard finished before it was killed"
    );
    let err = fails(&["merge", s(&sharded)]);
    assert!(
        err.contains(&format!("{} of 7 runs", shard1.len() - done)),
        "{err}"
    );
    assert!(err.contains("shard 1/2"), "{err}");
    assert!(
        err.contains("never finished") && err.contains("--shard 1/2"),
        "{err}"
    );
    assert!(!sharded.join("comparison.csv").exists());
    // Re-running that shard alone plans only what is missing and completes the table.
    let rerun = ok(&["sweep", s(&sweep), "--out", s(&sharded), "--shard", "1/2"]);
    assert!(rerun.contains(&format!("({done} resumed)")), "{rerun}");
    ok(&["merge", s(&sharded)]);
    for name in ["comparison.csv", "comparison.json"] {
        assert!(
            read(&one.join(name)) == read(&sharded.join(name)),
            "{name} differs between one process and merged shards"
        );
    }
    // A result file that is not valid (truncated) is named, and a re-run replaces it.
    std::fs::write(result(&hashes[2]), "{\"format\": 1, \"ru").unwrap();
    let err = fails(&["merge", s(&sharded)]);
    assert!(
        err.contains("invalid result file") && err.contains("shard 0/2"),
        "{err}"
    );
    ok(&["sweep", s(&sweep), "--out", s(&sharded), "--shard", "0/2"]);
    ok(&["merge", s(&sharded), "--out", s(&dir.path().join("again"))]);
    assert!(read(&one.join("comparison.csv")) == read(&dir.path().join("again/comparison.csv")));
    // An input changed after the shards ran: merge names the runs that no longer match.
    let orders = dir.path().join("orders-jd.csv");
    let text = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(&orders, text + "\n").unwrap();
    let err = fails(&["merge", s(&sharded)]);
    assert!(
        err.contains("changed since the shards ran") && err.contains("baseline"),
        "{err}"
    );
}

#[test]
fn share_tables_from_shards_equal_one_process_and_a_failed_run_is_named_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, _) = demo_copy(dir.path(), 200);
    let (one, merged, runs) = (
        dir.path().join("one"),
        dir.path().join("merged"),
        dir.path().join("runs"),
    );
    ok(&["share", s(&scenario), "--out", s(&one)]);
    let shard = |i: usize| {
        let spec = format!("{i}/3");
        ok(&[
            "share",
            s(&scenario),
            "--out",
            s(&merged),
            "--runs",
            s(&runs),
            "--shard",
            &spec,
        ])
    };
    // Without --runs a sharded share has nowhere to put its runs.
    assert!(
        fails(&["share", s(&scenario), "--out", s(&merged), "--shard", "0/3"]).contains("--runs")
    );
    shard(0);
    shard(2);
    let err = fails(&["merge", s(&runs)]);
    assert!(
        err.contains("shard 1/3") && err.contains("never started"),
        "{err}"
    );
    shard(1);
    // A run that stopped with an error: merge names it with the error and its shard.
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&runs.join("manifest.json"))).unwrap();
    let run = &manifest["runs"][4];
    let (hash, name) = (run["hash"].as_str().unwrap(), run["name"].as_str().unwrap());
    let file = runs.join("runs").join(format!("{hash}.json"));
    let good = read(&file);
    std::fs::write(
        &file,
        serde_json::to_vec(&serde_json::json!({"format": 1, "run": hash, "kind": "share-coalition", "name": name, "status": "error", "error": "solver: out of memory"})).unwrap(),
    )
    .unwrap();
    let err = fails(&["merge", s(&runs)]);
    assert!(
        err.contains(name)
            && err.contains("failed: solver: out of memory")
            && err.contains("shard 1/3"),
        "{err}"
    );
    // Re-running its shard plans it again (an error is not a finished result).
    let rerun = shard(1);
    assert!(rerun.contains("(1 resumed)"), "{rerun}");
    assert!(
        read(&file) == good,
        "the re-planned run gives the same result"
    );
    ok(&["merge", s(&runs)]);
    for name in [
        "allocation.json",
        "comparison.csv",
        "comparison.json",
        "pooled/plan.json",
        "pooled/kpis.csv",
        "pooled/streets.csv",
        "pooled/routes.geojson",
    ] {
        assert!(
            read(&one.join(name)) == read(&merged.join(name)),
            "{name} differs between one process and merged shards"
        );
    }
}

#[test]
fn the_twelve_carrier_table_is_exact_and_the_same_in_shards() {
    // The bundled 12-carrier scenario: all 4,095 coalitions, in one process and in four shards
    // (a small budget keeps the test short; the README's timing uses the scenario's own).
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/synthetic-12/scenario.toml");
    let (one, merged, runs) = (
        dir.path().join("one"),
        dir.path().join("merged"),
        dir.path().join("runs"),
    );
    ok(&[
        "share",
        s(&scenario),
        "--out",
        s(&one),
        "--iterations",
        "20",
    ]);
    for i in 0..4 {
        let spec = format!("{i}/4");
        ok(&[
            "share",
            s(&scenario),
            "--out",
            s(&merged),
            "--runs",
            s(&runs),
            "--iterations",
            "20",
            "--shard",
            &spec,
        ]);
    }
    ok(&["merge", s(&runs)]);
    let allocation = read(&one.join("allocation.json"));
    assert!(allocation == read(&merged.join("allocation.json")));
    let a: serde_json::Value = serde_json::from_slice(&allocation).unwrap();
    assert_eq!(a["shapley_method"], "exact");
    assert_eq!(a["carriers"].as_array().unwrap().len(), 12);
    assert_eq!(a["coalitions"].as_array().unwrap().len(), 4095);
    assert_eq!(
        std::fs::read_dir(runs.join("runs")).unwrap().count(),
        4095,
        "one result file per coalition, no markers left"
    );
}

#[test]
fn the_shard_comes_from_the_scheduler_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sweep) = demo_copy(dir.path(), 50);
    let out = dir.path().join("out");
    // A Slurm array task 3 of --array=2-4: shard 1/3 (variants 1 and 4 of 7).
    let o = bin()
        .args(["sweep", s(&sweep), "--out", s(&out)])
        .env("SLURM_ARRAY_TASK_ID", "3")
        .env("SLURM_ARRAY_TASK_MIN", "2")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("shard 1/3: 2 of the sweep's 7 variants"),
        "{err}"
    );
    // A Kubernetes Indexed Job needs the count.
    let o = bin()
        .args(["sweep", s(&sweep), "--out", s(&out)])
        .env("JOB_COMPLETION_INDEX", "0")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard-count"));
    let o = bin()
        .args(["sweep", s(&sweep), "--out", s(&out), "--shard-count", "3"])
        .env("JOB_COMPLETION_INDEX", "0")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("shard 0/3: 3 of the sweep's 7 variants"),
        "{err}"
    );
    // Shard 2/3 was never run: merge says so.
    let err = fails(&["merge", s(&out)]);
    assert!(
        err.contains("2 of 7 runs") && err.contains("shard 2/3"),
        "{err}"
    );
}

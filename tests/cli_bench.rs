//! `cityfreight bench` and `bench-suite` on the bundled VRPSPD instances: the plan is checked, the
//! gap is printed against the best known, every documented search flag reaches the search (a flag
//! parsed and then ignored would leave the plan as it was), and a suite writes one CSV row per
//! instance.

mod common;

use common::cityfreight;

/// `bench` on CMT1X (50 customers) at 300 iterations on one thread, with `extra` flags.
fn bench_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "bench",
        "data/vrp/vrpspd/CMT1X.vrpspd",
        "--iterations",
        "300",
        "--threads",
        "1",
        "--bks",
        "data/vrp/vrpspd/bks.csv",
    ];
    args.extend_from_slice(extra);
    args
}

/// `bench --json` with `extra` flags (see [`bench_args`]).
fn bench(extra: &[&str]) -> serde_json::Value {
    let mut args = bench_args(extra);
    args.push("--json");
    let (code, out, err) = cityfreight(&args);
    assert_eq!(code, 0, "bench {extra:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bench {extra:?} JSON: {e}\n{out}"))
}

#[test]
fn bench_checks_its_plan_and_prints_the_gap() {
    let r = bench(&[]);
    assert_eq!(r["feasible"], true, "{r}");
    assert_eq!(r["iterations"], 300);
    assert_eq!(r["bks"], 466.77);
    let (cost, gap) = (
        r["cost"].as_f64().unwrap(),
        r["gap_percent"].as_f64().unwrap(),
    );
    assert!((gap - (cost - 466.77) / 466.77 * 100.0).abs() < 1e-9, "{r}");
    assert!(gap > -1e-6, "below the best known: {r}");
    // Every customer 1..=50 on exactly one route.
    let mut seen: Vec<u64> = r["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|route| {
            route
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_u64().unwrap())
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=50).collect::<Vec<u64>>());
    // The text form says the same.
    let (code, text, err) = cityfreight(&bench_args(&[]));
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("checker     feasible"), "{text}");
    assert!(text.contains(&format!("gap {gap:.3}%")), "{text}");
}

#[test]
fn every_search_flag_reaches_the_search() {
    let plan = |r: &serde_json::Value| (r["cost"].clone(), r["routes"].clone());
    let base = bench(&[]);
    assert_eq!(plan(&base), plan(&bench(&[])), "bench is not deterministic");
    for flags in [
        &["--seed", "2"][..],
        &["--intensify", "10"],
        &["--polish", "10"],
        &["--descend-start", "10"],
        &["--epoch", "50"],
        &["--temperature-start", "0.1"],
    ] {
        assert_ne!(
            plan(&base),
            plan(&bench(flags)),
            "{flags:?} changed nothing"
        );
    }
    // SWAP* runs inside local search, so it shows against local search alone.
    let intensify = bench(&["--intensify", "10"]);
    let swap_star = bench(&["--intensify", "10", "--swap-star", "true"]);
    assert_ne!(
        plan(&intensify),
        plan(&swap_star),
        "--swap-star changed nothing"
    );
    assert_eq!(swap_star["feasible"], true);
}

#[test]
fn bench_suite_writes_a_row_per_instance() {
    let dir = std::env::temp_dir().join(format!("cf-bench-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("suite.csv");
    let (code, out, err) = cityfreight(&[
        "bench-suite",
        "data/vrp/vrpspd",
        "--iterations",
        "100",
        "--threads",
        "1",
        "--bks",
        "data/vrp/vrpspd/bks.csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert!(
        rows[0].starts_with("instance,convention,customers,cost"),
        "{text}"
    );
    assert_eq!(rows.len(), 3, "{text}");
    for (row, name) in rows[1..].iter().zip(["CMT1X", "CON3-0"]) {
        assert!(row.starts_with(name), "{row}");
        assert!(row.contains(",true,"), "not feasible: {row}");
    }
    assert!(out.contains("CMT1X") && out.contains("CON3-0"), "{out}");
}

#[test]
fn a_missing_instance_names_the_file() {
    let (code, _, err) = cityfreight(&["bench", "data/vrp/no-such.vrp", "--iterations", "1"]);
    assert_ne!(code, 0);
    assert!(err.contains("data/vrp/no-such.vrp"), "{err}");
}

#[test]
fn large_instances_get_the_start_descent_and_the_polish_by_default() {
    // Documented in `bench --help` and docs/solver.md (Belgium): both pay above 2,000 customers.
    use cityfreight::solver::sisr::SearchParams;
    let (small, large) = (SearchParams::for_size(2_000), SearchParams::for_size(2_001));
    assert_eq!((small.start_neighbours, small.polish_neighbours), (0, 0));
    assert_eq!((large.start_neighbours, large.polish_neighbours), (20, 20));
    assert_eq!(large.intensify_neighbours, 0);
}

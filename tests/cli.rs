//! The `cityfreight` binary: JSON outputs have their documented keys, and bad input gives a
//! clear error naming the file or argument and a non-zero exit.

mod common;

use common::cityfreight as run;

fn chengdu() -> String {
    common::extract("chengdu-center-2018.osm.pbf")
        .display()
        .to_string()
}

#[test]
fn graph_info_json_has_the_documented_keys() {
    let (code, out, err) = run(&["graph", "info", "--osm", &chengdu(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["nodes"].as_u64().unwrap() > 3000 && v["edges"].as_u64().unwrap() > 7000);
    let classes = v["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 5);
    for c in classes {
        let share = c["reachable_share"].as_f64().unwrap();
        assert!(share > 0.8 && share <= 1.0, "{c}");
        assert!(
            c["dropped_components"].is_u64() && c["restrictions"]["turn_restrictions"].is_u64()
        );
    }
    let (code, out, _) = run(&[
        "graph",
        "info",
        "--osm",
        &chengdu(),
        "--json",
        "--class",
        "e-tricycle",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["classes"].as_array().unwrap().len(), 1);
}

#[test]
fn route_json_is_a_geojson_linestring_matching_the_library() {
    let (code, out, err) = run(&[
        "route",
        "--osm",
        &chengdu(),
        "--from",
        "104.05,30.66",
        "--to",
        "104.09,30.69",
        "--at",
        "08:30",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (duration, distance) = (
        v["duration_s"].as_f64().unwrap(),
        v["distance_m"].as_f64().unwrap(),
    );
    assert!(duration > 60.0 && distance > 3_000.0, "{v}");
    assert_eq!(v["geometry"]["type"], "LineString");
    let coords = v["geometry"]["coordinates"].as_array().unwrap();
    assert!(coords.len() > 10);
    // The geometry is as long as the reported distance (within rounding of the snapped ends).
    let pts: Vec<[f64; 2]> = coords
        .iter()
        .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
        .collect();
    let length: f64 = pts
        .windows(2)
        .map(|w| cityfreight::geometry::haversine_m(w[0], w[1]))
        .sum();
    assert!(
        (length - distance).abs() / distance < 0.01,
        "{length} vs {distance}"
    );
    // An e-tricycle (20 km/h cap, no trunk roads) is slower.
    let (_, out, _) = run(&[
        "route",
        "--osm",
        &chengdu(),
        "--from",
        "104.05,30.66",
        "--to",
        "104.09,30.69",
        "--class",
        "e-tricycle",
        "--json",
    ]);
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(t["duration_s"].as_f64().unwrap() > duration);
}

#[test]
fn bad_input_names_the_file_or_argument() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello, this is not a map").unwrap();
    let truncated = dir.path().join("cut.osm.pbf");
    let bytes = std::fs::read(common::extract("chengdu-center-2018.osm.pbf")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let missing = dir.path().join("missing.osm.pbf");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "graph".into(),
                "info".into(),
                "--osm".into(),
                missing.display().to_string(),
            ],
            "missing.osm.pbf",
        ),
        (
            vec![
                "graph".into(),
                "info".into(),
                "--osm".into(),
                text.display().to_string(),
            ],
            "is not an OSM PBF file",
        ),
        (
            vec![
                "graph".into(),
                "info".into(),
                "--osm".into(),
                truncated.display().to_string(),
            ],
            "is truncated",
        ),
        (
            vec![
                "route".into(),
                "--osm".into(),
                chengdu(),
                "--from".into(),
                "121.47,31.23".into(),
                "--to".into(),
                "104.07,30.67".into(),
            ],
            "--from",
        ),
        (
            vec![
                "route".into(),
                "--osm".into(),
                chengdu(),
                "--from".into(),
                "104.07,30.67".into(),
                "--to".into(),
                "104.2,30.67".into(),
            ],
            "--to",
        ),
        (
            vec![
                "route".into(),
                "--osm".into(),
                chengdu(),
                "--from".into(),
                "30.67,104.07".into(),
                "--to".into(),
                "104.07,30.67".into(),
            ],
            "LON,LAT",
        ),
        (
            vec![
                "route".into(),
                "--osm".into(),
                chengdu(),
                "--from".into(),
                "104.07,30.67".into(),
                "--to".into(),
                "104.08,30.68".into(),
                "--at".into(),
                "25:00".into(),
            ],
            "25:00",
        ),
        (
            vec![
                "route".into(),
                "--osm".into(),
                chengdu(),
                "--from".into(),
                "104.07,30.67".into(),
                "--to".into(),
                "104.08,30.68".into(),
                "--class".into(),
                "rocket".into(),
            ],
            "rocket",
        ),
        (
            vec![
                "graph".into(),
                "info".into(),
                "--osm".into(),
                chengdu(),
                "--class".into(),
                "rocket".into(),
            ],
            "rocket",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = run(&args);
        assert_ne!(code, 0, "{args:?} succeeded");
        assert!(
            err.contains(expected),
            "{args:?}: expected `{expected}` in:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn snap_limit_is_configurable() {
    // A point about 700 m south of the extract's southern edge: rejected at the default 500 m,
    // accepted with --max-snap 1000.
    let far = "104.08,30.6439";
    let (code, _, err) = run(&[
        "route",
        "--osm",
        &chengdu(),
        "--from",
        far,
        "--to",
        "104.07,30.67",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("--from"), "{err}");
    let (code, _, err) = run(&[
        "route",
        "--osm",
        &chengdu(),
        "--from",
        far,
        "--to",
        "104.07,30.67",
        "--max-snap",
        "1000",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn classes_can_be_listed_and_overridden() {
    let (code, out, _) = run(&["classes", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("classes.toml");
    std::fs::write(
        &file,
        "[[class]]\nid = \"e-tricycle\"\nspeed_cap_kmh = 15\n\n[[class]]\nid = \"bad\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["classes", "--classes", file.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("classes.toml") && err.contains("#2"), "{err}");
    std::fs::write(
        &file,
        "[[class]]\nid = \"e-tricycle\"\nspeed_cap_kmh = 15\n",
    )
    .unwrap();
    let (code, out, _) = run(&["classes", "--classes", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"speed_cap_kmh\": 15"));
}

#[test]
fn matrix_outputs_agree_with_route_and_report_unsnapped_points() {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("points.csv");
    std::fs::write(&points, "id,lon,lat\ndepot,104.05,30.66\nshop,104.09,30.69\nmall,104.07,30.67\nnowhere,104.2,30.67\n").unwrap();
    let cache = dir.path().join("chengdu.cch");
    let json = dir.path().join("m.json");
    let args = |out: &std::path::Path| {
        vec![
            "matrix".to_string(),
            "--osm".into(),
            chengdu(),
            "--points".into(),
            points.display().to_string(),
            "--at".into(),
            "08:30".into(),
            "--cache".into(),
            cache.display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ]
    };
    let a: Vec<String> = args(&json);
    let (code, _, err) = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("`nowhere`"),
        "unsnapped point not reported: {err}"
    );
    assert!(err.contains("saved cache"), "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["ids"].as_array().unwrap().len(), 4);
    assert!(v["durations_s"][3]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x.is_null()));
    assert_eq!(v["unsnapped"][0]["id"], "nowhere");
    assert_eq!(v["durations_s"][0][0].as_f64(), Some(0.0));
    // The same pair through `route`.
    let (_, out, _) = run(&[
        "route",
        "--osm",
        &chengdu(),
        "--from",
        "104.05,30.66",
        "--to",
        "104.09,30.69",
        "--at",
        "08:30",
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["durations_s"][0][1].as_f64(), r["duration_s"].as_f64());
    assert_eq!(v["distances_m"][0][1].as_f64(), r["distance_m"].as_f64());
    // CSV and binary, second run reads the cache.
    let csv = dir.path().join("m.csv");
    let a: Vec<String> = args(&csv);
    let (code, _, err) = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("read cache"), "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("from,to,duration_s,distance_m\n"));
    assert!(text.contains("\nnowhere,depot,,\n"));
    assert_eq!(text.lines().count(), 17);
    let bin = dir.path().join("m.bin");
    let a: Vec<String> = args(&bin);
    assert_eq!(run(&a.iter().map(String::as_str).collect::<Vec<_>>()).0, 0);
    let bytes = std::fs::read(&bin).unwrap();
    assert_eq!(&bytes[..8], b"CFMATRIX");
    assert_eq!(u32::from_le_bytes(bytes[12..16].try_into().unwrap()), 4);
}

#[test]
fn matrix_bad_input_is_reported_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("points.csv");
    std::fs::write(
        &points,
        "id,lon,lat\na,104.05,30.66\na,104.06,30.66\nb,east,north\n",
    )
    .unwrap();
    let out = dir.path().join("m.json");
    let (code, _, err) = run(&[
        "matrix",
        "--osm",
        &chengdu(),
        "--points",
        points.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--no-cache",
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("points.csv") && err.contains("line 3") && err.contains("line 4"),
        "{err}"
    );
    assert!(!out.exists(), "nothing may be written on error");
    let (code, _, err) = run(&[
        "matrix",
        "--osm",
        &chengdu(),
        "--points",
        points.to_str().unwrap(),
        "-o",
        "m.xlsx",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains(".csv, .json or .bin"), "{err}");
}

fn demo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core")
}

#[test]
fn plan_writes_a_checked_plan_geojson_and_kpis() {
    let out = tempfile::tempdir().unwrap();
    let scenario = demo_dir().join("scenario.toml");
    let (code, _, err) = run(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("checker: feasible"), "{err}");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("plan.json")).unwrap())
            .unwrap();
    assert_eq!(plan["feasible"], true);
    let route = &plan["routes"][0];
    for key in [
        "vehicle",
        "carrier",
        "class",
        "permit",
        "start",
        "end",
        "distance_m",
        "stops",
    ] {
        assert!(route.get(key).is_some(), "route lacks {key}: {route}");
    }
    let stop = &route["stops"][0];
    for key in [
        "order",
        "arrival",
        "departure",
        "load_after_kg",
        "battery_after_kwh",
    ] {
        assert!(stop.get(key).is_some(), "stop lacks {key}: {stop}");
    }
    assert_eq!(stop["arrival"].as_str().unwrap().len(), 8, "HH:MM:SS");
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("routes.geojson")).unwrap())
            .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["geometry"]["type"] == "LineString"));
    let kpis = std::fs::read_to_string(out.path().join("kpis.csv")).unwrap();
    assert!(
        kpis.starts_with("scope,kpi,value,unit\n")
            && kpis.contains("zone:core,entries,")
            && kpis.contains("permit:green-pass,permits_used,")
    );
    assert!(out.path().join("kpis.json").exists());
    let streets = std::fs::read_to_string(out.path().join("streets.csv")).unwrap();
    assert!(streets.starts_with("osm_way,name,highway,hour,vehicles,vehicle_km\n"));
    let busiest: usize = streets
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .parse()
        .unwrap();
    assert!(busiest >= 1 && busiest <= plan["routes"].as_array().unwrap().len());
}

#[test]
fn a_broken_scenario_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["core.geojson", "policy.toml", "orders-sf.csv"] {
        std::fs::copy(demo_dir().join(f), dir.path().join(f)).unwrap();
    }
    let mut orders = std::fs::read_to_string(dir.path().join("orders-sf.csv")).unwrap();
    orders.push_str(
        "sf-big,104.07,30.67,2500,1,1,60,\nsf-late,104.07,30.67,1,0.01,1,60,25:00-26:00\n",
    );
    std::fs::write(dir.path().join("orders-sf.csv"), orders).unwrap();
    let osm = common::extract("chengdu-center-2018.osm.pbf");
    let scenario = format!(
        "name = \"broken\"\nosm = \"{}\"\npolicy = \"policy.toml\"\nday = \"Tu\"\n[solver]\niterations = 10\n\n[[carrier]]\nid = \"sf\"\ndepot = [104.045, 30.715]\norders = \"orders-sf.csv\"\nfleet = [\n  {{ class = \"e-micro-van\", count = 4, permit = \"green-pass\" }},\n  {{ class = \"hover-van\", count = 1 }},\n  {{ class = \"diesel-light-truck\", count = 1, permit = \"green-pass\" }},\n]\n",
        osm.display()
    );
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, scenario).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "plan",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    for expected in [
        "unknown vehicle class `hover-van`",
        "not eligible for permit `green-pass`",
        "sf-big",
        "25:00",
        "its quota is 3",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(
        !out.exists(),
        "nothing may be written for a broken scenario"
    );
}

#[test]
fn check_accepts_a_fresh_plan_and_rejects_a_doctored_one() {
    let out = tempfile::tempdir().unwrap();
    let scenario = demo_dir().join("scenario.toml");
    assert_eq!(
        run(&[
            "plan",
            scenario.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap()
        ])
        .0,
        0
    );
    let plan = out.path().join("plan.json");
    let (code, stdout, err) = run(&["check", scenario.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(stdout.contains("compliant"));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    v["routes"][0]["stops"].as_array_mut().unwrap().clear();
    let doctored = out.path().join("doctored.json");
    std::fs::write(&doctored, v.to_string()).unwrap();
    let (code, stdout, _) = run(&[
        "check",
        scenario.to_str().unwrap(),
        doctored.to_str().unwrap(),
    ]);
    assert_eq!(code, 4);
    assert!(
        stdout.contains("neither delivered nor reported unserved"),
        "{stdout}"
    );
    std::fs::write(&doctored, "{\"routes\": [{\"vehicle\": 1}]}").unwrap();
    let (code, _, err) = run(&[
        "check",
        scenario.to_str().unwrap(),
        doctored.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("$.routes[0].vehicle") && err.contains("$.routes[0].stops"),
        "{err}"
    );
}

#[test]
fn share_writes_the_allocation_and_the_comparison() {
    let out = tempfile::tempdir().unwrap();
    let scenario = demo_dir().join("scenario.toml");
    let (code, _, err) = run(&[
        "share",
        scenario.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("allocation.json")).unwrap())
            .unwrap();
    assert!(a["pooled_cost"].as_f64().is_some() && a["core_ok"].is_boolean());
    for c in a["carriers"].as_array().unwrap() {
        for key in ["id", "standalone_cost", "shapley", "proportional"] {
            assert!(c.get(key).is_some(), "{key}");
        }
    }
    let cmp = std::fs::read_to_string(out.path().join("comparison.csv")).unwrap();
    assert!(
        cmp.starts_with("scope,kpi,unit,separate,shared,change\n")
            && cmp.contains("all,vehicle_km,km,")
    );
    assert!(out.path().join("pooled/plan.json").exists());
}

#[test]
fn sweep_compares_variants_and_resumes() {
    let out = tempfile::tempdir().unwrap();
    let sweep = demo_dir().join("sweep.toml");
    let (code, _, err) = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let table = std::fs::read_to_string(out.path().join("comparison.csv")).unwrap();
    assert!(table.starts_with("variant,status,scope,kpi,unit,value,change\n"));
    for name in [
        "baseline",
        "peak-hours-only",
        "quota-4",
        "all-electric",
        "pooled",
        "no-bays",
        "winter",
    ] {
        assert!(
            table.contains(&format!("\n{name},ok,all,cost,yuan,")),
            "{name} missing:\n{table}"
        );
    }
    let (code, _, err) = run(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(err.contains("7 variants (7 resumed"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.path().join("comparison.csv")).unwrap(),
        table
    );
}

#[test]
fn only_the_cli_exit_point_exits() {
    // Exit codes are values returned to `cli::main` (0, 1, 4) and `main.rs`; nothing else in the
    // crate may end the process behind them.
    fn scan(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scan(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains(concat!("process::", "exit(")) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    scan(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.is_empty(), "process::exit in {found:?}");
}

#[test]
fn a_congestion_charge_shows_in_the_kpis_and_in_check_as_fees_due() {
    // The demo with a fee rule on its core zone (20 yuan per entry, 30 per day, 07:00-19:00).
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(demo_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let osm = common::extract("chengdu-center-2018.osm.pbf");
    let scenario = std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap();
    let scenario: String = scenario
        .lines()
        .map(|l| {
            if l.starts_with("osm = \"") {
                format!("osm = \"{}\"", osm.display())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("scenario.toml"), scenario).unwrap();
    let mut policy = std::fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    policy = policy.replacen(
        "[[permit]]",
        "[[rule]]\nid = \"core-charge\"\nzones = [\"core\"]\nhours = \"07:00-19:00\"\neffect = \"fee\"\nfee_per_entry = 20.0\nfee_per_day = 30.0\n\n[[permit]]",
        1,
    );
    std::fs::write(dir.path().join("policy.toml"), policy).unwrap();
    let scenario = dir.path().join("scenario.toml");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let kpis = std::fs::read_to_string(out.join("kpis.csv")).unwrap();
    let fees: f64 = kpis
        .lines()
        .find_map(|l| l.strip_prefix("all,zone_fees,"))
        .and_then(|rest| rest.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(fees >= 30.0, "{kpis}");
    let (code, stdout, err) = run(&[
        "check",
        scenario.to_str().unwrap(),
        out.join("plan.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains(&format!("zone fees and penalties due: {fees:.2} yuan")),
        "{stdout}"
    );
}

//! The `cityfreight` binary: JSON outputs have their documented keys, and bad input gives a
//! clear error naming the file or argument and a non-zero exit.

mod common;

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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

//! The HTML report's data (no browser; `tests/report_browser.rs` opens the pages): the data
//! object holds every route and stop of the plan in order, each vehicle's timeline covers its
//! day without gaps or overlaps, street and zone-entry counts are the plan's own; `plan` writes
//! report.html and report.json inside its output set, and `cityfreight report DIR` rebuilds the
//! same page byte for byte; `check --out` places violations on the map; `report --policy` writes
//! the public notice alone.

mod common;

use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::report::data::decode;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core")
}

use common::cityfreight as run;

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The demo planned through the library exactly as `cityfreight plan` does (OSM chargers too),
/// with its data object.
fn demo_plan_and_page() -> (cityfreight::plan::Plan, Value) {
    let mut s = common::demo_scenario();
    let net = cityfreight::network::Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    s.add_osm_stations(&net.chargers);
    let (engine, _) = cityfreight::matrix::MatrixEngine::new(&net.graph, None).unwrap();
    let plan = cityfreight::plan::plan(&s, &net, &engine, &|_| {}).unwrap();
    let page = cityfreight::report::plan_page(&s, &net.graph, &plan);
    (plan, page)
}

#[test]
fn the_data_object_holds_every_route_stop_street_and_zone_entry_of_the_plan() {
    let (plan, page) = demo_plan_and_page();
    assert_eq!(page["kind"], "plan");
    assert!(page["attribution"]
        .as_str()
        .unwrap()
        .contains("OpenStreetMap contributors, ODbL"));
    let p = &page["plans"][0];
    let routes = p["routes"].as_array().unwrap();
    assert_eq!(routes.len(), plan.routes.len());
    assert!(!routes.is_empty());
    for (d, r) in routes.iter().zip(&plan.routes) {
        assert_eq!(d["vehicle"], r.vehicle.as_str());
        let stops = d["stops"].as_array().unwrap();
        assert_eq!(stops.len(), r.stops.len(), "{}", r.vehicle);
        for (ds, s) in stops.iter().zip(&r.stops) {
            assert_eq!(ds["order"].as_str(), s.order.as_deref());
            assert_eq!(ds["arrival"].as_i64(), Some(s.arrival_s));
            assert_eq!(ds["departure"].as_i64(), Some(s.departure_s));
            assert_eq!(ds["bay"].as_str(), s.bay.as_deref());
            let at = [
                ds["pos"][0].as_f64().unwrap(),
                ds["pos"][1].as_f64().unwrap(),
            ];
            assert!((at[0] - s.lon_lat[0]).abs() < 1e-6 && (at[1] - s.lon_lat[1]).abs() < 1e-6);
        }
        // The simplified line keeps the route's ends (to the encoding's 1e-5 degrees).
        let line = decode(
            &d["line"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect::<Vec<_>>(),
        );
        assert!(line.len() >= 2 && line.len() <= r.geometry.len());
        for (a, b) in [
            (line[0], r.geometry[0]),
            (*line.last().unwrap(), *r.geometry.last().unwrap()),
        ] {
            assert!((a[0] - b[0]).abs() < 1e-5 && (a[1] - b[1]).abs() < 1e-5);
        }
        // The timeline covers the day from leaving the depot to coming back, without gaps.
        let tl = d["timeline"].as_array().unwrap();
        let mut t = r.start_s;
        for seg in tl {
            let (a, b) = (seg[1].as_i64().unwrap(), seg[2].as_i64().unwrap());
            assert_eq!(a, t, "{}: gap or overlap at {}", r.vehicle, seg);
            assert!(b > a);
            if seg[0] == "wait" {
                assert!(
                    !seg[3].as_str().unwrap().is_empty(),
                    "a wait says why: {seg}"
                );
            }
            t = b;
        }
        assert_eq!(t, r.end_s, "{}", r.vehicle);
        let services = tl.iter().filter(|s| s[0] == "service").count();
        assert_eq!(
            services,
            r.stops.iter().filter(|s| s.order.is_some()).count()
        );
    }
    // Streets: the plan's rows, grouped per way, each with its geometry.
    let rows: usize = p["streets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert!(!s["lines"].as_array().unwrap().is_empty(), "{}", s["way"]);
            s["hours"].as_array().unwrap().len()
        })
        .sum();
    assert_eq!(rows, plan.streets.len());
    let vehicles: u64 = p["streets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["hours"].as_array().unwrap().iter())
        .map(|h| h[1].as_u64().unwrap())
        .sum();
    assert_eq!(
        vehicles,
        plan.streets.iter().map(|s| s.vehicles as u64).sum::<u64>()
    );
    // Zone entries per hour add up to the plan's entries per zone.
    let entries: u64 = p["zone_entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e[0] == "core")
        .map(|e| e[2].as_u64().unwrap())
        .sum();
    let kpi = plan
        .kpis
        .get(&Scope::Zone("core".into()), &Kpi::Entries)
        .unwrap();
    assert!(kpi > 0.0, "the demo enters its core zone");
    assert_eq!(entries as f64, kpi);
    // The policy in words and the places of the scenario.
    let rules = page["policy"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0]["hours"], "Mo-Su 07:00-19:00");
    assert_eq!(rules[0]["effect"], "may not enter");
    assert_eq!(page["places"]["bays"].as_array().unwrap().len(), 40);
    assert_eq!(page["places"]["depots"].as_array().unwrap().len(), 3);
    assert!(page["basemap"]["lines"].as_array().unwrap().len() > 1000);
}

#[test]
fn plan_writes_the_report_in_its_set_and_report_dir_rebuilds_it_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("chengdu-core");
    let scenario = demo_dir().join("scenario.toml");
    let (code, _, err) = run(&[
        "plan",
        scenario.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("report.html"), "{err}");
    let page = std::fs::read(dir.join("report.html")).unwrap();
    let data = read_json(&dir.join("report.json"));
    // The subtitle names the congestion the plan was timed under.
    assert_eq!(data["traffic"], "default city profile");
    // The binary's data object is the library's for the same scenario (deterministic plan).
    let (_, library) = demo_plan_and_page();
    assert_eq!(data, library);
    // The page inlines that object and renders from it alone.
    assert_eq!(
        String::from_utf8(page.clone()).unwrap(),
        cityfreight::report::render(&data)
    );
    std::fs::remove_file(dir.join("report.html")).unwrap();
    let (code, _, err) = run(&["report", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(dir.join("report.html")).unwrap(), page);
    // A broken data file is refused with its path and what is wrong.
    std::fs::write(dir.join("report.json"), "{\"format\": 99}").unwrap();
    let (code, _, err) = run(&["report", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("report.json: $.format: version 99") && err.contains("$.plans"),
        "{err}"
    );
    // No folder and no policy: a usage error.
    assert_eq!(run(&["report"]).0, 2);
}

#[test]
fn check_places_each_violation_at_the_stop_or_door_it_names() {
    let out = tempfile::tempdir().unwrap();
    let scenario = demo_dir().join("scenario.toml");
    let plan_dir = out.path().join("plan");
    assert_eq!(
        run(&[
            "plan",
            scenario.to_str().unwrap(),
            "--out",
            plan_dir.to_str().unwrap()
        ])
        .0,
        0
    );
    // Drop the first order of the first route: it is then delivered by nobody.
    let mut v = read_json(&plan_dir.join("plan.json"));
    let dropped = v["routes"][0]["stops"]
        .as_array_mut()
        .unwrap()
        .iter()
        .position(|s| s["order"].is_string())
        .unwrap();
    let order = v["routes"][0]["stops"][dropped]["order"]
        .as_str()
        .unwrap()
        .to_string();
    v["routes"][0]["stops"]
        .as_array_mut()
        .unwrap()
        .remove(dropped);
    let doctored = out.path().join("doctored.json");
    std::fs::write(&doctored, v.to_string()).unwrap();
    let check_dir = out.path().join("check");
    let (code, stdout, err) = run(&[
        "check",
        scenario.to_str().unwrap(),
        doctored.to_str().unwrap(),
        "--out",
        check_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{stdout}{err}");
    let data = read_json(&check_dir.join("report.json"));
    assert_eq!(data["kind"], "check");
    assert_eq!(data["check"]["compliant"], false);
    let violations = data["plans"][0]["violations"].as_array().unwrap();
    let listed = stdout.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(violations.len(), listed, "{stdout}");
    let about = violations
        .iter()
        .find(|x| x["text"].as_str().unwrap().contains(&order))
        .unwrap_or_else(|| panic!("no violation names {order}: {violations:?}"));
    // Placed at the dropped order's door, from the orders file.
    let carrier = order.split('-').next().unwrap();
    let csv = std::fs::read_to_string(demo_dir().join(format!("orders-{carrier}.csv"))).unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{order},")))
        .unwrap();
    let f: Vec<f64> = line
        .split(',')
        .skip(1)
        .take(2)
        .map(|x| x.parse().unwrap())
        .collect();
    let pos = [
        about["pos"][0].as_f64().unwrap(),
        about["pos"][1].as_f64().unwrap(),
    ];
    assert!(
        (pos[0] - f[0]).abs() < 1e-6 && (pos[1] - f[1]).abs() < 1e-6,
        "{about} vs {line}"
    );
    // The submitted routes are all drawn, stop by stop.
    assert_eq!(
        data["plans"][0]["routes"].as_array().unwrap().len(),
        v["routes"].as_array().unwrap().len()
    );
    // A compliant plan's report says so.
    let ok_dir = out.path().join("ok");
    let (code, _, _) = run(&[
        "check",
        scenario.to_str().unwrap(),
        plan_dir.join("plan.json").to_str().unwrap(),
        "--out",
        ok_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let data = read_json(&ok_dir.join("report.json"));
    assert_eq!(data["check"]["compliant"], true);
    assert!(data["plans"][0]["violations"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn the_policy_notice_is_written_alone_in_plain_words() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("notice");
    let osm = common::extract("chengdu-center-2018.osm.pbf");
    let (code, _, err) = run(&[
        "report",
        "--policy",
        demo_dir().join("policy.toml").to_str().unwrap(),
        "--osm",
        osm.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let data = read_json(&dir.join("report.json"));
    assert_eq!(data["kind"], "policy");
    assert!(data["plans"].as_array().unwrap().is_empty());
    let zone = &data["policy"]["zones"][0];
    assert_eq!(zone["id"], "core");
    assert_eq!(zone["rules"], serde_json::json!([0, 1]));
    let permit = &data["policy"]["permits"][0];
    assert_eq!(permit["id"], "green-pass");
    assert_eq!(permit["quota_total"], 8);
    assert_eq!(
        permit["eligible"],
        "vehicles new-energy (battery, fuel cell or plug-in)"
    );
    assert_eq!(
        data["policy"]["rules"][1]["vehicles"],
        "vehicles new-energy (battery, fuel cell or plug-in), gross weight at least 1000 kg"
    );
    assert_eq!(
        data["policy"]["rules"][1]["effect"],
        "may enter only with a permit covering the zone"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("\"kind\":\"policy\""));
    // --policy needs its extract and folder.
    let (code, _, err) = run(&[
        "report",
        "--policy",
        demo_dir().join("policy.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
}

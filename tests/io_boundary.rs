//! The I/O boundary: CSV as spreadsheets write it (byte order mark, CRLF, quoted fields with
//! commas and line breaks, Chinese text) for orders, bays, stations and points; CSV outputs that
//! quote instead of altering; coordinates declared in GCJ-02 or BD-09; one error shape that names
//! the file and the line of every reader.

use cityfreight::io::crs::Crs;
use cityfreight::io::file::{FileError, FileErrorKind};
use cityfreight::io::{
    bays, classes, plan_in, plan_out, points, policy, scenario, stations, zones,
};
use cityfreight::plan::{Kpis, Plan, StreetHour};
use cityfreight::vehicle::default_classes;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/csv")
        .join(name)
}

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/scenarios/chengdu-core")
        .join(name)
}

#[test]
fn orders_as_excel_writes_them() {
    let text = std::fs::read_to_string(fixture("orders-excel.csv")).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"));
    let orders = scenario::parse_orders(&text).expect("valid orders");
    let ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["sf-001", "顺丰-002", "sf-003"]);
    assert_eq!(orders[0].lon_lat, [104.077032, 30.685726]);
    assert_eq!(orders[0].windows, vec![(14 * 3600, 18 * 3600)]);
    assert_eq!(orders[1].windows.len(), 2);
    assert_eq!(orders[2].weight_g, 8000);
}

#[test]
fn bays_and_stations_as_excel_writes_them() {
    let b = bays::read_bays(&fixture("bays-excel.csv"), &default_classes()).expect("valid bays");
    assert_eq!(b[0].id, "春熙路-1");
    assert_eq!(b[1].id, "bay, north");
    assert_eq!(b[0].classes.as_ref().map(Vec::len), Some(2));
    // The quoted hours with a comma are one field: open 07-10 and 16-20 on weekdays.
    let tuesday = |h: u32| cityfreight::time::WeekTime::from_seconds(86_400 + h * 3600);
    assert!(b[0].hours.contains(tuesday(8)) && !b[0].hours.contains(tuesday(12)));
    assert!(b[0].hours.contains(tuesday(17)));
    let s = stations::read_stations(&fixture("stations-excel.csv")).expect("valid stations");
    assert_eq!(s[0].id, "国网-天府广场");
    assert!(!s[0].hours.contains(tuesday(12)) && s[0].hours.contains(tuesday(14)));
    assert_eq!(s[1].connectors, 1);
}

#[test]
fn points_as_excel_writes_them() {
    let p = points::read_points(&fixture("points-excel.csv")).expect("valid points");
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].id, "仓库, 北门");
    assert_eq!(p[0].lon_lat, [104.0735, 30.6960]);
    assert_eq!(p[1].id, "p-2");
}

fn plan_with_street(name: &str) -> Plan {
    Plan {
        scenario: "s".into(),
        routes: Vec::new(),
        unserved: Vec::new(),
        violations: Vec::new(),
        streets: vec![StreetHour {
            osm_way: 42,
            name: Some(name.into()),
            road_class: "primary",
            hour: 8,
            vehicles: 2,
            vehicle_km: 1.25,
        }],
        kpis: Kpis { rows: Vec::new() },
    }
}

#[test]
fn a_street_name_with_a_comma_or_quote_round_trips() {
    for name in [
        "Renmin Road",
        "人民南路, 二段",
        "the \"Ring\" road",
        "two\nlines",
    ] {
        let text = plan_out::streets_csv(&plan_with_street(name));
        let table = cityfreight::io::table::read_csv(&text).unwrap().unwrap();
        assert_eq!(
            table.columns,
            [
                "osm_way",
                "name",
                "highway",
                "hour",
                "vehicles",
                "vehicle_km"
            ]
        );
        assert_eq!(table.records.len(), 1, "{text}");
        assert_eq!(table.records[0].fields[1], name, "{text}");
        assert_eq!(table.records[0].fields[5], "1.25");
    }
    // Ordinary names are written exactly as before, unquoted.
    assert_eq!(
        plan_out::streets_csv(&plan_with_street("Renmin Road")),
        "osm_way,name,highway,hour,vehicles,vehicle_km\n42,Renmin Road,primary,8,2,1.25\n"
    );
}

/// Demo orders (WGS84) and their GCJ-02 copy, as an office geocoding with Amap would have them.
fn demo_orders_and_gcj02_copy(n: usize) -> (Vec<[f64; 2]>, String) {
    let orders =
        scenario::parse_orders(&std::fs::read_to_string(demo("orders-sf.csv")).unwrap()).unwrap();
    let mut csv = String::from("id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\n");
    let mut wgs = Vec::new();
    for o in orders.iter().take(n) {
        let [lon, lat] = Crs::Gcj02.from_wgs84(o.lon_lat);
        csv.push_str(&format!("{},{lon:.7},{lat:.7},1,0.01,1,60,\n", o.id));
        wgs.push(o.lon_lat);
    }
    (wgs, csv)
}

#[test]
fn gcj02_orders_snap_to_the_same_roads_as_the_wgs84_originals() {
    use cityfreight::network::Network;
    let classes = default_classes();
    let net = Network::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm/chengdu-center-2018.osm.pbf"),
        &classes,
        &|_, _, _| {},
    )
    .unwrap();
    let class = net.class("e-tricycle").unwrap();
    let (wgs, gcj_csv) = demo_orders_and_gcj02_copy(12);
    let declared = scenario::parse_orders_in(&gcj_csv, Crs::Gcj02).unwrap();
    let undeclared = scenario::parse_orders(&gcj_csv).unwrap();
    let snap = |p: [f64; 2]| net.snap_index.snap(&net.graph, p, class, 500.0).ok();
    let mut moved = 0;
    for ((w, d), u) in wgs.iter().zip(&declared).zip(&undeclared) {
        let original = snap(*w).expect("demo order snaps");
        let converted = snap(d.lon_lat).expect("converted order snaps");
        assert_eq!(original.road, converted.road, "order {}", d.id);
        assert!((original.distance_m - converted.distance_m).abs() < 0.1);
        // Read as if WGS84, the same file puts the order hundreds of metres off.
        let off = cityfreight::geometry::haversine_m(*w, u.lon_lat);
        assert!(off > 300.0 && off < 700.0, "order {}: {off} m", d.id);
        if snap(u.lon_lat).is_none_or(|s| s.road != original.road) {
            moved += 1;
        }
    }
    assert!(
        moved >= 10,
        "only {moved} of 12 undeclared orders left their road"
    );
}

#[test]
fn scenario_declares_the_systems_of_depots_orders_bays_and_chargers() {
    let dir = tempfile::tempdir().unwrap();
    let (wgs, gcj_csv) = demo_orders_and_gcj02_copy(5);
    std::fs::write(dir.path().join("orders-gcj.csv"), gcj_csv).unwrap();
    let bd = |p: [f64; 2]| Crs::Bd09.from_wgs84(p);
    let bay = bd([104.061264, 30.685074]);
    std::fs::write(
        dir.path().join("bays.csv"),
        format!("id,lon,lat\nb1,{:.8},{:.8}\n", bay[0], bay[1]),
    )
    .unwrap();
    let charger = Crs::Gcj02.from_wgs84([104.0657, 30.6598]);
    std::fs::write(
        dir.path().join("chargers.csv"),
        format!("id,lon,lat\nc1,{:.8},{:.8}\n", charger[0], charger[1]),
    )
    .unwrap();
    let depot = bd([104.045, 30.715]);
    let toml = format!(
        "name = \"crs\"\nosm = \"x.osm.pbf\"\n[solver]\niterations = 1\n\
         [bays]\nfile = \"bays.csv\"\ncrs = \"bd09\"\n\
         [charging]\nfile = \"chargers.csv\"\ncrs = \"gcj02\"\n\
         [[carrier]]\nid = \"sf\"\ndepot = [{}, {}]\ncrs = \"bd09\"\norders = \"orders-gcj.csv\"\n\
         orders_crs = \"gcj02\"\nfleet = [{{ class = \"e-micro-van\", count = 1 }}]\n",
        depot[0], depot[1]
    );
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, toml).unwrap();
    let s = scenario::read_scenario(&path).expect("valid scenario");
    let near = |a: [f64; 2], b: [f64; 2]| cityfreight::geometry::haversine_m(a, b) < 0.05;
    assert!(near(s.carriers[0].depot, [104.045, 30.715]));
    for (o, w) in s.carriers[0].orders.iter().zip(&wgs) {
        assert!(near(o.lon_lat, *w), "{} at {:?}", o.id, o.lon_lat);
    }
    assert!(near(s.bays[0].lon_lat, [104.061264, 30.685074]));
    assert!(near(s.stations[0].lon_lat, [104.0657, 30.6598]));
    // An unknown system is a syntax error at its line.
    std::fs::write(
        &path,
        "name = \"x\"\nosm = \"x.pbf\"\n[bays]\ncrs = \"mars\"\n",
    )
    .unwrap();
    let e = scenario::read_scenario(&path).unwrap_err().to_string();
    assert!(
        e.contains("scenario.toml: line 4") && e.contains("`mars`"),
        "{e}"
    );
}

#[test]
fn zones_in_gcj02_by_member_or_by_policy() {
    let dir = tempfile::tempdir().unwrap();
    let square = |c: Crs| -> String {
        let ring: Vec<[f64; 2]> = [
            [104.06, 30.65],
            [104.08, 30.65],
            [104.08, 30.67],
            [104.06, 30.67],
            [104.06, 30.65],
        ]
        .iter()
        .map(|&p| c.from_wgs84(p))
        .collect();
        serde_json::json!({"type": "Feature", "properties": {"id": "core"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}})
        .to_string()
    };
    let member = format!(
        "{{\"type\": \"FeatureCollection\", \"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": \"gcj02\"}}}}, \"features\": [{}]}}",
        square(Crs::Gcj02)
    );
    std::fs::write(dir.path().join("member.geojson"), &member).unwrap();
    let z = zones::read_zones(&dir.path().join("member.geojson")).unwrap();
    let first = z[0].area.0[0].exterior().0[0];
    assert!(cityfreight::geometry::haversine_m([first.x, first.y], [104.06, 30.65]) < 0.05);
    std::fs::write(
        dir.path().join("plain.geojson"),
        format!(
            "{{\"type\": \"FeatureCollection\", \"features\": [{}]}}",
            square(Crs::Bd09)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policy.toml"),
        "zones = \"plain.geojson\"\nzones_crs = \"bd09\"\n",
    )
    .unwrap();
    let p = policy::read_policy(&dir.path().join("policy.toml"), &default_classes()).unwrap();
    let first = p.zones[0].area.0[0].exterior().0[0];
    assert!(cityfreight::geometry::haversine_m([first.x, first.y], [104.06, 30.65]) < 0.05);
    // Declared one way, marked another: refused, naming the member.
    std::fs::write(
        dir.path().join("policy.toml"),
        "zones = \"member.geojson\"\nzones_crs = \"bd09\"\n",
    )
    .unwrap();
    let e = policy::read_policy(&dir.path().join("policy.toml"), &default_classes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("member.geojson") && e.contains("$.crs"), "{e}");
}

#[test]
fn plan_output_in_gcj02_converts_every_position() {
    let mut plan = plan_with_street("x");
    plan.routes.clear();
    let wgs = plan_out::plan_json(&plan);
    assert!(wgs.get("crs").is_none());
    let gcj = plan_out::plan_json_in(&plan, Crs::Gcj02);
    assert_eq!(gcj["crs"], "gcj02");
    let geo = plan_out::routes_geojson_in(&plan, Crs::Bd09);
    assert_eq!(geo["crs"]["properties"]["name"], "bd09");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `error` names `file` and `place`, and is the one error shape.
fn assert_names(error: &FileError, file: &Path, place: &str) {
    let text = error.to_string();
    assert!(
        text.contains(&file.display().to_string()) && text.contains(place),
        "expected {} and `{place}` in:\n{text}",
        file.display()
    );
}

#[test]
fn every_reader_names_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let classes = default_classes();

    let p = write(
        d,
        "points.csv",
        "\u{feff}id,lon,lat\r\na,104,30\r\n\"b\",east,30\r\n",
    );
    assert_names(&points::read_points(&p).unwrap_err(), &p, "line 3");

    let p = write(
        d,
        "bays.csv",
        "id,lon,lat,capacity\nb1,104,30,1\n\"b2\",104,30,0\n",
    );
    assert_names(
        &bays::read_bays(&p, &classes).unwrap_err(),
        &p,
        "line 3: `capacity`",
    );

    let p = write(
        d,
        "chargers.csv",
        "id,lon,lat,power_kw\r\n# c\r\ns1,104,30,0\r\n",
    );
    assert_names(
        &stations::read_stations(&p).unwrap_err(),
        &p,
        "line 3: `power_kw`",
    );

    let p = write(
        d,
        "zones.geojson",
        "{\"type\": \"FeatureCollection\",\n \"features\": [}",
    );
    let e = zones::read_zones(&p).unwrap_err();
    assert!(
        matches!(e.kind, FileErrorKind::Syntax { line: Some(2), .. }),
        "{e}"
    );
    assert_names(&e, &p, "line 2, column");

    let p = write(
        d,
        "classes.toml",
        "[[class]]\nid = \"e-tricycle\"\nspeed_cap_kmh = \"fast\"\n",
    );
    assert_names(
        &classes::read_classes(&p).unwrap_err(),
        &p,
        "line 3, column 17",
    );

    let p = write(
        d,
        "policy.toml",
        "[[rule]]\nid = \"r\"\nzones = [\"nowhere\"]\nhours = \"24/7\"\neffect = \"forbid\"\n",
    );
    assert_names(
        &policy::read_policy(&p, &classes).unwrap_err(),
        &p,
        "nowhere",
    );

    let p = write(d, "plan.json", "{\"routes\": [\n  {\"vehicle\": 1}]}");
    assert_names(&plan_in::read_plan(&p).unwrap_err(), &p, "$.routes[0]");

    let orders = write(
        d,
        "orders.csv",
        "id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\r\n\"o1\",104.07,30.67,1,0,1,60,\r\n\"o2\",104.07,30.67,heavy,0,1,60,\r\n",
    );
    let p = write(
        d,
        "scenario.toml",
        "name = \"x\"\nosm = \"x.pbf\"\n[solver]\niterations = 1\n[[carrier]]\nid = \"sf\"\ndepot = [104.0, 30.7]\norders = \"orders.csv\"\nfleet = [{ class = \"e-micro-van\", count = 1 }]\n",
    );
    let e = scenario::read_scenario(&p).unwrap_err();
    assert_names(&e, &p, "problem(s)");
    assert_names(&e, &orders, "line 3: `weight_kg`");

    let p = write(d, "broken.toml", "name = \"x\"\nosm = \n");
    assert_names(
        &scenario::read_scenario(&p).unwrap_err(),
        &p,
        "line 2, column",
    );

    let p = write(
        d,
        "sweep.toml",
        "base = \"broken.toml\"\n[[variant]]\nnam = \"a\"\n",
    );
    let Err(e) = cityfreight::io::sweep::read_sweep(&p) else {
        panic!("accepted a sweep with an unknown field");
    };
    assert_names(&e, &p, "[[variant]] #1: unknown field `nam`");
    let p = write(
        d,
        "sweep.toml",
        "base = \"broken.toml\"\n[[variant]]\nname = 1\n",
    );
    let Err(e) = cityfreight::io::sweep::read_sweep(&p) else {
        panic!("accepted a sweep with a number for a name");
    };
    assert_names(&e, &p, "[[variant]] #1");

    let missing = d.join("missing.csv");
    let e = points::read_points(&missing).unwrap_err();
    assert!(matches!(e.kind, FileErrorKind::Read(_)));
    assert_names(&e, &missing, "cannot read points file");
}

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn route_and_matrix_take_gcj02_and_bd09_input() {
    let osm = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm/chengdu-center-2018.osm.pbf");
    let osm = osm.to_str().unwrap();
    let (a, b) = ([104.0657, 30.6598], [104.0735, 30.6800]);
    let arg = |p: [f64; 2]| format!("{:.8},{:.8}", p[0], p[1]);
    let route = |from: String, to: String, crs: &str| {
        let (ok, out, err) = cli(&[
            "route", "--osm", osm, "--from", &from, "--to", &to, "--crs", crs, "--json",
        ]);
        assert!(ok, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        (
            v["duration_s"].as_f64().unwrap(),
            v["distance_m"].as_f64().unwrap(),
        )
    };
    let wgs = route(arg(a), arg(b), "wgs84");
    let gcj = route(
        arg(Crs::Gcj02.from_wgs84(a)),
        arg(Crs::Gcj02.from_wgs84(b)),
        "gcj02",
    );
    assert!(
        (wgs.0 - gcj.0).abs() < 0.5 && (wgs.1 - gcj.1).abs() < 0.5,
        "{wgs:?} {gcj:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let points = |c: Crs| {
        let mut text = String::from("id,lon,lat\n");
        for (id, p) in [("a", a), ("b", b)] {
            let [x, y] = c.from_wgs84(p);
            text.push_str(&format!("{id},{x:.9},{y:.9}\n"));
        }
        text
    };
    let matrix = |c: Crs| {
        let pts = write(dir.path(), &format!("{c}.csv"), &points(c));
        let out = dir.path().join(format!("{c}-m.csv"));
        let (ok, _, err) = cli(&[
            "matrix",
            "--osm",
            osm,
            "--points",
            pts.to_str().unwrap(),
            "--crs",
            c.name(),
            "-o",
            out.to_str().unwrap(),
            "--no-cache",
        ]);
        assert!(ok, "{err}");
        std::fs::read_to_string(out).unwrap()
    };
    let plain = matrix(Crs::Wgs84);
    assert_eq!(plain, matrix(Crs::Bd09));
    assert!(
        plain.starts_with("from,to,duration_s,distance_m\na,a,0,0\n"),
        "{plain}"
    );
    let (ok, _, err) = cli(&[
        "route", "--osm", osm, "--from", "1,1", "--to", "1,1", "--crs", "mars",
    ]);
    assert!(!ok && err.contains("mars"), "{err}");
}

#[test]
fn plan_writes_positions_in_the_output_system_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = demo("scenario.toml");
    let run = |crs: &str| {
        let out = dir.path().join(crs);
        let (ok, _, err) = cli(&[
            "plan",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--output-crs",
            crs,
            "--iterations",
            "50",
        ]);
        assert!(ok, "{err}");
        let read = |name: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(out.join(name)).unwrap()).unwrap()
        };
        (read("plan.json"), read("routes.geojson"))
    };
    let (wgs, wgs_geo) = run("wgs84");
    let (gcj, gcj_geo) = run("gcj02");
    assert!(wgs.get("crs").is_none() && wgs_geo.get("crs").is_none());
    assert_eq!(gcj["crs"], "gcj02");
    assert_eq!(gcj_geo["crs"]["properties"]["name"], "gcj02");
    let stop = |v: &serde_json::Value| {
        let s = &v["routes"][0]["stops"][0];
        [s["lon"].as_f64().unwrap(), s["lat"].as_f64().unwrap()]
    };
    let expected = Crs::Gcj02.from_wgs84(stop(&wgs));
    assert!(cityfreight::geometry::haversine_m(stop(&gcj), expected) < 0.05);
    let first = |v: &serde_json::Value| {
        let c = &v["features"][0]["geometry"]["coordinates"][0];
        [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
    };
    let expected = Crs::Gcj02.from_wgs84(first(&wgs_geo));
    assert!(cityfreight::geometry::haversine_m(first(&gcj_geo), expected) < 0.05);
    assert!(cityfreight::geometry::haversine_m(first(&gcj_geo), first(&wgs_geo)) > 300.0);
}

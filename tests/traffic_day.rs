//! Congestion by hour on the Chengdu extract: a trip in the morning peak takes the profile's
//! factor longer than the same trip at night; arrival is FIFO over random departure times; a plan
//! is timed by its legs exactly as a route query at the same moment times them, and `check`
//! agrees with it (and rejects a plan timed at free flow); bad traffic files are reported with
//! file and line.

mod common;

use cityfreight::graph::Snap;
use cityfreight::io::traffic::parse_class_factors;
use cityfreight::matrix::{Conditions, HourBands, MatrixEngine};
use cityfreight::network::Network;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::time::{WeekTime, DAY};
use cityfreight::traffic::Traffic;
use cityfreight::vehicle::default_classes;
use cityfreight::zones::{Policy, ZoneTags};

fn chengdu() -> Network {
    Network::load(
        &common::extract("chengdu-center-2018.osm.pbf"),
        &default_classes(),
        &|_, _, _| {},
    )
    .unwrap()
}

fn at(s: &str) -> WeekTime {
    WeekTime::parse(s).unwrap()
}

fn snap(net: &Network, p: [f64; 2], class: &str) -> Snap {
    let class = net.class(class).unwrap();
    net.snap_index.snap(&net.graph, p, class, 500.0).unwrap()
}

/// Two points across the centre (about 6 km).
const A: [f64; 2] = [104.045, 30.715];
const B: [f64; 2] = [104.090, 30.660];

#[test]
fn a_trip_at_eight_takes_the_profiles_factor_longer_than_at_three() {
    let net = chengdu();
    let policy = Policy::default();
    let tags = ZoneTags::new(&net.graph, &policy);
    let van = net.class("e-micro-van").unwrap();
    let (a, b) = (snap(&net, A, "e-micro-van"), snap(&net, B, "e-micro-van"));
    // A uniform factor of 1.5 on every road at Tuesday 08:00-09:00, free flow otherwise: the same
    // path, every edge 1.5 times as long (rounded per edge).
    let mut uniform = Traffic::free_flow();
    parse_class_factors(
        "road_class,day,hour,factor\nexpressway,Tu,8,1.5\narterial,Tu,8,1.5\ncollector,Tu,8,1.5\nminor,Tu,8,1.5\nlocal,Tu,8,1.5\n",
        &mut uniform,
    )
    .unwrap();
    let conditions = |traffic| Conditions {
        policy: &policy,
        tags: &tags,
        permit: None,
        traffic,
    };
    let night = net
        .route_at(&a, &b, van, at("Tu 03:00"), &conditions(&uniform))
        .unwrap();
    let peak = net
        .route_at(&a, &b, van, at("Tu 08:00"), &conditions(&uniform))
        .unwrap();
    assert_eq!(
        peak.wait_ms, 0,
        "waiting for 09:00 does not pay on a short trip"
    );
    assert_eq!(
        night.answer.route.distance_cm,
        peak.answer.route.distance_cm
    );
    let ratio = peak.arrival_ms as f64 / night.arrival_ms as f64;
    assert!(night.arrival_ms > 300_000, "{} ms", night.arrival_ms);
    assert!((ratio - 1.5).abs() < 0.001, "peak / night = {ratio}");

    // The default profile: at 03:00 free flow exactly; at 08:00 between the smallest and the
    // largest factor of the morning peak (local streets 1.25, arterials 1.8).
    let city = Traffic::default_city();
    let free = Traffic::free_flow();
    let d = |traffic, t| {
        net.route_at(&a, &b, van, at(t), &conditions(traffic))
            .unwrap()
            .arrival_ms
    };
    assert_eq!(d(&city, "Tu 03:00"), d(&free, "Tu 03:00"));
    let ratio = d(&city, "Tu 08:00") as f64 / d(&free, "Tu 08:00") as f64;
    assert!((1.25..=1.8).contains(&ratio), "morning peak ratio {ratio}");
    let ratio = d(&city, "Sa 08:00") as f64 / d(&free, "Sa 08:00") as f64;
    assert_eq!(ratio, 1.0, "no morning peak on Saturday");
}

#[test]
fn leaving_later_never_arrives_earlier() {
    let net = chengdu();
    let policy = Policy::default();
    let tags = ZoneTags::new(&net.graph, &policy);
    let traffic = Traffic::default_city();
    let conditions = Conditions {
        policy: &policy,
        tags: &tags,
        permit: None,
        traffic: &traffic,
    };
    let truck = net.class("diesel-light-truck").unwrap();
    let points = [
        A,
        B,
        [104.060, 30.690],
        [104.100, 30.700],
        [104.050, 30.656],
    ];
    // Seeded departures over the week, plus the seconds just around the peak's edges.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut times: Vec<u32> = (0..40)
        .map(|_| (next() % u64::from(7 * DAY)) as u32)
        .collect();
    for edge in ["Tu 07:00", "Tu 09:00", "Tu 17:00", "Tu 19:00", "Tu 21:00"] {
        let s = at(edge).seconds();
        times.extend([s - 1800, s - 600, s - 60, s - 1, s, s + 1, s + 60]);
    }
    times.sort_unstable();
    let mut checked = 0;
    let mut waited = 0;
    for (i, &p) in points.iter().enumerate() {
        let q = points[(i + 1) % points.len()];
        let (a, b) = (
            snap(&net, p, "diesel-light-truck"),
            snap(&net, q, "diesel-light-truck"),
        );
        let arrivals: Vec<u64> = times
            .iter()
            .map(|&t| {
                let r = net
                    .route_at(&a, &b, truck, WeekTime::from_seconds(t), &conditions)
                    .unwrap();
                waited += usize::from(r.wait_ms > 0);
                u64::from(t) * 1000 + r.arrival_ms
            })
            .collect();
        for (k, w) in arrivals.windows(2).enumerate() {
            assert!(
                w[0] <= w[1],
                "leaving at {} arrives at {} ms, leaving at {} arrives earlier, at {} ms",
                WeekTime::from_seconds(times[k]),
                w[0],
                WeekTime::from_seconds(times[k + 1]),
                w[1]
            );
            checked += 1;
        }
    }
    assert!(checked > 300);
    assert!(
        waited > 0,
        "some departure just before a peak ends waits for it to end"
    );
}

#[test]
fn equal_hours_share_one_metric() {
    let net = chengdu();
    let van = net.class("e-micro-van").unwrap();
    let policy = Policy::default();
    let free = HourBands::with_traffic(&net.graph, van, &policy, None, &Traffic::free_flow());
    assert_eq!(free.metrics.len(), 1);
    let city = HourBands::with_traffic(&net.graph, van, &policy, None, &Traffic::default_city());
    // Night, shoulder, morning peak, working day, evening peak, weekend day.
    assert_eq!(city.metrics.len(), 6, "{:?}", city.metrics);
    let m = |t: &str| city.band_at(at(t)).metric;
    assert_eq!(m("Mo 08:00"), m("Th 08:30"));
    assert_eq!(m("Tu 11:00"), m("Tu 20:00"));
    assert_ne!(m("Tu 08:00"), m("Tu 18:00"));
}

/// The demo plan under the default profile: every leg takes exactly what a route query at its
/// departure gives (to the second), routes cross band boundaries, vehicle hours add up, and
/// the police check accepts it; the same orders timed at free flow are rejected.
#[test]
fn a_plan_across_band_boundaries_is_timed_alike_by_plan_kpis_and_check() {
    use cityfreight::io::plan_in::parse_plan;
    use cityfreight::io::plan_out::plan_json;
    use cityfreight::plan::check::check_plan;
    let s = common::demo_scenario();
    assert!(!s.traffic.is_free_flow(), "the demo plans under congestion");
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let p = cityfreight::plan::plan(&s, &net, &engine, &|_| {}).unwrap();
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let tags = ZoneTags::new(&net.graph, &s.policy);
    let day = u32::from(s.day) * DAY;
    let mut legs = 0;
    let mut crossing = 0;
    for r in &p.routes {
        let carrier = s.carriers.iter().find(|c| c.id == r.carrier).unwrap();
        if r.trips != 1 || r.legs.len() != r.stops.len() + 1 {
            continue;
        }
        let permit = r.permit.as_ref().and_then(|id| s.policy.permit(id));
        let conditions = Conditions {
            policy: &s.policy,
            tags: &tags,
            permit,
            traffic: &s.traffic,
        };
        let class = net.class(&r.class).unwrap();
        let bands = conditions.bands(&net.graph, class);
        let mut states = std::collections::BTreeSet::new();
        let positions: Vec<[f64; 2]> = std::iter::once(carrier.depot)
            .chain(r.stops.iter().map(|x| x.lon_lat))
            .collect();
        for (k, leg) in r.legs.iter().enumerate().take(r.stops.len()) {
            let stop = &r.stops[k];
            if stop.bay.is_some()
                || stop.station.is_some()
                || (k > 0 && r.stops[k - 1].bay.is_some())
            {
                continue;
            }
            let depart = WeekTime::from_seconds(day + leg.depart_s as u32);
            states.insert(bands.band_at(depart).metric);
            let (a, b) = (
                snap(&net, positions[k], &r.class),
                snap(&net, positions[k + 1], &r.class),
            );
            let timed = net.route_at(&a, &b, class, depart, &conditions).unwrap();
            let planned_s = stop.arrival_s - leg.depart_s;
            let queried_s = (timed.arrival_ms as f64 / 1000.0).round() as i64;
            assert!(
                (planned_s - queried_s).abs() <= 1,
                "{} leg {k} leaving {}: planned {planned_s} s, route --at says {queried_s} s",
                r.vehicle,
                depart
            );
            legs += 1;
        }
        crossing += usize::from(states.len() > 1);
    }
    assert!(legs > 50, "{legs} legs compared");
    assert!(crossing > 0, "some route drives in more than one band");
    let hours: f64 = p
        .routes
        .iter()
        .map(|r| (r.end_s - r.start_s) as f64 / 3600.0)
        .sum();
    let kpi = p.kpis.get(&Scope::All, &Kpi::VehicleHours).unwrap();
    assert!((kpi - hours).abs() < 0.01, "KPI {kpi} h, routes {hours} h");
    let json = plan_json(&p);
    assert_eq!(
        check_plan(&s, &net, &engine, &parse_plan(&json).unwrap()).unwrap(),
        Vec::<String>::new(),
        "the check times the plan as the planner did"
    );

    // Planned at free flow, judged under congestion: arrivals come too early.
    let mut free = s.clone();
    free.traffic = Traffic::free_flow();
    let fast = cityfreight::plan::plan(&free, &net, &engine, &|_| {}).unwrap();
    let violations =
        check_plan(&s, &net, &engine, &parse_plan(&plan_json(&fast)).unwrap()).unwrap();
    assert!(
        violations.iter().any(|v| v.contains("earl")),
        "a free-flow plan is too fast for the peak: {violations:?}"
    );
}

#[test]
fn a_bad_traffic_file_is_reported_with_its_file_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_demo_data(dir.path());
    let demo = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/scenarios/chengdu-core/scenario.toml"),
    )
    .unwrap();
    let osm = common::extract("chengdu-center-2018.osm.pbf");
    let text = demo.replace(
        "osm = \"../../osm/chengdu-center-2018.osm.pbf\"",
        &format!("osm = {:?}", osm.display().to_string()),
    ) + "\n[traffic]\nprofile = \"rush\"\nclasses = \"traffic.csv\"\n";
    std::fs::write(dir.path().join("scenario.toml"), text).unwrap();
    std::fs::write(
        dir.path().join("traffic.csv"),
        "road_class,day,hour,factor\r\nprimary,Tu,8,1.8\r\nmotorway,Tu,25,1.2\r\nfreeway,Tu,8,1.5\r\nprimary,Tu,9,0\r\nprimary,Tu,10,40\r\n",
    )
    .unwrap();
    let err = cityfreight::io::scenario::read_scenario(&dir.path().join("scenario.toml"))
        .unwrap_err()
        .to_string();
    for needle in [
        "unknown profile `rush`",
        "traffic.csv",
        "line 3: `hour` must be a clock hour 0..23",
        "line 4: unknown road class `freeway`",
        "line 5: `factor` must be a number above 0",
        "line 6: factor 40 means more than 10 times slower",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
}

/// `route --at` and `matrix --at` give the same times (a wait for a faster band included), and
/// `--free-flow` turns congestion off.
#[test]
fn route_and_matrix_at_a_moment_agree() {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("points.csv");
    std::fs::write(
        &points,
        format!("id,lon,lat\na,{},{}\nb,{},{}\n", A[0], A[1], B[0], B[1]),
    )
    .unwrap();
    let osm = common::extract("chengdu-center-2018.osm.pbf");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cityfreight"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let osm = osm.to_str().unwrap();
    let (from, to) = (format!("{},{}", A[0], A[1]), format!("{},{}", B[0], B[1]));
    let mut seen = Vec::new();
    for (when, free) in [("Tu 08:59", false), ("Tu 03:00", false), ("Tu 08:59", true)] {
        let mut route_args = vec![
            "route", "--osm", osm, "--from", &from, "--to", &to, "--at", when, "--json",
        ];
        let matrix_out = dir.path().join("m.csv");
        let m = matrix_out.to_str().unwrap();
        let mut matrix_args = vec![
            "matrix",
            "--osm",
            osm,
            "--points",
            points.to_str().unwrap(),
            "--at",
            when,
            "-o",
            m,
            "--no-cache",
        ];
        if free {
            route_args.push("--free-flow");
            matrix_args.push("--free-flow");
        }
        let route: serde_json::Value = serde_json::from_str(&run(&route_args)).unwrap();
        run(&matrix_args);
        let csv = std::fs::read_to_string(&matrix_out).unwrap();
        let row = csv.lines().find(|l| l.starts_with("a,b,")).unwrap();
        let matrix_s: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
        let route_s = route["duration_s"].as_f64().unwrap();
        assert!(
            (matrix_s - route_s).abs() < 0.002,
            "{when} (free flow {free}): route {route_s} s, matrix {matrix_s} s"
        );
        seen.push((route_s, route["wait_s"].as_f64().unwrap()));
    }
    assert!(
        seen[0].1 > 0.0,
        "at 08:59 the van waits a minute for the peak to end"
    );
    assert!(
        seen[0].0 > seen[1].0,
        "08:59 is slower than 03:00 even with the wait"
    );
    assert!(
        seen[2].0 < seen[0].0 && seen[2].1 == 0.0,
        "free flow: no peak"
    );
}

/// Probe speeds for a way the extract has slow the route down; a way it does not have is
/// counted in a warning, not an error.
#[test]
fn road_speeds_slow_their_way_and_unknown_ways_are_counted() {
    let net = chengdu();
    let van = net.class("e-micro-van").unwrap();
    let (a, b) = (snap(&net, A, "e-micro-van"), snap(&net, B, "e-micro-van"));
    let policy = Policy::default();
    let tags = ZoneTags::new(&net.graph, &policy);
    let free = Traffic::free_flow();
    let c = |traffic| Conditions {
        policy: &policy,
        tags: &tags,
        permit: None,
        traffic,
    };
    let before = net
        .route_at(&a, &b, van, at("Tu 03:00"), &c(&free))
        .unwrap();
    // Every way of the route crawls at 03:00 (factor 10): the route gets slower or finds another.
    let ways: std::collections::BTreeSet<i64> = before
        .answer
        .route
        .edges
        .iter()
        .map(|&e| net.graph.road_way(net.graph.edge_road(e as usize)).osm_id)
        .collect();
    let mut csv = String::from("way_id,day,hour,factor\n");
    for w in &ways {
        csv.push_str(&format!("{w},Tu,3,10\n"));
    }
    csv.push_str("999999999999,Tu,3,2\n");
    let mut slow = Traffic::free_flow();
    cityfreight::io::traffic::parse_way_factors(&csv, &mut slow).unwrap();
    let after = net
        .route_at(&a, &b, van, at("Tu 03:00"), &c(&slow))
        .unwrap();
    assert!(
        after.arrival_ms > before.arrival_ms,
        "{} -> {}",
        before.arrival_ms,
        after.arrival_ms
    );
    let unknown = cityfreight::io::traffic::unknown_ways(&slow, &net.graph);
    assert_eq!(unknown, vec![999_999_999_999]);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("probe.csv");
    std::fs::write(&file, &csv).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(["route", "--osm"])
        .arg(common::extract("chengdu-center-2018.osm.pbf"))
        .args([
            "--from",
            "104.045,30.715",
            "--to",
            "104.09,30.66",
            "--at",
            "Tu 03:00",
            "--road-speeds",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 way id(s) of the road speeds are not in the extract"),
        "{stderr}"
    );
}

//! The HTTP service over real HTTP on loopback: a server on port 0 inside the test, `ureq` as
//! the client. Solver parts use iteration limits, never time limits.

use cityfreight::service::auth::Tokens;
use cityfreight::service::mapping::{self, Limits};
use cityfreight::service::roads::Roads;
use cityfreight::service::vroom::Input;
use cityfreight::service::{AppState, Config, ROUTES};
use cityfreight::solver::solution::{Route, Solution, Visit};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The Chengdu extract with the demo policy, loaded once per test binary.
fn chengdu() -> Arc<Roads> {
    static ROADS: OnceLock<Arc<Roads>> = OnceLock::new();
    ROADS
        .get_or_init(|| {
            let classes = cityfreight::vehicle::default_classes();
            let network = cityfreight::network::Network::load(
                &data("data/osm/chengdu-center-2018.osm.pbf"),
                &classes,
                &|_, _, _| {},
            )
            .unwrap();
            let network: &'static _ = Box::leak(Box::new(network));
            let (engine, _) = cityfreight::matrix::MatrixEngine::new(&network.graph, None).unwrap();
            let engine: &'static _ = Box::leak(Box::new(engine));
            let policy = cityfreight::io::policy::read_policy(
                &data("data/scenarios/chengdu-core/policy.toml"),
                &classes,
            )
            .unwrap();
            Arc::new(Roads::new(network, engine, policy))
        })
        .clone()
}

struct Server {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(config: Config, roads: Option<Arc<Roads>>, tokens: Option<Tokens>) -> Server {
        Self::start_state(AppState::new(config, roads, tokens))
    }

    fn start_state(state: AppState) -> Server {
        let state = Arc::new(state);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                cityfreight::service::serve(listener, st, async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server {
            addr,
            state,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    fn post(&self, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
        self.post_bytes(path, &serde_json::to_vec(body).unwrap(), token)
    }

    fn post_bytes(&self, path: &str, body: &[u8], token: Option<&str>) -> (u16, Value) {
        let mut req = agent()
            .post(&self.url(path))
            .header("Content-Type", "application/json");
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.send(body).unwrap();
        let status = resp.status().as_u16();
        let retry = resp
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let mut v: Value = resp.body_mut().read_json().unwrap();
        if let Some(r) = retry {
            v["__retry_after"] = json!(r);
        }
        (status, v)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None)
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
        let url = self.url(path);
        let a = agent();
        let mut req = match method {
            "GET" => a.get(&url),
            _ => a.delete(&url),
        };
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.call().unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_json().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn config() -> Config {
    Config {
        workers: 2,
        limits: Limits {
            max_threads: 1,
            ..Limits::default()
        },
        ..Config::default()
    }
}

fn example() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(data("tests/data/service/vroom-matrix-example.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn vroom_documented_example_is_answered_in_vroom_shape_at_its_documented_cost() {
    let server = Server::start(config(), None, None);
    let input = example();
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    // VROOM's documented answer for this input: cost 7268, one route, nothing unassigned.
    assert_eq!(out["code"], 0);
    assert_eq!(out["summary"]["cost"], 7268, "{out}");
    assert_eq!(out["summary"]["routes"], 1);
    assert_eq!(out["summary"]["unassigned"], 0);
    assert_eq!(out["unassigned"], json!([]));
    for key in [
        "setup",
        "service",
        "duration",
        "waiting_time",
        "priority",
        "violations",
        "computing_times",
    ] {
        assert!(out["summary"].get(key).is_some(), "summary.{key} missing");
    }
    let route = &out["routes"][0];
    assert_eq!(route["vehicle"], 0);
    let steps = route["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["start", "job", "job", "job", "job", "job", "job", "end"]
    );
    for s in steps {
        for key in [
            "arrival",
            "duration",
            "load",
            "setup",
            "service",
            "waiting_time",
        ] {
            assert!(s.get(key).is_some(), "step.{key} missing in {s}");
        }
    }
    // Independently: the cost is the matrix summed along the returned order, and arrivals
    // follow the matrix (no service, no windows).
    let m = &input["matrices"]["car"]["durations"];
    let mut at = 0usize;
    let mut total = 0i64;
    for s in &steps[1..] {
        let to = s["location_index"].as_u64().unwrap() as usize;
        total += m[at][to].as_i64().unwrap();
        assert_eq!(s["arrival"].as_i64().unwrap(), total);
        assert_eq!(s["duration"].as_i64().unwrap(), total);
        at = to;
    }
    assert_eq!(total, 7268);
    assert_eq!(route["cost"], 7268);
}

#[test]
fn the_solve_cli_gives_the_same_answer_offline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .arg("solve")
        .arg(data("tests/data/service/vroom-matrix-example.json"))
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["summary"]["cost"], 7268);
    assert_eq!(v["routes"][0]["steps"].as_array().unwrap().len(), 8);
}

#[test]
fn every_unsupported_or_unknown_field_is_a_400_naming_its_path() {
    let server = Server::start(config(), None, None);
    let mut input = example();
    input["shipments"] =
        json!([{"pickup": {"id": 9, "location_index": 1, "colour": 1}, "delivery": {"id": 10}}]);
    input["vehicles"][0]["breaks"] = json!([{"id": 1, "time_windows": [[0, 10]]}]);
    input["jobs"][3]["colour"] = json!("red");
    input["jobs"][4]["location_index"] = json!(99);
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 400, "{out}");
    assert_eq!(out["code"], 2);
    let issues: Vec<(String, String)> = out["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                i["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (path, code) in [
        ("shipments[0].pickup.colour", "unknown_field"),
        ("shipments[0].delivery.location_index", "invalid"),
        ("vehicles[0].breaks", "unsupported"),
        ("jobs[3].colour", "unknown_field"),
        ("jobs[4].location_index", "invalid"),
    ] {
        assert!(
            issues.contains(&(path.to_string(), code.to_string())),
            "{path} {code} not in {issues:?}"
        );
    }
    // A value of the wrong type names its path too.
    let mut bad = example();
    bad["jobs"][1]["service"] = json!("five minutes");
    let (status, out) = server.post("/v1/solve", &bad, None);
    assert_eq!(status, 400);
    assert_eq!(out["error_code"], "bad_json");
    assert_eq!(out["issues"][0]["path"], "jobs[1].service", "{out}");
    // Not JSON at all.
    let (status, out) = server.post_bytes("/v1/solve", b"{not json", None);
    assert_eq!(status, 400);
    assert_eq!(out["error_code"], "bad_json");
}

#[test]
fn a_body_above_the_limit_is_a_json_413_and_so_are_too_many_vehicles() {
    let mut c = config();
    c.body_limit = 256;
    c.limits.max_vehicles = 1;
    let server = Server::start(c, None, None);
    let (status, out) = server.post("/v1/solve", &example(), None);
    assert_eq!(status, 413, "{out}");
    assert_eq!(out["error_code"], "body_too_large");
    let input = json!({
        "vehicles": [{"id": 1, "start_index": 0}, {"id": 2, "start_index": 0}],
        "jobs": [],
        "matrices": {"car": {"durations": [[0]]}}
    });
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 413, "{out}");
    assert_eq!(out["error_code"], "request_too_large");
}

fn tokens() -> Tokens {
    Tokens::parse(
        r#"
[[token]]
role = "planner"
secret = "planner-secret-0001"
[[token]]
role = "police"
secret = "police-secret-00001"
[[token]]
role = "carrier:sf"
secret = "carrier-sf-secret-1"
"#,
    )
    .unwrap()
}

#[test]
fn no_token_or_a_wrong_one_is_a_401_and_health_stays_open() {
    let server = Server::start(config(), None, Some(tokens()));
    let (status, out) = server.post("/v1/solve", &example(), None);
    assert_eq!(status, 401, "{out}");
    assert_eq!(out["error_code"], "unauthorized");
    let (status, _) = server.post("/v1/solve", &example(), Some("planner-secret-0002"));
    assert_eq!(status, 401);
    let (status, out) = server.post("/v1/solve", &example(), Some("planner-secret-0001"));
    assert_eq!(status, 200, "{out}");
    let (status, out) = server.post("/v1/solve", &example(), Some("carrier-sf-secret-1"));
    assert_eq!(status, 200, "{out}");
    // Police may judge plans, not plan.
    let (status, out) = server.post("/v1/solve", &example(), Some("police-secret-00001"));
    assert_eq!(status, 403, "{out}");
    let (status, _) = server.get("/health");
    assert_eq!(status, 200);
}

/// A problem whose search runs long enough to hold a worker (iteration-limited).
fn slow_problem() -> Value {
    let n = 60usize;
    let coords: Vec<(i64, i64)> = (0..n)
        .map(|i| ((i * 37 % 101) as i64, (i * 53 % 97) as i64))
        .collect();
    let durations: Vec<Vec<i64>> = coords
        .iter()
        .map(|a| {
            coords
                .iter()
                .map(|b| (a.0 - b.0).abs() * 10 + (a.1 - b.1).abs() * 10)
                .collect()
        })
        .collect();
    json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0}, {"id": 2, "start_index": 0, "end_index": 0}],
        "jobs": (1..n).map(|i| json!({"id": i, "location_index": i})).collect::<Vec<_>>(),
        "matrices": {"car": {"durations": durations}},
        "cityfreight": {"iterations": 400000}
    })
}

#[test]
fn a_full_queue_is_a_503_with_retry_after_while_health_answers() {
    let mut c = config();
    c.workers = 1;
    c.queue = 0;
    let server = Arc::new(Server::start(c, None, None));
    let s = server.clone();
    let slow = std::thread::spawn(move || s.post("/v1/solve", &slow_problem(), None));
    // Wait until the slow solve holds the only worker.
    let mut admitted = 0;
    for _ in 0..400 {
        let (_, h) = server.get("/health");
        admitted = h["admitted"].as_u64().unwrap();
        if admitted == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(admitted, 1, "the slow solve was never admitted");
    let (status, out) = server.post("/v1/solve", &example(), None);
    assert_eq!(status, 503, "{out}");
    assert_eq!(out["error_code"], "busy");
    assert_eq!(out["__retry_after"], "1");
    let (status, h) = server.get("/health");
    assert_eq!((status, h["status"].as_str()), (200, Some("ok")));
    let (status, out) = slow.join().unwrap();
    assert_eq!(status, 200, "{out}");
    assert_eq!(server.state.admitted(), 0);
    // Room again.
    let (status, _) = server.post("/v1/solve", &example(), None);
    assert_eq!(status, 200);
}

#[test]
fn shutdown_finishes_the_requests_in_flight() {
    let mut server = Server::start(config(), None, None);
    let url = server.url("/v1/solve");
    let slow = std::thread::spawn(move || {
        let mut r = agent().post(&url).send_json(slow_problem()).unwrap();
        let status = r.status().as_u16();
        let v: Value = r.body_mut().read_json().unwrap();
        (status, v)
    });
    for _ in 0..400 {
        if server.state.admitted() == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(server.state.admitted(), 1);
    // Stop accepting; the solve in flight still gets its answer.
    let _ = server.stop.take().unwrap().send(());
    let (status, out) = slow.join().unwrap();
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["code"], 0);
    server.thread.take().unwrap().join().unwrap();
    assert!(
        std::net::TcpStream::connect(server.addr).is_err(),
        "still listening"
    );
}

/// Twenty SF orders of the demo scenario, as VROOM jobs with coordinates.
fn chengdu_jobs(count: usize) -> Vec<Value> {
    let text = std::fs::read_to_string(data("data/scenarios/chengdu-core/orders-sf.csv")).unwrap();
    text.lines()
        .skip(1)
        .take(count)
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.split(',').collect();
            let lon: f64 = f[1].parse().unwrap();
            let lat: f64 = f[2].parse().unwrap();
            json!({"id": i + 1, "location": [lon, lat], "service": f[6].parse::<i64>().unwrap(), "delivery": [f[5].parse::<i64>().unwrap()]})
        })
        .collect()
}

#[test]
fn a_chengdu_solve_on_the_extract_passes_the_independent_checker() {
    let roads = chengdu();
    let server = Server::start(config(), Some(roads.clone()), None);
    let input = json!({
        "vehicles": [
            {"id": 1, "profile": "e-micro-van", "start": [104.0450, 30.7150], "end": [104.0450, 30.7150],
             "capacity": [60], "time_window": [21600, 72000], "cityfreight": {"permit": "green-pass"}},
            {"id": 2, "profile": "e-tricycle", "start": [104.0450, 30.7150], "end": [104.0450, 30.7150],
             "capacity": [30], "time_window": [25200, 68400]}
        ],
        "jobs": chengdu_jobs(20),
        "cityfreight": {"iterations": 3000, "time_zero": "Tu 00:00", "geometry": true}
    });
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["code"], 0);
    // Re-check: rebuild the solver problem from the request and judge the answer's plan.
    let parsed: Input = serde_json::from_value(input.clone()).unwrap();
    let problem = mapping::problem(&parsed, Some(&roads), &Limits::default()).unwrap();
    let mut routes = Vec::new();
    let mut served = std::collections::BTreeSet::new();
    for r in out["routes"].as_array().unwrap() {
        let v = input["vehicles"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x["id"] == r["vehicle"])
            .unwrap();
        let visits: Vec<Visit> = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["type"] == "job")
            .map(|s| {
                let j = s["id"].as_u64().unwrap() as u32 - 1;
                served.insert(j);
                Visit::Order {
                    order: j,
                    alternative: 0,
                }
            })
            .collect();
        routes.push(Route {
            vehicle_type: v as u32,
            visits,
        });
        assert_eq!(r["geometry"]["type"], "LineString");
        assert!(r["geometry"]["coordinates"].as_array().unwrap().len() > 2);
        assert!(r["distance"].as_i64().unwrap() > 0);
    }
    let unserved: Vec<u32> = (0..20).filter(|j| !served.contains(j)).collect();
    assert_eq!(
        out["summary"]["unassigned"].as_u64().unwrap() as usize,
        unserved.len()
    );
    let report = cityfreight::solver::check::check(&problem, &Solution { routes, unserved });
    assert!(report.feasible(), "{:?}", report.violations);
    // Solver costs are thousandths of VROOM's (exact here: cost = travel seconds).
    let routes_cost: i64 = report.routes.iter().map(|r| r.cost.0).sum();
    assert_eq!(
        out["summary"]["cost"].as_i64().unwrap() * mapping::COST_SCALE,
        routes_cost
    );
    assert!(
        served.len() >= 18,
        "only {} of 20 jobs served",
        served.len()
    );
}

#[test]
fn check_mode_finds_a_closed_zone_violation_and_passes_a_legal_plan() {
    let roads = chengdu();
    let server = Server::start(config(), Some(roads), None);
    let depot = json!([104.0450, 30.7150]);
    // sf-001 (104.077, 30.686) lies inside the core zone, closed to fuel vehicles 07:00-19:00.
    let jobs = chengdu_jobs(3);
    let plan = |profile: &str, permit: Option<&str>| {
        let mut v = json!({"id": 7, "profile": profile, "start": depot, "end": depot,
            "capacity": [100], "time_window": [36000, 72000],
            "steps": [{"type": "start"}, {"type": "job", "id": 1}, {"type": "job", "id": 2}, {"type": "end"}]});
        if let Some(p) = permit {
            v["cityfreight"] = json!({"permit": p});
        }
        json!({"vehicles": [v], "jobs": jobs, "cityfreight": {"time_zero": "Tu 00:00"}})
    };
    let (status, out) = server.post("/v1/solve", &plan("diesel-light-truck", None), None);
    assert_eq!(status, 200, "{out}");
    let causes: Vec<&str> = out["summary"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["cause"].as_str().unwrap())
        .collect();
    assert!(causes.contains(&"closed_zone"), "{out}");
    let step = &out["routes"][0]["steps"][1];
    assert_eq!(step["id"], 1);
    let detail = step["violations"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("core"), "{detail}");
    // Job 3 is not in the plan: unassigned, as in VROOM's plan mode.
    assert_eq!(out["unassigned"][0]["id"], 3);
    // The same plan with a green-pass electric van breaks no rule.
    let (status, out) = server.post("/v1/solve", &plan("e-micro-van", Some("green-pass")), None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["violations"], json!([]), "{out}");
    // A diesel truck holding the green pass (for new-energy vehicles only) breaks the permit rule.
    let (_, out) = server.post(
        "/v1/solve",
        &plan("diesel-light-truck", Some("green-pass")),
        None,
    );
    let causes: Vec<&str> = out["routes"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["cause"].as_str().unwrap())
        .collect();
    assert!(causes.contains(&"permit"), "{out}");
    // Nine vans on the green pass (quota 8) break the quota.
    let many: Vec<Value> = (0..9)
        .map(|k| {
            json!({"id": 100 + k, "profile": "e-micro-van", "start": depot, "end": depot,
                "time_window": [36000, 72000], "cityfreight": {"permit": "green-pass"},
                "steps": [{"type": "job", "id": k + 1}]})
        })
        .collect();
    let (status, out) = server.post(
        "/v1/solve",
        &json!({"vehicles": many, "jobs": chengdu_jobs(9), "cityfreight": {"time_zero": "Tu 00:00"}}),
        None,
    );
    assert_eq!(status, 200, "{out}");
    let quota: Vec<&Value> = out["summary"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["cause"] == "permit_quota")
        .collect();
    assert_eq!(quota.len(), 1, "{out}");
    assert!(
        quota[0]["detail"].as_str().unwrap().contains("9 vehicles"),
        "{out}"
    );
    // Late: a shift that closes before the van can be back is a `delay` at the end step.
    let mut late = plan("e-micro-van", Some("green-pass"));
    late["vehicles"][0]["time_window"] = json!([36000, 36060]);
    let (_, out) = server.post("/v1/solve", &late, None);
    let end = out["routes"][0]["steps"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(end["violations"][0]["cause"], "delay", "{out}");
    assert!(end["violations"][0]["duration"].as_i64().unwrap() > 0);
}

#[test]
fn table_and_route_follow_class_hour_and_permit() {
    let roads = chengdu();
    let server = Server::start(config(), Some(roads), None);
    let inside = json!([104.077032, 30.685726]);
    let outside = json!([104.0450, 30.7150]);
    let table = |class: &str, at: &str, permit: Option<&str>| {
        let mut req = json!({"class": class, "sources": [outside, inside], "departure": at});
        if let Some(p) = permit {
            req["permit"] = json!(p);
        }
        server.post("/v1/table", &req, None)
    };
    let (status, night) = table("diesel-light-truck", "Tu 22:00", None);
    assert_eq!(status, 200, "{night}");
    assert!(night["durations"][0][1].as_f64().unwrap() > 0.0);
    let (_, day) = table("diesel-light-truck", "Tu 10:00", None);
    assert_eq!(day["durations"][0][1], Value::Null, "{day}");
    assert_eq!(day["closed_zones"], json!(["core"]));
    let (_, van) = table("e-micro-van", "Tu 10:00", Some("green-pass"));
    assert!(van["durations"][0][1].as_f64().unwrap() > 0.0, "{van}");
    let (_, no_pass) = table("e-micro-van", "Tu 10:00", None);
    assert_eq!(no_pass["durations"][0][1], Value::Null, "{no_pass}");
    // The route agrees with the table entry for the same pair.
    let (status, r) = server.post(
        "/v1/route",
        &json!({"class": "e-micro-van", "from": outside, "to": inside, "departure": "Tu 10:00", "permit": "green-pass"}),
        None,
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["duration"], van["durations"][0][1]);
    assert_eq!(r["distance"], van["distances"][0][1]);
    assert_eq!(r["geometry"]["type"], "LineString");
    // A closed zone is a routing error naming it.
    let (status, e) = server.post(
        "/v1/route",
        &json!({"class": "diesel-light-truck", "from": outside, "to": inside, "departure": "Tu 10:00"}),
        None,
    );
    assert_eq!(status, 400);
    assert_eq!(e["code"], 3);
    assert!(e["error"].as_str().unwrap().contains("core"), "{e}");
    // Unknown class, bad time and an off-map point, all at once.
    let (status, e) = server.post(
        "/v1/table",
        &json!({"class": "rocket", "sources": [[0.0, 0.0]], "departure": "Xx 99:00"}),
        None,
    );
    assert_eq!(status, 400);
    let paths: Vec<&str> = e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"class") && paths.contains(&"departure"),
        "{e}"
    );
}

#[test]
fn openapi_lists_exactly_the_served_routes_and_its_examples_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_state(with_jobs(
        AppState::new(config(), Some(chengdu()), None),
        dir.path(),
    ));
    let (status, doc) = server.get("/openapi.json");
    assert_eq!(status, 200);
    let mut described = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            described.push((method.clone(), path.clone()));
        }
    }
    described.sort();
    let mut served: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    served.sort();
    assert_eq!(described, served);
    // Every served route answers (not the 404 fallback), and every example request is
    // accepted (200, or 202 for a job).
    let mut job = None;
    for (method, path) in &served {
        if method == "post" {
            let body = &doc["paths"][path][method]["requestBody"]["content"]["application/json"];
            let Some(example) = body.get("example") else {
                // Routes without an example must still be served: an empty body is a 400, not a 404.
                let (status, out) = server.post(path, &json!({}), None);
                assert_eq!(status, 400, "{path}: {out}");
                continue;
            };
            let (status, out) = server.post(path, example, None);
            assert!(status == 200 || status == 202, "{path}: {status} {out}");
            if path == "/v1/solve" {
                // The example's bay is cheaper than the doors of jobs 1 and 2.
                assert!(out.to_string().contains(r#""bay":"bay-a""#), "{out}");
            }
            if status == 202 {
                job = Some(out["url"].as_str().unwrap().to_string());
            }
        }
    }
    let job = job.expect("the plans example made a job");
    for (method, path) in &served {
        let path = if path.contains('{') {
            job.clone()
        } else {
            path.clone()
        };
        match method.as_str() {
            "get" => assert_eq!(server.get(&path).0, 200, "{path}"),
            "delete" => assert_eq!(server.call("DELETE", &path, None).0, 200, "{path}"),
            _ => {}
        }
    }
    let (status, out) = server.get("/v2/nothing");
    assert_eq!(status, 404);
    assert_eq!(out["error_code"], "not_found");
}

fn with_jobs(state: AppState, data_dir: &std::path::Path) -> AppState {
    let store = cityfreight::service::jobs::JobStore::open(data_dir).unwrap();
    state.with_jobs(
        store,
        data("data/osm/chengdu-center-2018.osm.pbf"),
        Some(data("data/scenarios/chengdu-core/policy.toml")),
    )
}

fn job_tokens() -> Tokens {
    Tokens::parse(
        r#"
[[token]]
role = "planner"
secret = "planner-secret-0001"
[[token]]
role = "police"
secret = "police-secret-00001"
[[token]]
role = "carrier:sf"
secret = "carrier-sf-secret-1"
[[token]]
role = "carrier:jd"
secret = "carrier-jd-secret-1"
"#,
    )
    .unwrap()
}

const PLANNER: Option<&str> = Some("planner-secret-0001");
const POLICE: Option<&str> = Some("police-secret-00001");
const SF: Option<&str> = Some("carrier-sf-secret-1");
const JD: Option<&str> = Some("carrier-jd-secret-1");

/// Poll a job until it leaves queued/running (a wait, not a timing assertion).
fn wait(server: &Server, url: &str, token: Option<&str>) -> Value {
    for _ in 0..6000 {
        let (status, v) = server.call("GET", url, token);
        assert_eq!(status, 200, "{v}");
        if v["status"] != "queued" && v["status"] != "running" {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{url} never finished");
}

fn carrier(id: &str, depot: [f64; 2], first: usize) -> Value {
    let orders: Vec<Value> = chengdu_jobs(first + 3)[first..]
        .iter()
        .enumerate()
        .map(|(k, j)| {
            json!({"id": format!("{id}-{k}"), "lon": j["location"][0], "lat": j["location"][1],
            "weight_kg": 2.0, "volume_m3": 0.01, "parcels": 1, "service_s": 60, "windows": ""})
        })
        .collect();
    json!({"id": id, "depot": depot, "orders": orders,
        "fleet": [{"class": "e-micro-van", "count": 1, "permit": "green-pass", "shift": "06:00-20:00"}]})
}

fn scenario(carriers: Vec<Value>) -> Value {
    json!({"scenario": {"name": "http-jobs", "day": "Tu", "solver": {"iterations": 300, "threads": 1, "seed": 1}, "carrier": carriers}})
}

#[test]
fn scenario_jobs_keep_carriers_apart_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url_of = |v: &Value| v["url"].as_str().unwrap().to_string();
    let sf = carrier("sf", [104.0450, 30.7150], 0);
    let jd = carrier("jd", [104.1080, 30.7050], 3);
    let (plan_url, share_url);
    {
        let server = Server::start_state(with_jobs(
            AppState::new(config(), Some(chengdu()), Some(job_tokens())),
            dir.path(),
        ));
        // A carrier plans its own orders.
        let (status, accepted) = server.post("/v1/plans", &scenario(vec![sf.clone()]), SF);
        assert_eq!(status, 202, "{accepted}");
        plan_url = url_of(&accepted);
        // ... but never another carrier's, and police do not plan.
        let (status, e) = server.post("/v1/plans", &scenario(vec![sf.clone()]), JD);
        assert_eq!(status, 403, "{e}");
        assert_eq!(
            server
                .post("/v1/plans", &scenario(vec![sf.clone()]), POLICE)
                .0,
            403
        );
        // A bad scenario is a 400 naming its record, not a failed job.
        let mut bad = scenario(vec![sf.clone()]);
        bad["scenario"]["carrier"][0]["fleet"][0]["class"] = json!("rocket");
        let (status, e) = server.post("/v1/plans", &bad, SF);
        assert_eq!(status, 400, "{e}");
        assert!(e["error"].as_str().unwrap().contains("rocket"), "{e}");
        // Carrier jd cannot see, nor cancel, sf's job: 404 as for an unknown id.
        assert_eq!(server.call("GET", &plan_url, JD).0, 404);
        assert_eq!(server.call("DELETE", &plan_url, JD).0, 404);
        assert_eq!(server.call("GET", "/v1/plans/job-999", SF).0, 404);
        let done = wait(&server, &plan_url, SF);
        assert_eq!(done["status"], "done", "{done}");
        let plan = done["result"]["plan"].clone();
        assert!(!plan["routes"].as_array().unwrap().is_empty(), "{plan}");
        // Police check that plan against the same scenario: compliant.
        let mut check = scenario(vec![sf.clone()]);
        check["plan"] = plan;
        let (status, accepted) = server.post("/v1/checks", &check, POLICE);
        assert_eq!(status, 202, "{accepted}");
        let checked = wait(&server, &url_of(&accepted), POLICE);
        assert_eq!(checked["result"]["compliant"], true, "{checked}");
        // The owner cancels a job; it stays cancelled and keeps no result.
        let mut long = scenario(vec![sf.clone()]);
        long["scenario"]["solver"]["iterations"] = json!(20_000);
        let (status, accepted) = server.post("/v1/plans", &long, SF);
        assert_eq!(status, 202, "{accepted}");
        let long_url = url_of(&accepted);
        let (status, v) = server.call("DELETE", &long_url, SF);
        assert_eq!(
            (status, v["status"].as_str()),
            (200, Some("cancelled")),
            "{v}"
        );
        // A share started by the planner: each carrier reads only its own allocation.
        assert_eq!(
            server
                .post("/v1/shares", &scenario(vec![sf.clone(), jd.clone()]), SF)
                .0,
            403
        );
        let (status, accepted) = server.post(
            "/v1/shares",
            &scenario(vec![sf.clone(), jd.clone()]),
            PLANNER,
        );
        assert_eq!(status, 202, "{accepted}");
        share_url = url_of(&accepted);
        let full = wait(&server, &share_url, PLANNER);
        assert_eq!(full["status"], "done", "{full}");
        assert_eq!(
            full["result"]["allocation"]["carriers"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(full["result"]["pooled_plan"].is_object());
        let (status, own) = server.call("GET", &share_url, SF);
        assert_eq!(status, 200);
        let carriers = own["result"]["allocation"]["carriers"].as_array().unwrap();
        assert_eq!(carriers.len(), 1, "{own}");
        assert_eq!(carriers[0]["id"], "sf");
        assert!(own["result"]["allocation"]["pooled_cost"].is_number());
        let text = own.to_string();
        assert!(
            !text.contains("\"jd") && !text.contains("jd-"),
            "sf sees jd: {text}"
        );
        assert!(own["result"].get("pooled_plan").is_none());
        let (_, v) = server.call("GET", &long_url, SF);
        assert_eq!(v["status"], "cancelled");
        assert!(v.get("result").is_none(), "{v}");
    }
    // A job the previous process left running is reported as interrupted after a restart.
    let stale = dir.path().join("jobs/job-77");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(
        stale.join("meta.json"),
        json!({"id": "job-77", "kind": "plans", "owner": "carrier:sf", "carriers": ["sf"], "status": "running", "progress": "planning"}).to_string(),
    )
    .unwrap();
    let server = Server::start_state(with_jobs(
        AppState::new(config(), Some(chengdu()), Some(job_tokens())),
        dir.path(),
    ));
    let (status, v) = server.call("GET", "/v1/plans/job-77", SF);
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("interrupted")),
        "{v}"
    );
    // Finished results are still there, still only for their owner.
    let (status, v) = server.call("GET", &plan_url, SF);
    assert_eq!((status, v["status"].as_str()), (200, Some("done")));
    assert!(v["result"]["plan"]["routes"].is_array());
    assert_eq!(server.call("GET", &plan_url, JD).0, 404);
    assert_eq!(server.call("GET", &share_url, JD).0, 200);
    // A new job gets a fresh id.
    let (_, accepted) = server.post("/v1/plans", &scenario(vec![sf]), SF);
    let id = accepted["id"].as_str().unwrap();
    assert_ne!(id, "job-77");
    assert!(id.trim_start_matches("job-").parse::<u64>().unwrap() > 77);
}

#[test]
fn setup_skills_open_routes_and_priorities_follow_the_documented_semantics() {
    let server = Server::start(config(), None, None);
    let m = json!([[0, 100, 200], [100, 0, 100], [200, 100, 0]]);
    // Setup is added at every job; a vehicle without `end` stops at its last job.
    let input = json!({
        "vehicles": [{"id": 1, "start_index": 0}],
        "jobs": [{"id": 1, "location_index": 1, "setup": 30, "service": 20},
                 {"id": 2, "location_index": 2, "setup": 30, "service": 20}],
        "matrices": {"car": {"durations": m}},
        "cityfreight": {"iterations": 100}
    });
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    let steps = out["routes"][0]["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start", "job", "job"]);
    assert_eq!(
        (steps[1]["setup"].as_i64(), steps[1]["service"].as_i64()),
        (Some(30), Some(20))
    );
    assert_eq!(steps[2]["arrival"].as_i64().unwrap(), 100 + 50 + 100);
    assert_eq!(out["summary"]["cost"], 200);
    // A job whose skills no vehicle has is unassigned.
    let mut skilled = input.clone();
    skilled["jobs"][1]["skills"] = json!([7]);
    skilled["vehicles"][0]["skills"] = json!([1]);
    let (_, out) = server.post("/v1/solve", &skilled, None);
    assert_eq!(out["unassigned"][0]["id"], 2, "{out}");
    // When not every job fits, the higher priority is kept.
    let tight = |p1: u32, p2: u32| {
        json!({
            "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [1]}],
            "jobs": [{"id": 1, "location_index": 1, "delivery": [1], "priority": p1},
                     {"id": 2, "location_index": 2, "delivery": [1], "priority": p2}],
            "matrices": {"car": {"durations": m}},
            "cityfreight": {"iterations": 200}
        })
    };
    let (_, out) = server.post("/v1/solve", &tight(0, 0), None);
    assert_eq!(
        out["unassigned"][0]["id"], 2,
        "the nearer job is cheaper: {out}"
    );
    let (_, out) = server.post("/v1/solve", &tight(0, 5), None);
    assert_eq!(
        out["unassigned"][0]["id"], 1,
        "priority wins over cost: {out}"
    );
}

#[test]
fn jobs_with_pickups_keep_the_load_within_capacity_at_every_step() {
    // VROOM's job `pickup`: collected at the job and carried to the route's end. Two vehicles of
    // capacity 4; every job delivers 1, and jobs 2, 4 and 6 also pick up 2.
    let server = Server::start(config(), None, None);
    let mut input = example();
    input["vehicles"][0]["capacity"] = json!([4]);
    input["vehicles"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 1, "start_index": 0, "end_index": 7, "capacity": [4]}));
    for (k, job) in input["jobs"].as_array_mut().unwrap().iter_mut().enumerate() {
        job["delivery"] = json!([1]);
        if k % 2 == 1 {
            job["pickup"] = json!([2]);
        }
    }
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["unassigned"], 0, "{out}");
    assert_eq!(out["summary"]["delivery"], json!([6]));
    assert_eq!(out["summary"]["pickup"], json!([6]));
    for route in out["routes"].as_array().unwrap() {
        let steps = route["steps"].as_array().unwrap();
        let start = steps[0]["load"][0].as_i64().unwrap();
        assert_eq!(json!([start]), route["delivery"], "{route}");
        for s in steps {
            let load = s["load"][0].as_i64().unwrap();
            assert!((0..=4).contains(&load), "load {load} at {s}");
        }
        let end = steps.last().unwrap()["load"][0].as_i64().unwrap();
        assert_eq!(json!([end]), route["pickup"], "{route}");
    }
}

/// The plan of an answer as a solver solution of `problem` (built from the same request): job
/// steps with the alternative of their bay, charging steps with their station and energy.
fn answered_plan(input: &Value, out: &Value) -> Solution {
    let jobs = input["jobs"].as_array().cloned().unwrap_or_default();
    let shipments = input["shipments"].as_array().cloned().unwrap_or_default();
    let orders = jobs.len() + 2 * shipments.len();
    let bays: Vec<Value> = input["cityfreight"]["bays"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let stations: Vec<Value> = input["cityfreight"]["charging"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let parsed: Input = serde_json::from_value(input.clone()).unwrap();
    let problem = mapping::problem(&parsed, None, &Limits::default()).unwrap();
    let mut routes = Vec::new();
    let mut served = std::collections::BTreeSet::new();
    for r in out["routes"].as_array().unwrap() {
        let v = input["vehicles"]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x["id"] == r["vehicle"])
            .unwrap();
        let mut visits = Vec::new();
        for s in r["steps"].as_array().unwrap() {
            match s["type"].as_str().unwrap() {
                "job" => {
                    let j = jobs.iter().position(|x| x["id"] == s["id"]).unwrap() as u32;
                    served.insert(j);
                    let alternative = match s["cityfreight"]["bay"].as_str() {
                        None => 0,
                        Some(id) => {
                            let b = bays.iter().position(|x| x["id"] == id).unwrap();
                            let loc = problem
                                .sites()
                                .iter()
                                .find(|site| site.name == bays[b]["id"].as_str().unwrap());
                            let site = loc.unwrap();
                            problem.order(j).alternatives[1..]
                                .iter()
                                .position(|a| {
                                    a.location == site.location
                                        || site.aliases.contains(&a.location)
                                })
                                .unwrap() as u32
                                + 1
                        }
                    };
                    visits.push(Visit::Order {
                        order: j,
                        alternative,
                    });
                }
                side @ ("pickup" | "delivery") => {
                    // Shipment k is orders jobs + 2k (pickup) and jobs + 2k + 1 (delivery).
                    let k = shipments
                        .iter()
                        .position(|x| x[side]["id"] == s["id"])
                        .unwrap();
                    let order = (jobs.len() + 2 * k + usize::from(side == "delivery")) as u32;
                    served.insert(order);
                    visits.push(Visit::Order {
                        order,
                        alternative: 0,
                    });
                }
                "charge" => {
                    let id = s["cityfreight"]["station"].as_str().unwrap();
                    let station = stations.iter().position(|x| x["id"] == id).unwrap() as u32;
                    visits.push(Visit::Charge {
                        station,
                        energy: cityfreight::solver::measure::Energy(
                            s["cityfreight"]["energy_wh"].as_i64().unwrap(),
                        ),
                    });
                }
                _ => {}
            }
        }
        routes.push(Route {
            vehicle_type: v as u32,
            visits,
        });
    }
    let unserved = (0..orders as u32).filter(|j| !served.contains(j)).collect();
    let solution = Solution { routes, unserved };
    let report = cityfreight::solver::check::check(&problem, &solution);
    assert!(report.feasible(), "{:?}", report.violations);
    solution
}

/// Two doors 1,000 s from the depot, a bay 100 s away that serves both on foot (60 s walk).
fn bay_input() -> Value {
    json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0}],
        "jobs": [{"id": 1, "location_index": 1, "service": 30},
                 {"id": 2, "location_index": 2, "service": 30}],
        "matrices": {"car": {"durations": [
            [0, 1000, 1000, 100], [1000, 0, 50, 950], [1000, 50, 0, 950], [100, 950, 950, 0]]}},
        "cityfreight": {"iterations": 300, "bays": [
            {"id": "b1", "location_index": 3, "capacity": 1, "jobs": [1, 2], "walk": 60,
             "time_windows": [[0, 10000]], "max_dwell": 600}]}
    })
}

#[test]
fn bays_on_solve_serve_jobs_on_foot_within_dwell_and_hours() {
    let server = Server::start(config(), None, None);
    let input = bay_input();
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    // Both jobs from the bay: 100 s there and 100 s back, one stay.
    assert_eq!(out["summary"]["cost"], 200, "{out}");
    let steps = out["routes"][0]["steps"].as_array().unwrap();
    for s in &steps[1..3] {
        assert_eq!(s["cityfreight"]["bay"], "b1", "{s}");
        assert_eq!(s["cityfreight"]["walk"], 60);
        assert_eq!(s["service"], 90, "the walk is part of the stop: {s}");
        assert_eq!(s["location_index"], 3);
    }
    assert_eq!(steps[2]["arrival"], 100 + 90, "{out}");
    answered_plan(&input, &out);
    // A stop longer than the bay's dwell limit (90 s > 80 s) is made at the door.
    let mut short = input.clone();
    short["cityfreight"]["bays"][0]["max_dwell"] = json!(80);
    let (_, out) = server.post("/v1/solve", &short, None);
    assert!(!out.to_string().contains("\"bay\""), "{out}");
    assert_eq!(out["summary"]["cost"], 2050, "{out}");
    answered_plan(&short, &out);
    // A bay closed all day serves nobody.
    let mut closed = input.clone();
    closed["cityfreight"]["bays"][0]["time_windows"] = json!([[20000, 30000]]);
    closed["vehicles"][0]["time_window"] = json!([0, 10000]);
    let (_, out) = server.post("/v1/solve", &closed, None);
    assert!(!out.to_string().contains("\"bay\""), "{out}");
    // A radius instead of a job list needs coordinates, and every bad field is named.
    let mut bad = input.clone();
    bad["cityfreight"]["bays"][0]["jobs"] = json!([1, 99]);
    bad["cityfreight"]["bays"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "b2", "location_index": 3, "radius": 100, "capacity": 0}));
    bad["cityfreight"]["charging"] = json!([{"id": "c1", "location_index": 3, "power_kw": 0}]);
    bad["vehicles"][0]["cityfreight"] =
        json!({"battery": {"capacity_wh": 1000, "consumption_wh_per_km": 100}});
    let (status, e) = server.post("/v1/solve", &bad, None);
    assert_eq!(status, 400, "{e}");
    let paths: Vec<&str> = e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for p in [
        "cityfreight.bays[0].jobs[1]",
        "cityfreight.bays[1].radius",
        "cityfreight.bays[1].capacity",
        "cityfreight.charging[0].power_kw",
        "vehicles[0].cityfreight.battery",
    ] {
        assert!(paths.contains(&p), "{p} not in {paths:?}");
    }
}

#[test]
fn check_mode_reports_bay_hours_dwell_and_room() {
    let server = Server::start(config(), None, None);
    let mut input = bay_input();
    input["vehicles"] = json!([
        {"id": 1, "start_index": 0, "end_index": 0, "steps": [
            {"type": "job", "id": 1, "cityfreight": {"bay": "b1"}}]},
        {"id": 2, "start_index": 0, "end_index": 0, "steps": [
            {"type": "job", "id": 2, "cityfreight": {"bay": "b1"}}]}
    ]);
    // Both vans at the one-vehicle bay from 100 s on.
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    let bay: Vec<&Value> = out["summary"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["cause"] == "bay")
        .collect();
    assert_eq!(bay.len(), 1, "{out}");
    assert!(
        bay[0]["detail"].as_str().unwrap().contains("room for 1"),
        "{out}"
    );
    // One van: fine at the bay; a bay closing at 50 s (the van stays from 100 s) or a 60 s
    // dwell is not.
    input["vehicles"].as_array_mut().unwrap().pop();
    input["jobs"].as_array_mut().unwrap().pop();
    input["cityfreight"]["bays"][0]["jobs"] = json!([1]);
    let (_, out) = server.post("/v1/solve", &input, None);
    assert_eq!(out["summary"]["violations"], json!([]), "{out}");
    let mut late = input.clone();
    late["cityfreight"]["bays"][0]["time_windows"] = json!([[0, 50]]);
    let (_, out) = server.post("/v1/solve", &late, None);
    let v = &out["routes"][0]["violations"][0];
    assert_eq!(v["cause"], "bay", "{out}");
    assert!(
        v["detail"].as_str().unwrap().contains("outside its hours"),
        "{out}"
    );
    let mut dwell = input.clone();
    dwell["cityfreight"]["bays"][0]["max_dwell"] = json!(60);
    let (_, out) = server.post("/v1/solve", &dwell, None);
    let v = &out["routes"][0]["violations"][0];
    assert_eq!(
        (v["cause"].as_str(), v["duration"].as_i64()),
        (Some("bay"), Some(30)),
        "{out}"
    );
    // A step naming a bay that may not serve its job is a 400.
    let mut wrong = input.clone();
    wrong["cityfreight"]["bays"][0]["jobs"] = json!([]);
    wrong["cityfreight"]["bays"][0]["radius"] = json!(10);
    let (status, e) = server.post("/v1/solve", &wrong, None);
    assert_eq!(status, 400, "{e}");
}

/// A 60 km round trip for a 50 kWh van using 1 kWh/km; a charger half way out.
fn charging_input() -> Value {
    let d = json!([[0, 30000, 15000], [30000, 0, 15000], [15000, 15000, 0]]);
    let t = json!([[0, 3000, 1500], [3000, 0, 1500], [1500, 1500, 0]]);
    json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0,
            "costs": {"per_hour": 0, "per_km": 1},
            "cityfreight": {"battery": {"capacity_wh": 50000, "consumption_wh_per_km": 1000}}}],
        "jobs": [{"id": 1, "location_index": 1, "service": 60}],
        "matrices": {"van": {"durations": t, "distances": d}},
        "cityfreight": {"iterations": 200,
            "charging": [{"id": "c1", "location_index": 2, "power_kw": 50}]}
    })
}

#[test]
fn battery_vehicles_charge_on_solve_and_check_mode_judges_the_charge() {
    let server = Server::start(config(), None, None);
    let mut input = charging_input();
    input["vehicles"][0]["profile"] = json!("van");
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["unassigned"], 0, "{out}");
    let steps = out["routes"][0]["steps"].as_array().unwrap();
    let charge: Vec<&Value> = steps.iter().filter(|s| s["type"] == "charge").collect();
    assert_eq!(charge.len(), 1, "{out}");
    assert_eq!(charge[0]["cityfreight"]["station"], "c1");
    let wh = charge[0]["cityfreight"]["energy_wh"].as_i64().unwrap();
    assert!(wh >= 10_000, "{out}");
    // Charging time at 50 kW, rounded up.
    assert_eq!(
        charge[0]["service"].as_i64().unwrap(),
        (wh * 3600 + 49_999) / 50_000
    );
    // Cost = km (per_km 1): 60 km however the charger is placed on the way.
    assert_eq!(out["summary"]["cost"], 60, "{out}");
    assert_eq!(out["summary"]["distance"], 60000);
    answered_plan(&input, &out);
    // Without the charger the job is out of range.
    let mut none = input.clone();
    none["cityfreight"]["charging"] = json!([]);
    let (_, out) = server.post("/v1/solve", &none, None);
    assert_eq!(out["summary"]["unassigned"], 1, "{out}");
    // Check mode: enough charge passes; too little is a battery violation.
    let plan = |wh: i64| {
        let mut v = input.clone();
        v["vehicles"][0]["steps"] = json!([
            {"type": "start"},
            {"type": "charge", "cityfreight": {"station": "c1", "energy_wh": wh}},
            {"type": "job", "id": 1}, {"type": "end"}]);
        v
    };
    let (status, out) = server.post("/v1/solve", &plan(15000), None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["violations"], json!([]), "{out}");
    let (_, out) = server.post("/v1/solve", &plan(5000), None);
    assert_eq!(out["summary"]["violations"][0]["cause"], "battery", "{out}");
}

#[test]
fn max_tasks_and_max_distance_limit_routes_and_are_judged_in_check_mode() {
    let server = Server::start(config(), None, None);
    // VROOM's example: six jobs, one vehicle; at most four of them.
    let mut input = example();
    input["vehicles"][0]["max_tasks"] = json!(4);
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["unassigned"], 2, "{out}");
    let jobs = out["routes"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"] == "job")
        .count();
    assert_eq!(jobs, 4);
    // The hidden task dimension never shows in loads.
    assert_eq!(out["routes"][0]["steps"][0]["load"], json!([]), "{out}");
    // Check mode: three jobs on a two-task vehicle.
    let mut check = example();
    check["vehicles"][0]["max_tasks"] = json!(2);
    check["vehicles"][0]["steps"] =
        json!([{"type": "job", "id": 1}, {"type": "job", "id": 2}, {"type": "job", "id": 3}]);
    let (status, out) = server.post("/v1/solve", &check, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        out["routes"][0]["violations"][0]["cause"], "max_tasks",
        "{out}"
    );
    // max_distance on a per-km vehicle: the 60 km round trip fits 60 km, not 59.
    let mut far = charging_input();
    far["vehicles"][0]["profile"] = json!("van");
    far["vehicles"][0]["cityfreight"] = json!(null);
    far["cityfreight"]["charging"] = json!([]);
    far["vehicles"][0]["max_distance"] = json!(60000);
    let (_, out) = server.post("/v1/solve", &far, None);
    assert_eq!(out["summary"]["unassigned"], 0, "{out}");
    far["vehicles"][0]["max_distance"] = json!(59999);
    let (_, out) = server.post("/v1/solve", &far, None);
    assert_eq!(out["summary"]["unassigned"], 1, "{out}");
    far["vehicles"][0]["steps"] = json!([{"type": "job", "id": 1}]);
    let (_, out) = server.post("/v1/solve", &far, None);
    let v = &out["routes"][0]["violations"][0];
    assert_eq!(v["cause"], "max_distance", "{out}");
    assert_eq!(v["detail"], "1 m over");
    // ... but with VROOM's default cost (travel time) it stays a 400.
    let mut timed = example();
    timed["vehicles"][0]["max_distance"] = json!(1000);
    let (status, e) = server.post("/v1/solve", &timed, None);
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["issues"][0]["path"], "vehicles[0].max_distance", "{e}");
}

#[test]
fn cancelling_a_running_job_stops_its_search_long_before_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    // One worker and a time limit far above the test's patience: only the cancel can stop it.
    let mut c = config();
    c.workers = 1;
    c.limits.time_limit = std::time::Duration::from_secs(3600);
    let server = Server::start_state(with_jobs(
        AppState::new(c, Some(chengdu()), None),
        dir.path(),
    ));
    let budget: u64 = 1_000_000_000;
    let mut long = scenario(vec![carrier("sf", [104.0450, 30.7150], 0)]);
    long["scenario"]["solver"]["iterations"] = json!(budget);
    let (status, accepted) = server.post("/v1/plans", &long, None);
    assert_eq!(status, 202, "{accepted}");
    let url = accepted["url"].as_str().unwrap().to_string();
    // Wait until the search runs (a wait, not a timing assertion).
    let mut searching = false;
    for _ in 0..6000 {
        let (_, v) = server.get(&url);
        if v["progress"].as_str().unwrap_or("").contains("searching") {
            searching = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(searching, "the search never started");
    let (status, v) = server.call("DELETE", &url, None);
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("cancelled")),
        "{v}"
    );
    // The worker reports how far the search got once it has stopped.
    let mut stopped = None;
    for _ in 0..6000 {
        let (_, v) = server.get(&url);
        let p = v["progress"].as_str().unwrap_or("").to_string();
        if let Some(rest) = p.strip_prefix("cancelled: the search stopped after ") {
            stopped = Some(rest.trim_end_matches(" iterations").parse::<u64>().unwrap());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let iterations = stopped.expect("the search never stopped");
    assert!(iterations < budget / 100, "{iterations} of {budget}");
    let (_, v) = server.get(&url);
    assert_eq!(v["status"], "cancelled");
    assert!(v.get("result").is_none(), "{v}");
    // The one worker is free again: a short job runs to the end.
    let (_, accepted) = server.post(
        "/v1/plans",
        &scenario(vec![carrier("sf", [104.0450, 30.7150], 0)]),
        None,
    );
    let done = wait(&server, accepted["url"].as_str().unwrap(), None);
    assert_eq!(done["status"], "done", "{done}");
}

#[test]
fn scenario_jobs_take_bays_and_charging_stations_inline() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_state(with_jobs(
        AppState::new(config(), Some(chengdu()), None),
        dir.path(),
    ));
    let sf = carrier("sf", [104.0450, 30.7150], 0);
    let first = &sf["orders"][0];
    let (lon, lat) = (first["lon"].clone(), first["lat"].clone());
    let mut body = scenario(vec![sf.clone()]);
    // Vehicles may stop on no road: every order is served on foot from the bay.
    body["scenario"]["bays"] = json!({
        "no_stop_roads": ["motorway", "motorway_link", "trunk", "trunk_link", "primary",
            "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
            "unclassified", "residential", "living_street", "service", "road"],
        "file": [{"id": "b1", "lon": lon, "lat": lat, "capacity": 2, "radius_m": 5000,
                  "max_dwell_min": 120}]
    });
    body["scenario"]["charging"] =
        json!({"file": [{"id": "c1", "lon": 104.06, "lat": 30.70, "power_kw": 30}]});
    let (status, accepted) = server.post("/v1/plans", &body, None);
    assert_eq!(status, 202, "{accepted}");
    let done = wait(&server, accepted["url"].as_str().unwrap(), None);
    assert_eq!(done["status"], "done", "{done}");
    let plan = &done["result"]["plan"];
    let stops: Vec<&Value> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap())
        .filter(|s| s["kind"] == "delivery")
        .collect();
    assert_eq!(stops.len(), 3, "{plan}");
    for s in stops {
        assert_eq!(s["bay"], "b1", "{s}");
        assert!(s["walk_m"].as_f64().unwrap() >= 0.0);
    }
    // A bad row is a 400 naming the bays file's record; a file name is not read.
    let mut bad = body.clone();
    bad["scenario"]["bays"]["file"][0]["capacity"] = json!("many");
    let (status, e) = server.post("/v1/plans", &bad, None);
    assert_eq!(status, 400, "{e}");
    assert!(e["error"].as_str().unwrap().contains("capacity"), "{e}");
    let mut named = body.clone();
    named["scenario"]["charging"]["file"] = json!("chargers.csv");
    let (status, e) = server.post("/v1/plans", &named, None);
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["issues"][0]["path"], "scenario.charging.file", "{e}");
    // Nor the lockers' or the traffic's files: the server reads no file a request names.
    let mut named = body.clone();
    named["scenario"]["lockers"] = json!({"file": "/etc/passwd"});
    named["scenario"]["traffic"] =
        json!({"profile": "free-flow", "classes": "/etc/passwd", "ways": "w.csv"});
    let (status, e) = server.post("/v1/plans", &named, None);
    assert_eq!(status, 400, "{e}");
    let paths: Vec<&str> = e["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for p in [
        "scenario.lockers.file",
        "scenario.traffic.classes",
        "scenario.traffic.ways",
    ] {
        assert!(paths.contains(&p), "{p} missing in {e}");
    }
    assert!(!e.to_string().contains("root:"), "{e}");
    // A traffic profile alone is taken: the same plan at free flow.
    let mut free = body.clone();
    free["scenario"]["traffic"] = json!({"profile": "free-flow"});
    let (status, accepted) = server.post("/v1/plans", &free, None);
    assert_eq!(status, 202, "{accepted}");
    let done = wait(&server, accepted["url"].as_str().unwrap(), None);
    assert_eq!(done["status"], "done", "{done}");
    // Without the bay the same orders cannot be served at all.
    let mut none = body.clone();
    none["scenario"]["bays"]
        .as_object_mut()
        .unwrap()
        .remove("file");
    let (status, accepted) = server.post("/v1/plans", &none, None);
    assert_eq!(status, 202, "{accepted}");
    let done = wait(&server, accepted["url"].as_str().unwrap(), None);
    assert_eq!(
        done["result"]["plan"]["unserved"].as_array().unwrap().len(),
        3,
        "{done}"
    );
}

/// The documented example's matrix with two vehicles of capacity 4, four jobs delivering 1 and
/// three shipments (pickup ids 1-3 reuse job ids: ids are unique per kind, as in VROOM).
fn shipment_input() -> Value {
    let mut input = example();
    input["vehicles"] = json!([
        {"id": 0, "start_index": 0, "end_index": 7, "capacity": [4]},
        {"id": 1, "start_index": 0, "end_index": 0, "capacity": [4]}
    ]);
    input["jobs"] = json!([
        {"id": 1, "location_index": 1, "delivery": [1]},
        {"id": 2, "location_index": 2, "delivery": [1]},
        {"id": 3, "location_index": 3, "delivery": [1]},
        {"id": 4, "location_index": 4, "delivery": [1]}
    ]);
    input["shipments"] = json!([
        {"amount": [3], "pickup": {"id": 1, "location_index": 5, "service": 60},
         "delivery": {"id": 1, "location_index": 4, "service": 60}},
        {"amount": [2], "pickup": {"id": 2, "location_index": 6},
         "delivery": {"id": 2, "location_index": 3}},
        {"amount": [2], "pickup": {"id": 3, "location_index": 2},
         "delivery": {"id": 3, "location_index": 1}, "priority": 5}
    ]);
    input
}

#[test]
fn shipments_are_answered_in_vroom_shape_pickup_first_with_the_amount_aboard_between() {
    let server = Server::start(config(), None, None);
    let input = shipment_input();
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["unassigned"], 0, "{out}");
    // VROOM's totals count a shipment as delivered and as picked up.
    assert_eq!(out["summary"]["delivery"], json!([4 + 7]), "{out}");
    assert_eq!(out["summary"]["pickup"], json!([7]), "{out}");
    let amount = |k: usize| input["shipments"][k]["amount"][0].as_i64().unwrap();
    let mut seen = [(None, None); 3];
    for (r, route) in out["routes"].as_array().unwrap().iter().enumerate() {
        let steps = route["steps"].as_array().unwrap();
        let mut prev = steps[0]["load"][0].as_i64().unwrap();
        for (k, step) in steps.iter().enumerate() {
            let load = step["load"][0].as_i64().unwrap();
            assert!((0..=4).contains(&load), "load {load} at {step}");
            let kind = step["type"].as_str().unwrap();
            if kind == "pickup" || kind == "delivery" {
                let s = (step["id"].as_u64().unwrap() - 1) as usize;
                let change = if kind == "pickup" {
                    amount(s)
                } else {
                    -amount(s)
                };
                assert_eq!(
                    load,
                    prev + change,
                    "the amount rides from pickup to delivery: {step}"
                );
                if kind == "pickup" {
                    seen[s].0 = Some((r, k));
                } else {
                    seen[s].1 = Some((r, k));
                }
            }
            prev = load;
        }
    }
    for (s, (p, d)) in seen.iter().enumerate() {
        let (Some((rp, kp)), Some((rd, kd))) = (p, d) else {
            panic!("shipment {s} not served whole: {out}");
        };
        assert_eq!(rp, rd, "shipment {s} on two vehicles");
        assert!(kp < kd, "shipment {s} delivered before its pickup");
    }
    // The independent checker accepts the answered plan (load walked point by point, pairs).
    answered_plan(&input, &out);
    // A shipment nobody can serve is unassigned on both sides, typed.
    let mut closed = input.clone();
    closed["shipments"][2]["skills"] = json!([7]);
    let (status, out) = server.post("/v1/solve", &closed, None);
    assert_eq!(status, 200, "{out}");
    let mut un: Vec<(String, u64)> = out["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["type"].as_str().unwrap().to_string(),
                u["id"].as_u64().unwrap(),
            )
        })
        .collect();
    un.sort();
    assert_eq!(un, [("delivery".to_string(), 3), ("pickup".to_string(), 3)]);
}

#[test]
fn check_mode_reports_a_delivery_before_its_pickup() {
    let server = Server::start(config(), None, None);
    let mut input = shipment_input();
    input["jobs"] = json!([]);
    input["shipments"] = json!([input["shipments"][0].clone()]);
    let plan = |first: &str, second: &str| json!([{"type": "start"}, {"type": first, "id": 1}, {"type": second, "id": 1}, {"type": "end"}]);
    input["vehicles"] = json!([{"id": 0, "start_index": 0, "end_index": 7, "capacity": [4],
                               "steps": plan("delivery", "pickup")}]);
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    let causes: Vec<&Value> = out["routes"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["cause"] == "precedence")
        .collect();
    assert_eq!(causes.len(), 1, "{out}");
    assert!(
        causes[0]["detail"]
            .as_str()
            .unwrap()
            .contains("before its pickup"),
        "{out}"
    );
    // The same shipment the right way round is legal.
    input["vehicles"][0]["steps"] = plan("pickup", "delivery");
    let (status, out) = server.post("/v1/solve", &input, None);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["summary"]["violations"], json!([]), "{out}");
    // A pickup planned without its delivery is named too.
    input["vehicles"][0]["steps"] = json!([{"type": "pickup", "id": 1}]);
    let (_, out) = server.post("/v1/solve", &input, None);
    assert!(
        out["summary"]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["cause"] == "precedence"),
        "{out}"
    );
}

//! The reader calls shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the corpus replay
//! test (`tests/fuzz_corpus.rs`), included by both with `#[path]`, so CI replays exactly what
//! was fuzzed.
//!
//! Each target writes its input to a file in a working folder (beside fixed, valid companion
//! files where the reader follows references: the chengdu-core policy, zones, orders, bays and
//! chargers, and a base scenario for sweeps), calls the reader's path-based public function and,
//! where one exists, its text-based `parse_*` function. A reader may return an error, never panic;
//! [`run`] checks that every path-based error names a file ([`check_names_file`]).
//!
//! Invariants: a target touches only its working folder; the companions are the demo's real
//! files, so a fuzzed scenario is judged against the same policy and orders as the demo.

#![allow(dead_code)]

use cityfreight::instances::{self, bks::BksTable, Convention};
use cityfreight::io;
use std::path::{Path, PathBuf};

/// A fuzz target: its name (the folder under `fuzz/corpus/`) and the file name its input is
/// written to (the extension decides the format for bays and stations).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Name of the target, its corpus folder and its `fuzz_targets/*.rs` file.
    pub name: &'static str,
    /// File the input is written to inside the working folder.
    pub file: &'static str,
}

/// Every target, in the order of `fuzz/Cargo.toml`.
pub const TARGETS: &[Target] = &[
    Target {
        name: "pbf",
        file: "extract.osm.pbf",
    },
    Target {
        name: "scenario",
        file: "scenario.toml",
    },
    Target {
        name: "orders",
        file: "orders-sf.csv",
    },
    Target {
        name: "policy",
        file: "policy.toml",
    },
    Target {
        name: "classes",
        file: "classes.toml",
    },
    Target {
        name: "sweep",
        file: "sweep.toml",
    },
    Target {
        name: "bays_csv",
        file: "bays.csv",
    },
    Target {
        name: "bays_geojson",
        file: "bays.geojson",
    },
    Target {
        name: "stations_csv",
        file: "chargers.csv",
    },
    Target {
        name: "stations_geojson",
        file: "chargers.geojson",
    },
    Target {
        name: "zones",
        file: "core.geojson",
    },
    Target {
        name: "points",
        file: "points.csv",
    },
    Target {
        name: "plan_json",
        file: "plan.json",
    },
    Target {
        name: "solomon",
        file: "instance.txt",
    },
    Target {
        name: "vrplib",
        file: "instance.vrp",
    },
    Target {
        name: "evrptw",
        file: "instance-evrptw.txt",
    },
    Target {
        name: "vrpspd",
        file: "instance.vrpspd",
    },
    Target {
        name: "bks",
        file: "bks.csv",
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Target {
    *TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target `{name}`"))
}

/// The fixed companion files: (file name, contents). Orders and scenario are replaced by the
/// input in the `orders` and `scenario` targets.
const COMPANIONS: &[(&str, &str)] = &[
    (
        "scenario.toml",
        include_str!("../data/scenarios/chengdu-core/scenario.toml"),
    ),
    (
        "policy.toml",
        include_str!("../data/scenarios/chengdu-core/policy.toml"),
    ),
    (
        "core.geojson",
        include_str!("../data/scenarios/chengdu-core/core.geojson"),
    ),
    (
        "orders-sf.csv",
        include_str!("../data/scenarios/chengdu-core/orders-sf.csv"),
    ),
    (
        "orders-jd.csv",
        include_str!("../data/scenarios/chengdu-core/orders-jd.csv"),
    ),
    (
        "orders-yto.csv",
        include_str!("../data/scenarios/chengdu-core/orders-yto.csv"),
    ),
    (
        "bays.csv",
        include_str!("../data/scenarios/chengdu-core/bays.csv"),
    ),
    (
        "chargers.csv",
        include_str!("../data/scenarios/chengdu-core/chargers.csv"),
    ),
];

/// Write the companion files into `dir` (creating it). Call once per working folder.
pub fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the fuzz working folder");
    for (name, text) in COMPANIONS {
        std::fs::write(dir.join(name), text).expect("write a companion file");
    }
}

/// A reader's failure: its message and whether it must name a file.
#[derive(Debug)]
pub struct Failure {
    /// Which call failed (`read_scenario`, `parse_orders`, ...).
    pub call: &'static str,
    /// The error's display text.
    pub message: String,
    /// True for path-based readers, whose errors must name a file.
    pub names_file: bool,
}

fn path_err(call: &'static str, e: impl std::fmt::Display) -> Failure {
    Failure {
        call,
        message: e.to_string(),
        names_file: true,
    }
}

fn text_err(call: &'static str, problems: Vec<String>) -> Failure {
    Failure {
        call,
        message: problems.join("\n"),
        names_file: false,
    }
}

/// Write `data` as `target.file` in `dir` (prepared with [`prepare`]), run every reader call of
/// the target and return the failures (an empty list when every call succeeded). Panics only
/// when a reader panics.
pub fn run(target: Target, dir: &Path, data: &[u8]) -> Vec<Failure> {
    let path = dir.join(target.file);
    std::fs::write(&path, data).expect("write the fuzz input");
    let text = std::str::from_utf8(data).ok();
    let classes = cityfreight::vehicle::default_classes();
    let mut failures = Vec::new();
    let mut push = |r: Result<(), Failure>| {
        if let Err(f) = r {
            failures.push(f);
        }
    };
    match target.name {
        "pbf" => push(
            cityfreight::osm::read_pbf(&path, &|_, _| {})
                .map_err(|e| path_err("read_pbf", e))
                .and_then(|extract| {
                    cityfreight::graph::build_graph(&extract, &classes)
                        .map(drop)
                        .map_err(|e| path_err("build_graph", format!("{}: {e}", path.display())))
                }),
        ),
        "scenario" | "orders" => {
            let scenario = dir.join("scenario.toml");
            push(
                io::scenario::read_scenario(&scenario)
                    .map_err(|e| path_err("read_scenario", e))
                    .and_then(|s| {
                        io::two_tier::read_two_tier(&scenario, &s)
                            .map(drop)
                            .map_err(|e| path_err("read_two_tier", e))
                    }),
            );
            if target.name == "orders" {
                if let Some(text) = text {
                    push(
                        io::scenario::parse_orders(text)
                            .map(drop)
                            .map_err(|p| text_err("parse_orders", p)),
                    );
                }
            }
        }
        "policy" => {
            push(
                io::policy::read_policy(&path, &classes)
                    .map(drop)
                    .map_err(|e| path_err("read_policy", e)),
            );
            if let Some(text) = text {
                let zones = io::zones::read_zones(&dir.join("core.geojson")).unwrap_or_default();
                push(
                    io::policy::parse_policy(text, zones, &classes)
                        .map(drop)
                        .map_err(|p| text_err("parse_policy", p)),
                );
            }
        }
        "classes" => push(
            io::classes::read_classes(&path)
                .map(drop)
                .map_err(|e| path_err("read_classes", e)),
        ),
        "sweep" => push(
            io::sweep::read_sweep(&path)
                .map(drop)
                .map_err(|e| path_err("read_sweep", e)),
        ),
        "bays_csv" | "bays_geojson" => {
            push(
                io::bays::read_bays(&path, &classes)
                    .map(drop)
                    .map_err(|e| path_err("read_bays", e)),
            );
            if let Some(text) = text {
                push(
                    if target.name == "bays_csv" {
                        io::bays::parse_bays_csv(text, &classes)
                    } else {
                        io::bays::parse_bays_geojson(text, &classes)
                    }
                    .map(drop)
                    .map_err(|p| text_err("parse_bays", p)),
                );
            }
        }
        "stations_csv" | "stations_geojson" => {
            push(
                io::stations::read_stations(&path)
                    .map(drop)
                    .map_err(|e| path_err("read_stations", e)),
            );
            if let (Some(text), "stations_csv") = (text, target.name) {
                push(
                    io::stations::parse_stations_csv(text)
                        .map(drop)
                        .map_err(|p| text_err("parse_stations_csv", p)),
                );
            }
        }
        "zones" => {
            push(
                io::zones::read_zones(&path)
                    .map(drop)
                    .map_err(|e| path_err("read_zones", e)),
            );
            if let Some(value) = text.and_then(|t| serde_json::from_str(t).ok()) {
                push(
                    io::zones::parse_zones(&value)
                        .map(drop)
                        .map_err(|p| text_err("parse_zones", p)),
                );
            }
        }
        "points" => {
            push(
                io::points::read_points(&path)
                    .map(drop)
                    .map_err(|e| path_err("read_points", e)),
            );
            if let Some(text) = text {
                push(
                    io::points::parse_points(text)
                        .map(drop)
                        .map_err(|p| text_err("parse_points", p)),
                );
            }
        }
        "plan_json" => {
            push(
                io::plan_in::read_plan(&path)
                    .map(drop)
                    .map_err(|e| path_err("read_plan", e)),
            );
            if let Some(text) = text {
                if let Ok(value) = serde_json::from_str(text) {
                    push(
                        io::plan_in::parse_plan(&value)
                            .map(drop)
                            .map_err(|p| text_err("parse_plan", p)),
                    );
                }
                let _ = io::plan_in::parse_clock(text);
            }
        }
        "solomon" | "vrplib" | "evrptw" | "vrpspd" => {
            push(
                instances::read_instance(&path, None)
                    .map(drop)
                    .map_err(|e| path_err("read_instance", e)),
            );
            if let Some(text) = text {
                for convention in [
                    None,
                    Some(Convention::Exact),
                    Some(Convention::Dimacs),
                    Some(Convention::Rounded),
                ] {
                    let parsed = match target.name {
                        "solomon" => instances::solomon::parse(&path, "fuzz", text, convention),
                        "vrplib" => instances::vrplib::parse(&path, "fuzz", text, convention),
                        "vrpspd" => instances::vrpspd::parse(&path, "fuzz", text, convention),
                        _ => instances::evrptw::parse(&path, "fuzz", text, convention),
                    };
                    push(parsed.map(drop).map_err(|e| path_err("parse_instance", e)));
                }
            }
        }
        "bks" => {
            push(
                BksTable::read(&path)
                    .map(drop)
                    .map_err(|e| path_err("BksTable::read", e)),
            );
            if let Some(text) = text {
                push(
                    BksTable::parse(&path, text)
                        .map(drop)
                        .map_err(|e| path_err("BksTable::parse", e)),
                );
            }
        }
        other => panic!("no fuzz target `{other}`"),
    }
    if target.name == "orders" || target.name == "scenario" {
        // Put the demo file back, so the working folder stays valid for every target.
        let (name, original) = COMPANIONS
            .iter()
            .find(|(n, _)| *n == target.file)
            .expect("a companion file");
        std::fs::write(dir.join(name), original).expect("restore a companion file");
    }
    failures
}

/// A problem with a failure's message: a path-based reader's error that names no file. The
/// fuzzed file's path or, for readers that follow references (scenario, sweep, policy), any
/// path (an error about a referenced file names that file).
pub fn check_names_file(target: Target, dir: &Path, failure: &Failure) -> Result<(), String> {
    if !failure.names_file {
        return Ok(());
    }
    let fuzzed = dir.join(target.file);
    let follows_references = matches!(target.name, "scenario" | "orders" | "sweep" | "policy");
    let named = failure.message.contains(&fuzzed.display().to_string())
        || failure.message.contains(&dir.display().to_string())
        || (follows_references && failure.message.contains('/'));
    if named {
        Ok(())
    } else {
        Err(format!(
            "{} error names no file: {}",
            failure.call, failure.message
        ))
    }
}

/// The working folder for this process and target (one per process, so parallel fuzz jobs and
/// test threads never share files).
pub fn process_dir(target: Target) -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!(
        "cityfreight-fuzz-{}-{}",
        target.name,
        std::process::id()
    ))
}

/// The body of every fuzz target: prepare the folder once, run the calls, check error messages.
pub fn fuzz_one(target: Target, data: &[u8]) {
    use std::sync::OnceLock;
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = process_dir(target);
        prepare(&dir);
        dir
    });
    for failure in run(target, dir, data) {
        if let Err(why) = check_names_file(target, dir, &failure) {
            panic!("{why}");
        }
    }
}

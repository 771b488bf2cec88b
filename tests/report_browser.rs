//! The HTML reports in a real browser: the release binary writes the demo's plan, share,
//! two-tier, sweep and check reports and the policy notice into a temporary folder, and
//! `tests/browser/check_reports.js` opens each in Debian's headless Chromium (playwright-core,
//! `/usr/bin/chromium`) from `file://` with every non-file request blocked and counted. It
//! checks: no request leaves the page, no console error, one map feature per route and per stop
//! (as plan.json holds them), the hour slider changes the street layer, switching a layer off
//! hides it, a timeline row per vehicle, and the share, two-tier, sweep and check pages show
//! their tables. Screenshots are kept in `target/report-screenshots/`.
//!
//! Needs Chromium, Node and `npm ci` in tests/browser: `.ci/install-deps.sh` installs them.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "run .ci/install-deps.sh (installs chromium, fonts-noto-cjk, nodejs and the npm packages of tests/browser)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cityfreight(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn seconds(clock: &str) -> i64 {
    let p: Vec<i64> = clock[..8].split(':').map(|x| x.parse().unwrap()).collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

fn clock(s: i64) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// A copy of `plan.json` that breaks rules: one order dropped, and three stops of another
/// route reached half an hour earlier than the roads allow.
fn doctor(plan: &Path, out: &Path) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
    let routes = v["routes"].as_array_mut().unwrap();
    assert!(routes.len() >= 2);
    routes[0]["stops"].as_array_mut().unwrap().remove(0);
    for stop in routes[1]["stops"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .skip(2)
        .take(3)
    {
        for key in ["arrival", "start", "departure"] {
            let t = seconds(stop[key].as_str().unwrap()) - 1800;
            stop[key] = Value::String(clock(t));
        }
    }
    std::fs::write(out, v.to_string()).unwrap();
}

#[test]
fn the_reports_open_offline_in_chromium_and_show_their_content() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: {INSTALL}"
    );
    let browser_dir = root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").exists(),
        "tests/browser/node_modules/playwright-core is missing: {INSTALL}"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is missing: {INSTALL}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let t = |name: &str| tmp.path().join(name).display().to_string();
    let demo = root().join("data/scenarios/chengdu-core");
    let scenario = demo.join("scenario.toml").display().to_string();
    for args in [
        vec!["plan", scenario.as_str(), "--out", &t("plan")],
        vec!["share", scenario.as_str(), "--out", &t("share")],
        vec!["two-tier", scenario.as_str(), "--out", &t("two-tier")],
        vec![
            "sweep",
            &demo.join("sweep.toml").display().to_string(),
            "--out",
            &t("sweep"),
        ],
    ] {
        let (code, text) = cityfreight(&args);
        assert_eq!(code, 0, "{args:?}: {text}");
    }
    doctor(
        &tmp.path().join("plan/plan.json"),
        &tmp.path().join("doctored.json"),
    );
    let (code, text) = cityfreight(&[
        "check",
        &scenario,
        &t("doctored.json"),
        "--out",
        &t("check"),
    ]);
    assert_eq!(code, 4, "a doctored plan is not compliant: {text}");
    let (code, text) = cityfreight(&[
        "report",
        "--policy",
        &demo.join("policy.toml").display().to_string(),
        "--osm",
        &root()
            .join("data/osm/chengdu-center-2018.osm.pbf")
            .display()
            .to_string(),
        "--out",
        &t("notice"),
    ]);
    assert_eq!(code, 0, "{text}");

    let shots = root().join("target/report-screenshots");
    std::fs::remove_dir_all(&shots).ok();
    let pages: Vec<String> = [
        ("plan", "plan"),
        ("share", "share"),
        ("two-tier", "two-tier"),
        ("sweep", "sweep"),
        ("check", "check"),
        ("policy", "notice"),
    ]
    .iter()
    .map(|(kind, dir)| {
        format!(
            "{kind}={}",
            tmp.path().join(dir).join("report.html").display()
        )
    })
    .collect();
    let out = Command::new("node")
        .current_dir(&browser_dir)
        .arg("check_reports.js")
        .arg(&shots)
        .args(&pages)
        .env("PLAN_JSON", tmp.path().join("plan/plan.json"))
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    let results: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), pages.len(), "{stdout}");
    for r in &results {
        assert_eq!(r["failures"], serde_json::json!([]), "{r}");
        assert_eq!(r["blocked_requests"], 0, "{r}");
        assert_eq!(r["console_errors"], 0, "{r}");
    }
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("plan/plan.json")).unwrap())
            .unwrap();
    let stops: usize = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stops"].as_array().unwrap().len())
        .sum();
    assert_eq!(results[0]["counts"]["stops"], stops);
    assert_eq!(
        results[0]["counts"]["routes"],
        plan["routes"].as_array().unwrap().len()
    );
    assert!(
        results[4]["violations_placed"].as_u64().unwrap() >= 2,
        "{}",
        results[4]
    );
    for shot in [
        "plan-map.png",
        "plan-hour-09.png",
        "share-share.png",
        "sweep-sweep.png",
        "check-check.png",
        "policy-notice.png",
    ] {
        assert!(shots.join(shot).exists(), "no screenshot {shot}");
    }
}

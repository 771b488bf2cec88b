//! The HTML report: one self-contained page (`report.html`) beside the results of `plan`,
//! `share`, `two-tier`, `sweep` and `check`, and the policy's public notice alone. It opens from
//! disk with no network: Leaflet 1.9.4 (BSD-2-Clause, `vendor/leaflet/LICENSE`) and the page's
//! own script and style are inlined, and so is the data; the basemap is the extract's own road
//! network by road class (no tile server), with OpenStreetMap's ODbL attribution.
//!
//! Owns: the data object ([`data`]: built from results in memory), the page template
//! (`page.html`, `report.js`, `report.css`) and [`render`], and `report.json` (the data object
//! written beside the page, from which `cityfreight report DIR` rebuilds the page: [`rebuild`]).
//! Must never: plan, check or compute a KPI (it shows what the result holds), or make the page
//! fetch anything (no URL outside the page; the browser test blocks and counts requests).
//! Invariants: [`render`] is a pure function of the data object, so a page rebuilt from
//! `report.json` is byte-identical to the one the command wrote (tested); the data is inlined
//! as JSON inside `<script type="application/json">` with every `</` escaped, so no string in
//! the results (a street name, an order id) can end the script element.

pub mod data;
pub mod text;

pub use data::{check_page, plan_page, policy_page, share_page, sweep_page, two_tier_page};

use serde_json::Value;
use std::path::{Path, PathBuf};

const LEAFLET_JS: &str = include_str!("vendor/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("vendor/leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("vendor/leaflet/LICENSE");
const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("report.js");
const STYLE: &str = include_str!("report.css");

/// File name of the page in an output folder.
pub const PAGE_FILE: &str = "report.html";
/// File name of the data object beside it.
pub const DATA_FILE: &str = "report.json";

/// Why a report could not be rebuilt or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `report.json` is not a report's data object.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the JSON position or path.
        message: String,
    },
}

/// Leaflet's CSS without its image references (the page draws circle markers on a canvas and
/// keeps the layer switcher expanded, so none of Leaflet's icons is ever shown or fetched).
fn leaflet_css() -> String {
    LEAFLET_CSS
        .lines()
        .filter(|l| !l.contains("url(images/"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page for a data object.
pub fn render(data: &Value) -> String {
    let json = serde_json::to_string(data)
        .unwrap_or_else(|_| "{}".to_string())
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let title = data["title"].as_str().unwrap_or("cityfreight report");
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    // Each placeholder is replaced once, in a fixed order, by content that cannot contain the
    // later placeholders' exact markers (they are HTML comments the template alone uses).
    PAGE.replacen("<!--TITLE-->", &escape(title), 1)
        .replacen("/*LEAFLET_CSS*/", &leaflet_css(), 1)
        .replacen("/*REPORT_CSS*/", STYLE, 1)
        .replacen("<!--LEAFLET_LICENSE-->", &escape(LEAFLET_LICENSE.trim()), 1)
        .replacen("<!--DATA-->", &json, 1)
        .replacen("/*LEAFLET_JS*/", LEAFLET_JS, 1)
        .replacen("/*REPORT_JS*/", SCRIPT, 1)
}

/// The files of a report: `(report.html, page)` and `(report.json, data)`, to write inside an
/// output folder's set.
pub fn files(data: &Value) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (PAGE_FILE, render(data).into_bytes()),
        (DATA_FILE, serde_json::to_vec(data).unwrap_or_default()),
    ]
}

/// Read `dir/report.json` and write `dir/report.html` from it (atomically); the page's path.
pub fn rebuild(dir: &Path) -> Result<PathBuf, Error> {
    let path = dir.join(DATA_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let data = read_data(&path, &text)?;
    let page = dir.join(PAGE_FILE);
    let io = |source| Error::Io {
        path: page.clone(),
        source,
    };
    // The page keeps the permissions it had (a temporary file is created private), or is
    // readable by all when new.
    let before = std::fs::metadata(&page).ok().map(|m| m.permissions());
    crate::io::atomic::write_atomically(&page, render(&data).as_bytes()).map_err(io)?;
    #[cfg(unix)]
    let before = before.or_else(|| {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    });
    if let Some(p) = before {
        std::fs::set_permissions(&page, p).map_err(io)?;
    }
    Ok(page)
}

/// Parse a data object, checking its format version and the members the page needs.
pub fn read_data(path: &Path, text: &str) -> Result<Value, Error> {
    let invalid = |message: String| Error::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let data: Value = serde_json::from_str(text).map_err(|e| {
        invalid(format!(
            "line {}, column {}: {e} (not a report data object)",
            e.line(),
            e.column()
        ))
    })?;
    let mut problems = Vec::new();
    match data["format"].as_u64() {
        Some(data::FORMAT) => {}
        Some(v) => problems.push(format!(
            "$.format: version {v}, this cityfreight reads version {}",
            data::FORMAT
        )),
        None => problems.push("$.format: missing (not a report data object)".to_string()),
    }
    for (member, ok) in [
        ("kind", data["kind"].is_string()),
        ("title", data["title"].is_string()),
        ("basemap", data["basemap"].is_object()),
        ("policy", data["policy"].is_object()),
        ("places", data["places"].is_object()),
        ("plans", data["plans"].is_array()),
    ] {
        if !ok {
            problems.push(format!("$.{member}: missing or of the wrong type"));
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(invalid(problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_result_text_can_end_the_data_script() {
        let data = json!({"title": "a </script><script>alert(1)</script>", "kind": "policy", "x": "<!-- y"});
        let page = render(&data);
        // The only closing script tags are the template's own three (data, Leaflet, report).
        assert_eq!(page.matches("</script>").count(), 3, "{}", &page[..200]);
        assert!(!page.contains("<!-- y"));
        assert!(page.contains("<title>a &lt;/script&gt;"));
    }

    #[test]
    fn leaflet_is_inlined_with_its_licence_and_without_image_urls() {
        let page = render(&json!({"title": "t"}));
        assert!(page.contains("Leaflet 1.9.4"));
        assert!(page.contains("Copyright (c) 2010-2023, Volodymyr Agafonkin"));
        assert!(!page.contains("url(images/"));
        assert!(!page.contains("/*LEAFLET_JS*/") && !page.contains("<!--DATA-->"));
    }

    #[test]
    fn a_broken_data_file_names_every_problem() {
        let p = Path::new("out/report.json");
        let e = read_data(p, "{\"format\": 7}").unwrap_err().to_string();
        assert!(e.starts_with("out/report.json: $.format: version 7"), "{e}");
        assert!(e.contains("$.plans: missing"), "{e}");
        let e = read_data(p, "{\"format\": ").unwrap_err().to_string();
        assert!(e.contains("line 1, column"), "{e}");
    }
}

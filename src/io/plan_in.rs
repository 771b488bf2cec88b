//! Reading a submitted `plan.json` (the format `io::plan_out` writes) for `cityfreight check`.
//! Errors name the JSON path of every bad field, all at once.

use super::file::{parse_json, read_text, FileError};
use crate::plan::check::{SubmittedPlan, SubmittedRoute, SubmittedStop};
use serde_json::Value;
use std::path::Path;

/// Why a plan file could not be read.
pub type Error = FileError;

const WHAT: &str = "plan";

/// `HH:MM:SS` (optionally `+Nd`) to seconds after midnight of the plan day.
pub fn parse_clock(text: &str) -> Option<i64> {
    let (clock, days) = match text.split_once('+') {
        Some((c, d)) => (c, d.strip_suffix('d')?.parse::<i64>().ok()?),
        None => (text, 0),
    };
    let mut parts = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (
        parts.next()??,
        parts.next()??,
        parts.next().unwrap_or(Some(0))?,
    );
    if !((0..24).contains(&h) && (0..60).contains(&m) && (0..60).contains(&s)) {
        return None;
    }
    days.checked_mul(86_400)?.checked_add(h * 3600 + m * 60 + s)
}

/// Read a submitted plan.
pub fn read_plan(path: &Path) -> Result<SubmittedPlan, Error> {
    let text = read_text(path, WHAT)?;
    let value = parse_json(path, WHAT, &text)?;
    parse_plan(&value).map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// A submitted plan from parsed JSON; on failure every problem with its JSON path.
pub fn parse_plan(v: &Value) -> Result<SubmittedPlan, Vec<String>> {
    let mut problems = Vec::new();
    let text = |v: &Value, at: String, problems: &mut Vec<String>| -> String {
        v.as_str().map(str::to_string).unwrap_or_else(|| {
            problems.push(format!("{at}: expected a string"));
            String::new()
        })
    };
    let time = |v: &Value, at: String, problems: &mut Vec<String>| -> i64 {
        v.as_str().and_then(parse_clock).unwrap_or_else(|| {
            problems.push(format!("{at}: expected a time HH:MM:SS, found {v}"));
            0
        })
    };
    let mut plan = SubmittedPlan::default();
    let Some(routes) = v.get("routes").and_then(Value::as_array) else {
        return Err(vec!["$.routes: expected an array of routes".into()]);
    };
    for (i, r) in routes.iter().enumerate() {
        let at = format!("$.routes[{i}]");
        let mut stops = Vec::new();
        for (k, s) in r
            .get("stops")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let sat = format!("{at}.stops[{k}]");
            let order = match s.get("order") {
                None | Some(Value::Null) => None,
                Some(o) => Some(text(o, format!("{sat}.order"), &mut problems)),
            };
            let bay = match s.get("bay") {
                None | Some(Value::Null) => None,
                Some(b) => Some(text(b, format!("{sat}.bay"), &mut problems)),
            };
            let arrival_s = time(
                s.get("arrival").unwrap_or(&Value::Null),
                format!("{sat}.arrival"),
                &mut problems,
            );
            let start_s = match s.get("start") {
                None | Some(Value::Null) => arrival_s,
                Some(v) => time(v, format!("{sat}.start"), &mut problems),
            };
            let locker = match s.get("locker") {
                None | Some(Value::Null) => None,
                Some(b) => Some(text(b, format!("{sat}.locker"), &mut problems)),
            };
            let station = match s.get("station") {
                None | Some(Value::Null) => None,
                Some(b) => Some(text(b, format!("{sat}.station"), &mut problems)),
            };
            let charged_wh = match s.get("charged_kwh") {
                None | Some(Value::Null) => 0,
                Some(v) => match v.as_f64() {
                    Some(kwh) if kwh >= 0.0 => (kwh * 1000.0).round() as i64,
                    _ => {
                        problems.push(format!("{sat}.charged_kwh: expected a number of kWh"));
                        0
                    }
                },
            };
            stops.push(SubmittedStop {
                order,
                bay,
                locker,
                station,
                charged_wh,
                arrival_s,
                start_s,
                departure_s: time(
                    s.get("departure").unwrap_or(&Value::Null),
                    format!("{sat}.departure"),
                    &mut problems,
                ),
            });
        }
        if r.get("stops").and_then(Value::as_array).is_none() {
            problems.push(format!("{at}.stops: expected an array"));
        }
        plan.routes.push(SubmittedRoute {
            vehicle: text(
                r.get("vehicle").unwrap_or(&Value::Null),
                format!("{at}.vehicle"),
                &mut problems,
            ),
            carrier: text(
                r.get("carrier").unwrap_or(&Value::Null),
                format!("{at}.carrier"),
                &mut problems,
            ),
            class: text(
                r.get("class").unwrap_or(&Value::Null),
                format!("{at}.class"),
                &mut problems,
            ),
            permit: r.get("permit").and_then(Value::as_str).map(str::to_string),
            start_s: time(
                r.get("start").unwrap_or(&Value::Null),
                format!("{at}.start"),
                &mut problems,
            ),
            stops,
        });
    }
    for (i, u) in v
        .get("unserved")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("$.unserved[{i}]");
        let carrier = text(
            u.get("carrier").unwrap_or(&Value::Null),
            format!("{at}.carrier"),
            &mut problems,
        );
        let order = text(
            u.get("order").unwrap_or(&Value::Null),
            format!("{at}.order"),
            &mut problems,
        );
        plan.unserved.push((carrier, order));
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_round_trip() {
        assert_eq!(parse_clock("08:05:07"), Some(8 * 3600 + 5 * 60 + 7));
        assert_eq!(parse_clock("01:00:00+1d"), Some(86_400 + 3600));
        assert_eq!(parse_clock("25:00:00"), None);
        assert_eq!(parse_clock(&crate::time::clock(45_296)), Some(45_296));
    }

    #[test]
    fn huge_clocks_are_unreadable_not_an_overflow() {
        // Found by the plan_json fuzz target: the hours were multiplied before the range check.
        assert_eq!(parse_clock("111111111111111112:2:2"), None);
        assert_eq!(parse_clock("01:00:00+111111111111111112d"), None);
    }

    #[test]
    fn lists_bad_fields_with_paths() {
        let v = serde_json::json!({"routes": [{"vehicle": "v", "carrier": 3, "class": "c", "start": "7am", "stops": [{"order": "a", "arrival": "08:00:00", "departure": "x"}]}]});
        let problems = parse_plan(&v).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems
            .iter()
            .any(|p| p.starts_with("$.routes[0].carrier")));
        assert!(problems.iter().any(|p| p.starts_with("$.routes[0].start")));
        assert!(problems
            .iter()
            .any(|p| p.starts_with("$.routes[0].stops[0].departure")));
    }
}

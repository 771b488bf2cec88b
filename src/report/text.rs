//! The policy in plain words, for the public notice and the map's zone popups: weekly hours
//! ("Mo-Su 07:00-19:00"), vehicle selectors ("vehicles that are not new-energy"), rule effects
//! and permit quotas.
//!
//! Owns: turning [`Schedule`], [`VehicleSelector`] and [`Effect`] into sentences. Must never:
//! decide anything about access (that is `zones`); it only describes.
//! Invariant: every set field of a selector appears in its description (an empty selector reads
//! "every vehicle"), so the notice never hides a condition.

use crate::time::{Schedule, DAY};
use crate::zones::{Effect, VehicleSelector};

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// `HH:MM` for seconds within a day (`24:00` at the end of the day).
fn hm(s: u32) -> String {
    format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
}

/// A weekly schedule as opening-hours text: `24/7`, `Mo-Su 07:00-19:00`,
/// `Mo-Fr 07:00-09:00,17:30-19:30; Sa 10:00-12:00`, or `never`.
pub fn schedule(s: &Schedule) -> String {
    if s.is_empty() {
        return "never".to_string();
    }
    if s == &Schedule::always() {
        return "24/7".to_string();
    }
    // Per day, the day's own pieces (an interval past midnight continues on the next day).
    let mut per_day: Vec<Vec<(u32, u32)>> = vec![Vec::new(); 7];
    for &(a, e) in s.intervals() {
        let mut t = a;
        while t < e {
            let day = t / DAY;
            let end = e.min((day + 1) * DAY);
            per_day[day as usize % 7].push((t - day * DAY, end - day * DAY));
            t = end;
        }
    }
    let text = |pieces: &[(u32, u32)]| {
        pieces
            .iter()
            .map(|&(a, e)| format!("{}-{}", hm(a), hm(e)))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if per_day[d].is_empty() {
            d += 1;
            continue;
        }
        let mut last = d;
        while last + 1 < 7 && per_day[last + 1] == per_day[d] {
            last += 1;
        }
        let days = if last == d {
            DAYS[d].to_string()
        } else {
            format!("{}-{}", DAYS[d], DAYS[last])
        };
        parts.push(format!("{days} {}", text(&per_day[d])));
        d = last + 1;
    }
    parts.join("; ")
}

/// Which vehicles a selector speaks about, in words.
pub fn vehicles(v: &VehicleSelector) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &v.classes {
        parts.push(format!("of class {}", c.join(" or ")));
    }
    if let Some(e) = &v.energies {
        let names: Vec<&str> = e.iter().map(|e| e.name()).collect();
        parts.push(format!("running on {}", names.join(" or ")));
    }
    match v.new_energy {
        Some(true) => parts.push("new-energy (battery, fuel cell or plug-in)".to_string()),
        Some(false) => parts.push("not new-energy (fuel)".to_string()),
        None => {}
    }
    if let Some(s) = v.emission_standard_at_most {
        parts.push(format!("emission standard China {s} or older"));
    }
    if let Some(w) = v.min_gross_weight_kg {
        parts.push(format!("gross weight at least {w} kg"));
    }
    if let Some(w) = v.max_gross_weight_kg {
        parts.push(format!("gross weight at most {w} kg"));
    }
    if let Some(l) = v.min_length_mm {
        parts.push(format!("at least {:.1} m long", f64::from(l) / 1000.0));
    }
    if let Some(l) = v.max_length_mm {
        parts.push(format!("at most {:.1} m long", f64::from(l) / 1000.0));
    }
    if parts.is_empty() {
        "every vehicle".to_string()
    } else {
        format!("vehicles {}", parts.join(", "))
    }
}

/// What a rule does, in words.
pub fn effect(e: &Effect) -> String {
    let yuan = |c: u32| f64::from(c) / 100.0;
    match e {
        Effect::Forbid => "may not enter".to_string(),
        Effect::PermitRequired => "may enter only with a permit covering the zone".to_string(),
        Effect::Fee {
            per_entry_cents,
            per_day_cents,
        } => {
            let mut fees = Vec::new();
            if *per_entry_cents > 0 {
                fees.push(format!("{:.2} yuan per entry", yuan(*per_entry_cents)));
            }
            if *per_day_cents > 0 {
                fees.push(format!("{:.2} yuan per day", yuan(*per_day_cents)));
            }
            if fees.is_empty() {
                fees.push("a fee of 0 yuan".to_string());
            }
            format!("pay {}", fees.join(" and "))
        }
        Effect::Penalty { per_entry_cents } => format!(
            "carry a planner's penalty of {:.2} yuan per entry (not a charge)",
            yuan(*per_entry_cents)
        ),
    }
}

/// A short name of the effect, for legends and colours.
pub fn effect_kind(e: &Effect) -> &'static str {
    match e {
        Effect::Forbid => "forbid",
        Effect::PermitRequired => "permit",
        Effect::Fee { .. } => "fee",
        Effect::Penalty { .. } => "penalty",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_as_opening_hours() {
        assert_eq!(schedule(&Schedule::always()), "24/7");
        assert_eq!(schedule(&Schedule::default()), "never");
        assert_eq!(
            schedule(&Schedule::parse("07:00-19:00").unwrap()),
            "Mo-Su 07:00-19:00"
        );
        assert_eq!(
            schedule(&Schedule::parse("Mo-Fr 07:00-09:00,17:30-19:30").unwrap()),
            "Mo-Fr 07:00-09:00,17:30-19:30"
        );
        // Past midnight: the next day carries the rest.
        assert_eq!(
            schedule(&Schedule::parse("Sa 22:00-06:00").unwrap()),
            "Sa 22:00-24:00; Su 00:00-06:00"
        );
    }

    #[test]
    fn every_condition_of_a_selector_is_named() {
        assert_eq!(vehicles(&VehicleSelector::default()), "every vehicle");
        let v = VehicleSelector {
            new_energy: Some(true),
            min_gross_weight_kg: Some(1000),
            ..Default::default()
        };
        assert_eq!(
            vehicles(&v),
            "vehicles new-energy (battery, fuel cell or plug-in), gross weight at least 1000 kg"
        );
        assert_eq!(
            effect(&Effect::Fee {
                per_entry_cents: 500,
                per_day_cents: 0
            }),
            "pay 5.00 yuan per entry"
        );
    }
}

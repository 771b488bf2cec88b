//! Vehicle classes from a TOML file, on top of (or instead of) the built-in defaults.
//!
//! ```toml
//! # keep the defaults (default: true) and change or add classes
//! defaults = true
//!
//! [[class]]             # an existing id: only the given fields change
//! id = "e-tricycle"
//! speed_cap_kmh = 15
//!
//! [[class]]             # a new id: category, energy, weights and sizes are required
//! id = "cargo-bike"
//! category = "e-tricycle"
//! energy = "battery-electric"
//! gross_weight_kg = 250
//! payload_kg = 120
//! length_m = 2.4
//! width_m = 0.9
//! height_m = 1.4
//! speed_cap_kmh = 18
//! ```
//! Sizes are in metres, battery in kWh, charge power in kW, energy use in kWh/km or L/100 km,
//! costs in yuan (元), shift in hours: the units people write. They are converted once, here.

use super::file::{parse_toml, read_text, FileError};
use crate::vehicle::{default_classes, Category, Energy, VehicleClass, MAX_CLASSES};
use serde::Deserialize;
use std::path::Path;

/// Why a class file could not be used: unreadable, TOML syntax or types (with line and
/// column), or every problem of its `[[class]]` entries.
pub type Error = FileError;

const WHAT: &str = "vehicle class file";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassFile {
    #[serde(default = "yes")]
    defaults: bool,
    #[serde(default, rename = "class")]
    classes: Vec<ClassEntry>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClassEntry {
    id: String,
    name: Option<String>,
    category: Option<String>,
    energy: Option<String>,
    emission_standard: Option<u8>,
    gross_weight_kg: Option<u32>,
    payload_kg: Option<u32>,
    volume_m3: Option<f64>,
    length_m: Option<f64>,
    width_m: Option<f64>,
    height_m: Option<f64>,
    speed_cap_kmh: Option<u32>,
    battery_kwh: Option<f64>,
    kwh_per_km: Option<f64>,
    litres_per_100km: Option<f64>,
    charge_power_kw: Option<f64>,
    cost_per_day: Option<f64>,
    cost_per_km: Option<f64>,
    cost_per_hour: Option<f64>,
    shift_h: Option<f64>,
}

/// Read a class file: the defaults (unless `defaults = false`) with the file's changes applied.
pub fn read_classes(path: &Path) -> Result<Vec<VehicleClass>, Error> {
    let text = read_text(path, WHAT)?;
    let file: ClassFile = parse_toml(path, WHAT, &text)?;
    classes_from(file).map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// The classes of a parsed class file, or every problem of its entries.
fn classes_from(file: ClassFile) -> Result<Vec<VehicleClass>, Vec<String>> {
    let mut classes = if file.defaults {
        default_classes()
    } else {
        Vec::new()
    };
    let mut problems = Vec::new();
    for (index, entry) in file.classes.iter().enumerate() {
        let here = format!("[[class]] #{} (id `{}`)", index + 1, entry.id);
        if entry.id.trim().is_empty() {
            problems.push(format!("{here}: `id` must not be empty"));
            continue;
        }
        let existing = classes.iter().position(|c| c.id == entry.id);
        let mut class = match existing {
            Some(i) => classes[i].clone(),
            None => match new_class(entry) {
                Ok(c) => c,
                Err(missing) => {
                    problems.push(format!("{here}: a new class needs {}", missing.join(", ")));
                    continue;
                }
            },
        };
        let before = problems.len();
        apply(entry, &mut class, &here, &mut problems);
        if problems.len() == before {
            match existing {
                Some(i) => classes[i] = class,
                None => classes.push(class),
            }
        }
    }
    if classes.len() > MAX_CLASSES {
        problems.push(format!(
            "{} classes: at most {MAX_CLASSES} are supported",
            classes.len()
        ));
    }
    if classes.is_empty() {
        problems
            .push("no vehicle classes: set `defaults = true` or add [[class]] entries".to_string());
    }
    if problems.is_empty() {
        Ok(classes)
    } else {
        Err(problems)
    }
}

fn new_class(e: &ClassEntry) -> Result<VehicleClass, Vec<&'static str>> {
    let mut missing = Vec::new();
    for (present, name) in [
        (e.category.is_some(), "`category`"),
        (e.energy.is_some(), "`energy`"),
        (e.gross_weight_kg.is_some(), "`gross_weight_kg`"),
        (e.payload_kg.is_some(), "`payload_kg`"),
        (e.length_m.is_some(), "`length_m`"),
        (e.width_m.is_some(), "`width_m`"),
        (e.height_m.is_some(), "`height_m`"),
        (e.speed_cap_kmh.is_some(), "`speed_cap_kmh`"),
    ] {
        if !present {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    // Start from a neutral template; `apply` fills in every given field.
    let template = &default_classes()[1];
    Ok(VehicleClass {
        id: e.id.clone(),
        name: e.id.clone(),
        battery_wh: None,
        charge_power_w: None,
        ..template.clone()
    })
}

fn apply(e: &ClassEntry, c: &mut VehicleClass, here: &str, problems: &mut Vec<String>) {
    let mut positive = |value: f64, field: &str, scale: f64| -> u32 {
        if !(value.is_finite() && value > 0.0 && value * scale < f64::from(u32::MAX)) {
            problems.push(format!(
                "{here}: `{field}` must be a positive number, got {value}"
            ));
            return 0;
        }
        (value * scale).round() as u32
    };
    if let Some(n) = &e.name {
        c.name = n.clone();
    }
    if let Some(v) = e.length_m {
        c.length_mm = positive(v, "length_m", 1000.0);
    }
    if let Some(v) = e.width_m {
        c.width_mm = positive(v, "width_m", 1000.0);
    }
    if let Some(v) = e.height_m {
        c.height_mm = positive(v, "height_m", 1000.0);
    }
    if let Some(v) = e.volume_m3 {
        c.volume_l = positive(v, "volume_m3", 1000.0);
    }
    if let Some(v) = e.battery_kwh {
        c.battery_wh = Some(positive(v, "battery_kwh", 1000.0));
    }
    if let Some(v) = e.charge_power_kw {
        c.charge_power_w = Some(positive(v, "charge_power_kw", 1000.0));
    }
    if let Some(v) = e.kwh_per_km {
        c.use_per_km = positive(v, "kwh_per_km", 1000.0);
    }
    if let Some(v) = e.litres_per_100km {
        c.use_per_km = positive(v, "litres_per_100km", 10.0);
    }
    if let Some(v) = e.shift_h {
        c.shift_s = positive(v, "shift_h", 3600.0);
    }
    for (value, field, slot) in [
        (e.cost_per_day, "cost_per_day", &mut c.cost_per_day),
        (e.cost_per_km, "cost_per_km", &mut c.cost_per_km),
        (e.cost_per_hour, "cost_per_hour", &mut c.cost_per_hour),
    ] {
        if let Some(v) = value {
            if v.is_finite() && v >= 0.0 {
                *slot = (v * 100.0).round() as u32;
            } else {
                problems.push(format!("{here}: `{field}` must be zero or more, got {v}"));
            }
        }
    }
    for (value, field, slot) in [
        (e.gross_weight_kg, "gross_weight_kg", &mut c.gross_weight_kg),
        (e.payload_kg, "payload_kg", &mut c.payload_kg),
        (e.speed_cap_kmh, "speed_cap_kmh", &mut c.speed_cap_kmh),
    ] {
        match value {
            Some(0) => problems.push(format!("{here}: `{field}` must be positive")),
            Some(v) => *slot = v,
            None => {}
        }
    }
    if let Some(s) = e.emission_standard {
        if (1..=6).contains(&s) {
            c.emission_standard = Some(s);
        } else {
            problems.push(format!(
                "{here}: `emission_standard` must be 1 to 6 (China I-VI), got {s}"
            ));
        }
    }
    if let Some(cat) = &e.category {
        match Category::parse(cat) {
            Some(v) => c.category = v,
            None => problems.push(format!("{here}: unknown `category` `{cat}` (e-tricycle, micro-van, light-truck, medium-truck)")),
        }
    }
    if let Some(en) = &e.energy {
        match Energy::parse(en) {
            Some(v) => c.energy = v,
            None => problems.push(format!(
                "{here}: unknown `energy` `{en}` (battery-electric, fuel-cell, plug-in-hybrid, diesel, petrol, cng)"
            )),
        }
    }
    if c.payload_kg >= c.gross_weight_kg && c.gross_weight_kg > 0 {
        problems.push(format!(
            "{here}: payload {} kg must be below gross weight {} kg",
            c.payload_kg, c.gross_weight_kg
        ));
    }
    if c.energy == Energy::BatteryElectric && c.battery_wh.is_none() {
        problems.push(format!(
            "{here}: a battery-electric class needs `battery_kwh`"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_classes(text: &str) -> Result<Vec<VehicleClass>, Vec<String>> {
        let file: ClassFile = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
        classes_from(file)
    }

    fn invalid(text: &str) -> Vec<String> {
        match parse_classes(text) {
            Err(p) => p,
            Ok(_) => panic!("accepted: {text}"),
        }
    }

    #[test]
    fn override_and_add() {
        let classes = parse_classes(
            "[[class]]\nid = \"e-tricycle\"\nspeed_cap_kmh = 15\n\n[[class]]\nid = \"cargo-bike\"\ncategory = \"e-tricycle\"\nenergy = \"battery-electric\"\ngross_weight_kg = 250\npayload_kg = 120\nlength_m = 2.4\nwidth_m = 0.9\nheight_m = 1.4\nspeed_cap_kmh = 18\nbattery_kwh = 1.5\n",
        )
        .ok()
        .unwrap();
        assert_eq!(
            classes
                .iter()
                .find(|c| c.id == "e-tricycle")
                .unwrap()
                .speed_cap_kmh,
            15
        );
        let bike = classes.iter().find(|c| c.id == "cargo-bike").unwrap();
        assert_eq!((bike.length_mm, bike.battery_wh), (2_400, Some(1_500)));
        assert_eq!(classes.len(), default_classes().len() + 1);
    }

    #[test]
    fn all_problems_are_listed_at_once() {
        let problems = invalid(
            "[[class]]\nid = \"e-tricycle\"\nspeed_cap_kmh = 0\nenergy = \"steam\"\n\n[[class]]\nid = \"new\"\ncategory = \"e-tricycle\"\n",
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("#1") && problems[0].contains("speed_cap_kmh"));
        assert!(problems[1].contains("steam"));
        assert!(problems[2].contains("#2") && problems[2].contains("`energy`"));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let message = invalid("[[class]]\nid = \"x\"\nlength_m = \"long\"\n").join("");
        assert!(message.contains("line 3"), "{message}");
        let unknown = invalid("[[class]]\nid = \"x\"\nwheels = 3\n").join("");
        assert!(unknown.contains("wheels"), "{unknown}");
    }
}

//! `cityfreight classes`: list the vehicle classes.

use super::common::ClassesArg;
use super::CliResult;

/// Arguments of `classes`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    classes: ClassesArg,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Run `classes`.
pub fn run(args: Args) -> CliResult {
    let classes = args.classes.load()?;
    if args.json {
        let list: Vec<serde_json::Value> = classes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "name": c.name, "category": c.category.name(), "energy": c.energy.name(),
                    "emission_standard": c.emission_standard, "gross_weight_kg": c.gross_weight_kg, "payload_kg": c.payload_kg,
                    "volume_m3": f64::from(c.volume_l) / 1000.0, "length_m": f64::from(c.length_mm) / 1000.0,
                    "width_m": f64::from(c.width_mm) / 1000.0, "height_m": f64::from(c.height_mm) / 1000.0,
                    "speed_cap_kmh": c.speed_cap_kmh, "battery_kwh": c.battery_wh.map(|w| f64::from(w) / 1000.0),
                    "hgv": c.is_hgv(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    println!(
        "{:<22} {:<13} {:<17} {:>9} {:>8} {:>17} {:>5} {:>8}",
        "id", "category", "energy", "gross kg", "payload", "L x W x H (m)", "km/h", "battery"
    );
    for c in &classes {
        let size = format!(
            "{:.2}x{:.2}x{:.2}",
            f64::from(c.length_mm) / 1e3,
            f64::from(c.width_mm) / 1e3,
            f64::from(c.height_mm) / 1e3
        );
        let battery = c
            .battery_wh
            .map(|w| format!("{:.0} kWh", f64::from(w) / 1e3))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<22} {:<13} {:<17} {:>9} {:>8} {:>17} {:>5} {:>8}",
            c.id,
            c.category.name(),
            c.energy.name(),
            c.gross_weight_kg,
            c.payload_kg,
            size,
            c.speed_cap_kmh,
            battery
        );
    }
    Ok(())
}

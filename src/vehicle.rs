//! Delivery vehicle classes: what a class is, and the documented defaults.
//!
//! Owns: [`VehicleClass`] (category, energy, size, weight, speed cap, energy use, costs) and
//! [`default_classes`]. Must never: read files (the TOML override lives in `io::classes`) or know
//! about roads; the road layer asks a class only for its category, size and speed cap.
//! Invariants: sizes are whole millimetres, weights whole kilograms, speeds whole km/h, money in
//! cents (分) of the local currency; a class set holds at most [`MAX_CLASSES`] classes with unique
//! ids (a road edge stores one bit per class).
//!
//! Defaults are typical values from DOMAIN.md and Chinese vehicle categories (blue-plate light
//! trucks up to 4.5 t and 6 m; express e-tricycles up to 180 kg payload and about 20 km/h), never
//! a city's rule: every value can be overridden from a TOML file (`cityfreight classes --classes`).

/// At most this many classes in one set (one bit each in a road edge's access mask).
pub const MAX_CLASSES: usize = 32;

/// Gross weight above which OSM's `hgv` tags apply instead of `goods` (3.5 t, the OSM convention).
pub const HGV_THRESHOLD_KG: u32 = 3_500;

/// What kind of vehicle: decides which OSM access keys apply and which roads it may use at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// Express e-tricycle (快递电动三轮车): a non-motor vehicle in most Chinese cities; no
    /// motorways or trunk roads (urban expressways).
    ETricycle,
    /// Micro van (微型面包车 / 微面).
    MicroVan,
    /// Light truck (轻型货车, up to 4.5 t gross).
    LightTruck,
    /// Medium truck (中型货车, 4.5 t to 12 t gross).
    MediumTruck,
}

impl Category {
    /// The stable name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Category::ETricycle => "e-tricycle",
            Category::MicroVan => "micro-van",
            Category::LightTruck => "light-truck",
            Category::MediumTruck => "medium-truck",
        }
    }

    /// Parse a category name as written by [`Category::name`].
    pub fn parse(text: &str) -> Option<Category> {
        [
            Category::ETricycle,
            Category::MicroVan,
            Category::LightTruck,
            Category::MediumTruck,
        ]
        .into_iter()
        .find(|c| c.name() == text)
    }

    /// Is this a motor vehicle in OSM's access hierarchy?
    pub fn is_motor_vehicle(self) -> bool {
        self != Category::ETricycle
    }
}

/// Energy carrier of a vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Energy {
    /// Battery-electric (纯电动).
    BatteryElectric,
    /// Hydrogen fuel cell (燃料电池).
    FuelCell,
    /// Plug-in hybrid (插电式混合动力).
    PlugInHybrid,
    /// Diesel.
    Diesel,
    /// Petrol.
    Petrol,
    /// Compressed natural gas.
    Cng,
}

impl Energy {
    /// The stable name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Energy::BatteryElectric => "battery-electric",
            Energy::FuelCell => "fuel-cell",
            Energy::PlugInHybrid => "plug-in-hybrid",
            Energy::Diesel => "diesel",
            Energy::Petrol => "petrol",
            Energy::Cng => "cng",
        }
    }

    /// Parse an energy name as written by [`Energy::name`].
    pub fn parse(text: &str) -> Option<Energy> {
        [
            Energy::BatteryElectric,
            Energy::FuelCell,
            Energy::PlugInHybrid,
            Energy::Diesel,
            Energy::Petrol,
            Energy::Cng,
        ]
        .into_iter()
        .find(|e| e.name() == text)
    }

    /// New-energy vehicle (新能源) in the Chinese sense: battery-electric, fuel-cell, plug-in hybrid.
    pub fn is_new_energy(self) -> bool {
        matches!(
            self,
            Energy::BatteryElectric | Energy::FuelCell | Energy::PlugInHybrid
        )
    }
}

/// A delivery vehicle class. Plain data; construct with [`default_classes`] or field by field.
#[derive(Clone, Debug, PartialEq)]
pub struct VehicleClass {
    /// Stable id, for example `e-micro-van`.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Kind of vehicle.
    pub category: Category,
    /// Energy carrier.
    pub energy: Energy,
    /// China emission standard 1..=6 (国一..国六) for combustion engines; `None` for zero-emission.
    pub emission_standard: Option<u8>,
    /// Gross vehicle weight (kg), compared with `maxweight`.
    pub gross_weight_kg: u32,
    /// Payload (kg).
    pub payload_kg: u32,
    /// Cargo volume (litres = dm³).
    pub volume_l: u32,
    /// Length (mm), compared with `maxlength`.
    pub length_mm: u32,
    /// Width (mm), compared with `maxwidth`.
    pub width_mm: u32,
    /// Height (mm), compared with `maxheight`.
    pub height_mm: u32,
    /// The vehicle never drives faster than this (km/h), whatever the road allows.
    pub speed_cap_kmh: u32,
    /// Usable battery (Wh), for electric and plug-in vehicles.
    pub battery_wh: Option<u32>,
    /// Energy use per km: Wh/km for electric vehicles, millilitres/km of fuel otherwise.
    pub use_per_km: u32,
    /// Charging power (W) for electric and plug-in vehicles.
    pub charge_power_w: Option<u32>,
    /// Fixed cost per vehicle per day (cents).
    pub cost_per_day: u32,
    /// Cost per km driven (cents).
    pub cost_per_km: u32,
    /// Cost per hour on duty (cents), driver included.
    pub cost_per_hour: u32,
    /// Shift length (seconds).
    pub shift_s: u32,
}

impl VehicleClass {
    /// Do OSM's heavy-goods-vehicle (`hgv`) tags apply to this class (gross weight above 3.5 t)?
    pub fn is_hgv(&self) -> bool {
        self.category.is_motor_vehicle() && self.gross_weight_kg > HGV_THRESHOLD_KG
    }
}

/// The built-in classes, in a fixed order. The first motor class (`e-micro-van`) is the default
/// for commands that take `--class`.
///
/// | id | category | energy | gross kg | payload kg | L × W × H (m) | cap km/h |
/// |---|---|---|---|---|---|---|
/// | e-tricycle | e-tricycle | battery | 400 | 180 | 2.8 × 1.1 × 1.8 | 20 |
/// | e-micro-van | micro-van | battery | 2,700 | 1,000 | 4.5 × 1.7 × 2.0 | 90 |
/// | e-light-truck | light-truck | battery | 4,495 | 1,500 | 5.99 × 2.1 × 3.0 | 90 |
/// | diesel-light-truck | light-truck | diesel (China VI) | 4,495 | 1,800 | 5.99 × 2.1 × 3.0 | 90 |
/// | diesel-medium-truck | medium-truck | diesel (China VI) | 12,000 | 6,000 | 8.6 × 2.45 × 3.6 | 80 |
pub fn default_classes() -> Vec<VehicleClass> {
    let class = |id: &str,
                 name: &str,
                 category,
                 energy,
                 emission_standard,
                 gross_weight_kg,
                 payload_kg,
                 volume_l| VehicleClass {
        id: id.to_string(),
        name: name.to_string(),
        category,
        energy,
        emission_standard,
        gross_weight_kg,
        payload_kg,
        volume_l,
        length_mm: 0,
        width_mm: 0,
        height_mm: 0,
        speed_cap_kmh: 0,
        battery_wh: None,
        use_per_km: 0,
        charge_power_w: None,
        cost_per_day: 0,
        cost_per_km: 0,
        cost_per_hour: 0,
        shift_s: 10 * 3600,
    };
    vec![
        VehicleClass {
            length_mm: 2_800,
            width_mm: 1_100,
            height_mm: 1_800,
            speed_cap_kmh: 20,
            battery_wh: Some(4_000),
            use_per_km: 40,
            charge_power_w: Some(1_000),
            cost_per_day: 3_000,
            cost_per_km: 5,
            cost_per_hour: 3_000,
            ..class(
                "e-tricycle",
                "express e-tricycle",
                Category::ETricycle,
                Energy::BatteryElectric,
                None,
                400,
                180,
                1_500,
            )
        },
        VehicleClass {
            length_mm: 4_500,
            width_mm: 1_700,
            height_mm: 2_000,
            speed_cap_kmh: 90,
            battery_wh: Some(38_000),
            use_per_km: 250,
            charge_power_w: Some(7_000),
            cost_per_day: 15_000,
            cost_per_km: 30,
            cost_per_hour: 4_000,
            ..class(
                "e-micro-van",
                "electric micro van",
                Category::MicroVan,
                Energy::BatteryElectric,
                None,
                2_700,
                1_000,
                5_000,
            )
        },
        VehicleClass {
            length_mm: 5_990,
            width_mm: 2_100,
            height_mm: 3_000,
            speed_cap_kmh: 90,
            battery_wh: Some(80_000),
            use_per_km: 350,
            charge_power_w: Some(60_000),
            cost_per_day: 25_000,
            cost_per_km: 40,
            cost_per_hour: 4_500,
            ..class(
                "e-light-truck",
                "light electric truck",
                Category::LightTruck,
                Energy::BatteryElectric,
                None,
                4_495,
                1_500,
                15_000,
            )
        },
        VehicleClass {
            length_mm: 5_990,
            width_mm: 2_100,
            height_mm: 3_000,
            speed_cap_kmh: 90,
            use_per_km: 120,
            cost_per_day: 20_000,
            cost_per_km: 90,
            cost_per_hour: 4_500,
            ..class(
                "diesel-light-truck",
                "light diesel truck",
                Category::LightTruck,
                Energy::Diesel,
                Some(6),
                4_495,
                1_800,
                15_000,
            )
        },
        VehicleClass {
            length_mm: 8_600,
            width_mm: 2_450,
            height_mm: 3_600,
            speed_cap_kmh: 80,
            use_per_km: 200,
            cost_per_day: 35_000,
            cost_per_km: 150,
            cost_per_hour: 5_000,
            ..class(
                "diesel-medium-truck",
                "medium diesel truck",
                Category::MediumTruck,
                Energy::Diesel,
                Some(6),
                12_000,
                6_000,
                35_000,
            )
        },
    ]
}

/// The id of the class commands use when none is given.
pub const DEFAULT_CLASS: &str = "e-micro-van";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_consistent() {
        let classes = default_classes();
        assert!(classes.len() <= MAX_CLASSES);
        assert!(classes.iter().any(|c| c.id == DEFAULT_CLASS));
        for c in &classes {
            assert!(c.payload_kg < c.gross_weight_kg, "{}", c.id);
            assert!(
                c.speed_cap_kmh > 0 && c.length_mm > 0 && c.height_mm > 0,
                "{}",
                c.id
            );
            assert_eq!(
                c.energy == Energy::BatteryElectric,
                c.battery_wh.is_some(),
                "{}",
                c.id
            );
        }
        let tricycle = &classes[0];
        assert!(tricycle.payload_kg <= 180 && !tricycle.is_hgv());
        assert!(classes
            .iter()
            .find(|c| c.id == "diesel-medium-truck")
            .unwrap()
            .is_hgv());
        assert!(!classes
            .iter()
            .find(|c| c.id == "e-micro-van")
            .unwrap()
            .is_hgv());
    }
}

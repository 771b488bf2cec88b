//! Reading single OSM tag values: road class, speeds, size limits, one-way and access values.
//!
//! Owns: the value grammars and the documented per-road-class defaults. Must never: decide
//! access for a vehicle (that is `osm::access`) or touch the file. Every parser returns `None`
//! for a value it does not understand; the caller counts those as unparsed tags.

use crate::vehicle::Category;

/// The OSM `highway=*` values cityfreight routes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoadClass {
    /// `motorway`
    Motorway,
    /// `motorway_link`
    MotorwayLink,
    /// `trunk` (in Chinese cities usually an urban expressway, 快速路)
    Trunk,
    /// `trunk_link`
    TrunkLink,
    /// `primary`
    Primary,
    /// `primary_link`
    PrimaryLink,
    /// `secondary`
    Secondary,
    /// `secondary_link`
    SecondaryLink,
    /// `tertiary`
    Tertiary,
    /// `tertiary_link`
    TertiaryLink,
    /// `unclassified`
    Unclassified,
    /// `residential`
    Residential,
    /// `living_street`
    LivingStreet,
    /// `service`
    Service,
    /// `road` (unknown class)
    Road,
    /// `pedestrian`: closed to vehicles unless an access tag opens it (`motor_vehicle=delivery`).
    Pedestrian,
}

impl RoadClass {
    /// Parse a `highway=*` value; `None` for ways that carry no vehicle traffic.
    pub fn parse(value: &str) -> Option<RoadClass> {
        use RoadClass::*;
        Some(match value {
            "motorway" => Motorway,
            "motorway_link" => MotorwayLink,
            "trunk" => Trunk,
            "trunk_link" => TrunkLink,
            "primary" => Primary,
            "primary_link" => PrimaryLink,
            "secondary" => Secondary,
            "secondary_link" => SecondaryLink,
            "tertiary" => Tertiary,
            "tertiary_link" => TertiaryLink,
            "unclassified" => Unclassified,
            "residential" => Residential,
            "living_street" => LivingStreet,
            "service" => Service,
            "road" => Road,
            "pedestrian" => Pedestrian,
            _ => return None,
        })
    }

    /// The OSM value.
    pub fn name(self) -> &'static str {
        use RoadClass::*;
        match self {
            Motorway => "motorway",
            MotorwayLink => "motorway_link",
            Trunk => "trunk",
            TrunkLink => "trunk_link",
            Primary => "primary",
            PrimaryLink => "primary_link",
            Secondary => "secondary",
            SecondaryLink => "secondary_link",
            Tertiary => "tertiary",
            TertiaryLink => "tertiary_link",
            Unclassified => "unclassified",
            Residential => "residential",
            LivingStreet => "living_street",
            Service => "service",
            Road => "road",
            Pedestrian => "pedestrian",
        }
    }

    /// Free-flow speed (km/h) when the way has no usable `maxspeed`: typical Chinese urban
    /// limits (GB 5768 / road traffic safety law defaults), documented, not a city's rule.
    pub fn default_speed_kmh(self) -> f64 {
        use RoadClass::*;
        match self {
            Motorway => 100.0,
            MotorwayLink => 60.0,
            Trunk => 80.0,
            TrunkLink => 40.0,
            Primary => 60.0,
            PrimaryLink => 40.0,
            Secondary => 50.0,
            SecondaryLink => 30.0,
            Tertiary => 40.0,
            TertiaryLink => 30.0,
            Unclassified | Residential | Road => 30.0,
            Service => 15.0,
            LivingStreet => 10.0,
            Pedestrian => 5.0,
        }
    }

    /// May a vehicle of this category use the road when no access tag says otherwise?
    /// E-tricycles stay off motorways and trunk roads (urban expressways); pedestrian streets are
    /// closed to everybody by default.
    pub fn open_by_default(self, category: Category) -> bool {
        use RoadClass::*;
        match self {
            Pedestrian => false,
            Motorway | MotorwayLink | Trunk | TrunkLink => category.is_motor_vehicle(),
            _ => true,
        }
    }

    /// Is this a link road (a ramp)? Links have no effect on access, only on speed defaults.
    pub fn is_link(self) -> bool {
        use RoadClass::*;
        matches!(
            self,
            MotorwayLink | TrunkLink | PrimaryLink | SecondaryLink | TertiaryLink
        )
    }
}

/// Direction rules of a way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Oneway {
    /// Both directions.
    No,
    /// Only in the way's direction.
    Forward,
    /// Only against the way's direction (`oneway=-1`).
    Backward,
    /// Direction changes during the day (`oneway=reversible`): not driven in either direction.
    Closed,
}

/// One-way rule from `oneway`, `junction` and the road class (roundabouts and motorways are
/// one-way unless tagged `oneway=no`).
pub fn oneway(oneway: Option<&str>, junction: Option<&str>, road: RoadClass) -> Oneway {
    match oneway {
        Some("yes" | "true" | "1") => Oneway::Forward,
        Some("-1" | "reverse") => Oneway::Backward,
        Some("reversible" | "alternating") => Oneway::Closed,
        Some("no" | "false" | "0") => Oneway::No,
        _ => {
            let implied = matches!(junction, Some("roundabout" | "circular"))
                || matches!(road, RoadClass::Motorway);
            if implied {
                Oneway::Forward
            } else {
                Oneway::No
            }
        }
    }
}

/// `maxspeed` in km/h: `50`, `50 km/h`, `30 mph`, `walk` (6 km/h). `None`, `signals`, national
/// codes like `CN:urban` and anything else unknown give `None` (the road-class default applies).
pub fn maxspeed_kmh(value: &str) -> Option<f64> {
    let v = value.trim();
    if v == "walk" {
        return Some(6.0);
    }
    let (number, unit) = split_number(v)?;
    let kmh = match unit {
        "" | "km/h" | "kmh" | "kph" => number,
        "mph" => number * 1.609_344,
        "knots" => number * 1.852,
        _ => return None,
    };
    (kmh > 0.0 && kmh < 300.0).then_some(kmh)
}

/// `maxweight` in kilograms: `7.5`, `7.5 t`, `3500 kg`, `10 st` (short tons), `12000 lbs`.
pub fn maxweight_kg(value: &str) -> Option<u32> {
    let (number, unit) = split_number(value.trim())?;
    let kg = match unit {
        "" | "t" => number * 1000.0,
        "kg" => number,
        "st" => number * 907.185,
        "lt" => number * 1016.05,
        "lbs" | "lb" => number * 0.453_592,
        _ => return None,
    };
    (kg > 0.0 && kg < 1.0e6).then(|| kg.round() as u32)
}

/// `maxheight`, `maxlength`, `maxwidth` in millimetres: `3.5`, `3.5 m`, `350 cm`, `11'6"`, `12 ft`.
/// `default`, `none`, `below_default` and unknown values give `None`.
pub fn size_mm(value: &str) -> Option<u32> {
    let v = value.trim();
    if let Some((feet, rest)) = v.split_once('\'') {
        let feet: f64 = feet.trim().parse().ok()?;
        let inches: f64 = match rest.trim().trim_end_matches('"').trim() {
            "" => 0.0,
            i => i.parse().ok()?,
        };
        return Some(((feet * 12.0 + inches) * 25.4).round() as u32).filter(|&mm| mm > 0);
    }
    let (number, unit) = split_number(v)?;
    let mm = match unit {
        "" | "m" => number * 1000.0,
        "cm" => number * 10.0,
        "mm" => number,
        "ft" => number * 304.8,
        "in" => number * 25.4,
        _ => return None,
    };
    (mm > 0.0 && mm < 1.0e6).then(|| mm.round() as u32)
}

/// Split `12.5 t` into `(12.5, "t")`; accepts a decimal comma.
fn split_number(v: &str) -> Option<(f64, &str)> {
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(v.len());
    if end == 0 {
        return None;
    }
    let number: f64 = v[..end].replace(',', ".").parse().ok()?;
    Some((number, v[end..].trim()))
}

/// What an access value means for a delivery vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessValue {
    /// May drive here (`yes`, `designated`, `permissive`, and for delivery purposes `delivery`,
    /// `destination`, `customers`).
    Allowed,
    /// May not (`no`, `private`, `agricultural`, `forestry`, `emergency`, `use_sidepath`, ...).
    Denied,
}

/// Parse an access value; `None` for a value with no meaning for delivery (it is ignored).
pub fn access_value(value: &str) -> Option<AccessValue> {
    match value.trim() {
        "yes" | "designated" | "permissive" | "delivery" | "destination" | "customers"
        | "official" | "permit" => Some(AccessValue::Allowed),
        "no" | "private" | "agricultural" | "forestry" | "emergency" | "military"
        | "use_sidepath" | "discouraged_no" | "psv" | "bus" => Some(AccessValue::Denied),
        _ => None,
    }
}

/// A power value as tagged on chargers (`50 kW`, `22kW`, `7400 W`, `150`: kW when no unit).
pub fn power_kw(value: &str) -> Option<f64> {
    let v = value.trim().to_ascii_lowercase();
    let (number, scale) = if let Some(n) = v.strip_suffix("kw") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("mw") {
        (n, 1000.0)
    } else if let Some(n) = v.strip_suffix('w') {
        (n, 0.001)
    } else {
        (v.as_str(), 1.0)
    };
    let kw = number.trim().parse::<f64>().ok()? * scale;
    (kw.is_finite() && kw > 0.0).then_some(kw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charger_outputs() {
        assert_eq!(power_kw("50 kW"), Some(50.0));
        assert_eq!(power_kw("22kW"), Some(22.0));
        assert_eq!(power_kw("7400 W"), Some(7.4));
        assert_eq!(power_kw("150"), Some(150.0));
        assert_eq!(power_kw("fast"), None);
        assert_eq!(power_kw("0 kW"), None);
    }

    #[test]
    fn speeds() {
        assert_eq!(maxspeed_kmh("50"), Some(50.0));
        assert_eq!(maxspeed_kmh("40 km/h"), Some(40.0));
        assert!((maxspeed_kmh("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(maxspeed_kmh("CN:urban"), None);
        assert_eq!(maxspeed_kmh("none"), None);
        assert_eq!(maxspeed_kmh("signals"), None);
    }

    #[test]
    fn limits() {
        assert_eq!(maxweight_kg("7.5"), Some(7_500));
        assert_eq!(maxweight_kg("3500 kg"), Some(3_500));
        assert_eq!(maxweight_kg("12 t"), Some(12_000));
        assert_eq!(maxweight_kg("heavy"), None);
        assert_eq!(size_mm("3.5"), Some(3_500));
        assert_eq!(size_mm("3,2 m"), Some(3_200));
        assert_eq!(size_mm("11'6\""), Some(3_505));
        assert_eq!(size_mm("default"), None);
        assert_eq!(size_mm("below_default"), None);
    }

    #[test]
    fn oneway_rules() {
        assert_eq!(
            oneway(Some("yes"), None, RoadClass::Residential),
            Oneway::Forward
        );
        assert_eq!(
            oneway(Some("-1"), None, RoadClass::Residential),
            Oneway::Backward
        );
        assert_eq!(
            oneway(None, Some("roundabout"), RoadClass::Primary),
            Oneway::Forward
        );
        assert_eq!(oneway(None, None, RoadClass::Motorway), Oneway::Forward);
        assert_eq!(oneway(Some("no"), None, RoadClass::Motorway), Oneway::No);
        assert_eq!(oneway(None, None, RoadClass::Residential), Oneway::No);
    }

    #[test]
    fn access_values() {
        assert_eq!(access_value("delivery"), Some(AccessValue::Allowed));
        assert_eq!(access_value("destination"), Some(AccessValue::Allowed));
        assert_eq!(access_value("private"), Some(AccessValue::Denied));
        assert_eq!(access_value("unknown"), None);
        assert!(!RoadClass::Trunk.open_by_default(Category::ETricycle));
        assert!(RoadClass::Trunk.open_by_default(Category::MicroVan));
        assert!(!RoadClass::Pedestrian.open_by_default(Category::MicroVan));
    }
}

//! Route one e-tricycle trip across central Chengdu with the library API (the README's example).
//! Run: `cargo run --release --example route`.

use cityfreight::network::Network;
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/osm/chengdu-center-2018.osm.pbf"
    );
    let net = Network::load(path.as_ref(), &default_classes(), &|_, _, _| {})?;
    let at = WeekTime::parse("08:30")?;
    for class in ["e-tricycle", "e-micro-van", "diesel-medium-truck"] {
        // Monday 08:30 is in the morning peak of the default congestion profile.
        let timed = net.route([104.05, 30.66], [104.09, 30.69], class, at, 500.0)?;
        let route = &timed.answer.route;
        println!(
            "{class:<20} {:>6.0} s {:>7.0} m ({} points)",
            timed.arrival_ms as f64 / 1000.0,
            route.distance_cm as f64 / 100.0,
            route.geometry.len()
        );
    }
    Ok(())
}

//! Shared by the benches: which extracts to measure, and deterministic random points on them.

use cityfreight::network::Network;
use std::path::{Path, PathBuf};

/// The bundled Chengdu extract, and the synthetic city when present
/// (`CITYFREIGHT_SYNTHETIC_PBF` or `bench-data/city400.osm.pbf`; make it with
/// `benches/make-synthetic-city.sh 400`).
pub fn datasets() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sets = vec![(
        "chengdu".to_string(),
        root.join("data/osm/chengdu-center-2018.osm.pbf"),
    )];
    let synthetic = std::env::var_os("CITYFREIGHT_SYNTHETIC_PBF")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("bench-data/city400.osm.pbf"));
    if synthetic.exists() {
        let name = synthetic
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".osm.pbf").to_string())
            .unwrap_or_default();
        sets.push((format!("synthetic-{name}"), synthetic));
    } else {
        eprintln!(
            "skipping the synthetic city: {} not found (benches/make-synthetic-city.sh 400)",
            synthetic.display()
        );
    }
    sets
}

/// An endless deterministic stream of points inside the extent of the network's nodes
/// (xorshift from `seed`).
pub fn points(net: &Network, seed: u64) -> impl Iterator<Item = [f64; 2]> {
    let (lo, hi) = net.graph.extent();
    let mut state = seed | 1;
    std::iter::repeat_with(move || {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        [
            lo[0] + next() * (hi[0] - lo[0]),
            lo[1] + next() * (hi[1] - lo[1]),
        ]
    })
}

//! The CCH cache file: a round trip gives the same structure and the same answers; a file
//! built for another graph, a corrupt file and a foreign file are rejected; `load_or_build`
//! rebuilds a stale cache.

use cityfreight::cch::synthetic::grid_city;
use cityfreight::cch::{nested_dissection_order, Cch, Error, Seed};

#[test]
fn round_trip_gives_the_same_structure_and_bytes() {
    let city = grid_city(24, 1);
    let topo = city.topology().expect("valid city");
    let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
    let mut bytes = Vec::new();
    cch.write_to(&mut bytes).expect("write to memory");
    let back = Cch::read_from(bytes.as_slice(), &topo).expect("read back");
    assert_eq!(back, cch);
    let mut again = Vec::new();
    back.write_to(&mut again).expect("write to memory");
    assert_eq!(again, bytes);
    let stops: Vec<Vec<Seed>> = (0..20u32).map(|i| vec![Seed::at(i * 29 % 576)]).collect();
    let a = cch
        .customize(&city.time_ms, &city.dist_cm)
        .expect("lengths")
        .many_to_many(&stops, &stops);
    let b = back
        .customize(&city.time_ms, &city.dist_cm)
        .expect("lengths")
        .many_to_many(&stops, &stops);
    assert_eq!(a, b);
}

#[test]
fn building_twice_gives_identical_bytes() {
    let city = grid_city(24, 1);
    let topo = city.topology().expect("valid city");
    let bytes = |_| {
        let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
        let mut out = Vec::new();
        cch.write_to(&mut out).expect("write to memory");
        out
    };
    assert_eq!(bytes(0), bytes(1));
}

#[test]
fn stale_corrupt_and_foreign_files_are_rejected() {
    let city = grid_city(20, 1);
    let topo = city.topology().expect("valid city");
    let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
    let mut bytes = Vec::new();
    cch.write_to(&mut bytes).expect("write to memory");

    // Same size, one edge redirected: another road graph.
    let mut head = city.head.clone();
    head[7] = (head[7] + 1) % city.node_count();
    let other =
        cityfreight::cch::Topology::new(&city.first_out, &head, &city.coords).expect("valid");
    let stale = Cch::read_from(bytes.as_slice(), &other);
    assert!(
        matches!(stale, Err(Error::StaleTopology { .. })),
        "{stale:?}"
    );

    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    let corrupt = Cch::read_from(flipped.as_slice(), &topo);
    assert!(matches!(corrupt, Err(Error::Corrupt { .. })), "{corrupt:?}");

    let truncated = Cch::read_from(&bytes[..bytes.len() - 9], &topo);
    assert!(
        matches!(truncated, Err(Error::Corrupt { .. })),
        "{truncated:?}"
    );

    let foreign = Cch::read_from(
        &b"PK\x03\x04 not a cch file at all, just some bytes"[..],
        &topo,
    );
    assert!(matches!(foreign, Err(Error::BadMagic)), "{foreign:?}");

    let mut future = bytes.clone();
    future[8] = 99;
    let version = Cch::read_from(future.as_slice(), &topo);
    assert!(
        matches!(version, Err(Error::UnsupportedVersion { found: 99, .. })),
        "{version:?}"
    );
}

#[test]
fn load_or_build_rebuilds_a_stale_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("city.cch");
    let old_city = grid_city(12, 1);
    let old = Cch::load_or_build(&path, &old_city.topology().expect("valid")).expect("built");
    let new_city = grid_city(13, 1);
    let new_topo = new_city.topology().expect("valid");
    let rebuilt = Cch::load_or_build(&path, &new_topo).expect("rebuilt");
    assert_ne!(old.fingerprint(), rebuilt.fingerprint());
    assert_eq!(rebuilt.fingerprint(), new_topo.fingerprint());
    let file = std::fs::File::open(&path).expect("cache written");
    assert_eq!(
        Cch::read_from(file, &new_topo).expect("fresh cache"),
        rebuilt
    );
}

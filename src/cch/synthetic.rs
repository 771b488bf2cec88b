//! A deterministic synthetic grid city for tests and benchmarks, modelled on
//! `tools/gen_city.py`: an `n x n` grid with about 100 m between intersections, arterials on
//! every 10th row and column (40-70 km/h, two-way, continuous), local streets at 30 km/h that
//! reach the arterials at only two points per block side (rows/columns 3 and 7 of a block), and
//! one-way local streets on every fourth row and column. Edge weights are exact `u32`
//! milliseconds and centimetres from the jittered planar coordinates.
//!
//! Owns nothing else: no OSM tags, no access rules. Same `(n, seed)` gives the same city.

use super::{Error, Topology};

/// Metres between neighbouring intersections.
const SPACING_M: f64 = 100.0;
/// Local street speed.
const LOCAL_KMH: f64 = 30.0;

/// A generated city as a forward CSR with per-edge time and distance.
#[derive(Clone, Debug)]
pub struct GridCity {
    /// Intersections per side; node `i * n + j` is row `i` (north), column `j` (east).
    pub n: u32,
    pub first_out: Vec<u32>,
    pub head: Vec<u32>,
    pub coords: Vec<[f64; 2]>,
    pub time_ms: Vec<u32>,
    pub dist_cm: Vec<u32>,
}

impl GridCity {
    pub fn topology(&self) -> Result<Topology<'_>, Error> {
        Topology::new(&self.first_out, &self.head, &self.coords)
    }

    pub fn node_count(&self) -> u32 {
        self.n * self.n
    }
}

/// SplitMix64: a tiny deterministic generator, enough for jitter and speed choices.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// Generates the `n x n` grid city for `seed`.
pub fn grid_city(n: u32, seed: u64) -> GridCity {
    let mut rng = SplitMix64::new(seed);
    let nn = n as usize;
    let coords: Vec<[f64; 2]> = (0..nn * nn)
        .map(|v| {
            let (i, j) = ((v / nn) as f64, (v % nn) as f64);
            let dx = rng.unit() * 0.3 - 0.15;
            let dy = rng.unit() * 0.3 - 0.15;
            [(j + dx) * SPACING_M, (i + dy) * SPACING_M]
        })
        .collect();
    // (tail, head, speed km/h)
    let mut arcs: Vec<(u32, u32, f64)> = Vec::new();
    for horizontal in [true, false] {
        let at = |line: u32, pos: u32| {
            if horizontal {
                line * n + pos
            } else {
                pos * n + line
            }
        };
        for line in 0..n {
            if line % 10 == 0 {
                let fast = line % 20 == 0;
                let mut speed = 0.0;
                for pos in 0..n.saturating_sub(1) {
                    if pos % 24 == 0 {
                        speed = if fast {
                            [50.0, 60.0, 70.0][rng.below(3) as usize]
                        } else {
                            [40.0, 50.0][rng.below(2) as usize]
                        };
                    }
                    arcs.push((at(line, pos), at(line, pos + 1), speed));
                    arcs.push((at(line, pos + 1), at(line, pos), speed));
                }
                continue;
            }
            let one_way = line % 4 == 1;
            let gateway = matches!(line % 10, 3 | 7);
            for pos in 0..n.saturating_sub(1) {
                let touches_arterial = pos % 10 == 0 || (pos + 1) % 10 == 0;
                if touches_arterial && !gateway {
                    continue;
                }
                arcs.push((at(line, pos), at(line, pos + 1), LOCAL_KMH));
                if !one_way {
                    arcs.push((at(line, pos + 1), at(line, pos), LOCAL_KMH));
                }
            }
        }
    }
    arcs.sort_by_key(|&(tail, head, _)| (tail, head));
    let mut first_out = vec![0u32; nn * nn + 1];
    for &(tail, _, _) in &arcs {
        first_out[tail as usize + 1] += 1;
    }
    for v in 0..nn * nn {
        first_out[v + 1] += first_out[v];
    }
    let mut head = Vec::with_capacity(arcs.len());
    let mut time_ms = Vec::with_capacity(arcs.len());
    let mut dist_cm = Vec::with_capacity(arcs.len());
    for &(tail, to, kmh) in &arcs {
        let (a, b) = (coords[tail as usize], coords[to as usize]);
        let metres = (a[0] - b[0]).hypot(a[1] - b[1]);
        head.push(to);
        dist_cm.push((metres * 100.0).round() as u32);
        time_ms.push(((metres / (kmh / 3.6)) * 1000.0).round().max(1.0) as u32);
    }
    GridCity {
        n,
        first_out,
        head,
        coords,
        time_ms,
        dist_cm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_city() {
        let (a, b) = (grid_city(25, 3), grid_city(25, 3));
        assert_eq!(a.head, b.head);
        assert_eq!(a.time_ms, b.time_ms);
        assert_eq!(grid_city(25, 4).coords.len(), 625);
        assert_ne!(a.coords, grid_city(25, 4).coords);
    }

    #[test]
    fn local_street_reaches_arterial_only_at_gateways() {
        let city = grid_city(21, 1);
        let n = city.n;
        let has_edge = |u: u32, v: u32| {
            let r = city.first_out[u as usize] as usize..city.first_out[u as usize + 1] as usize;
            city.head[r].contains(&v)
        };
        // Row 2 is local and no gateway: no edge from column 1 to the arterial column 0.
        assert!(!has_edge(2 * n + 1, 2 * n));
        // Row 3 is a gateway row.
        assert!(has_edge(3 * n + 1, 3 * n));
        // Row 5 (5 % 4 == 1) is one-way eastbound.
        assert!(has_edge(5 * n + 2, 5 * n + 3));
        assert!(!has_edge(5 * n + 3, 5 * n + 2));
        // Arterial row 10 is two-way.
        assert!(has_edge(10 * n + 4, 10 * n + 5) && has_edge(10 * n + 5, 10 * n + 4));
    }
}

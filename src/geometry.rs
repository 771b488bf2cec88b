//! Geodesy helpers: great-circle length and a local planar projection.
//!
//! Owns: the conversion from WGS84 degrees to metres. Must never: know roads or vehicles.
//! Invariants: the projection is an equirectangular one centred on the extract, accurate to well
//! under 1% over a city (tens of km); it is only used for snapping and partitioning, never for
//! road lengths (those use the haversine formula).

/// Mean Earth radius (m).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance (m) between two `[lon, lat]` points in degrees.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// An equirectangular projection to metres around a reference point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalProjection {
    lon0: f64,
    lat0: f64,
    metres_per_degree_lon: f64,
    metres_per_degree_lat: f64,
}

impl LocalProjection {
    /// A projection centred on `[lon, lat]`.
    pub fn centred_on(centre: [f64; 2]) -> LocalProjection {
        let metres_per_degree_lat = EARTH_RADIUS_M.to_radians();
        LocalProjection {
            lon0: centre[0],
            lat0: centre[1],
            metres_per_degree_lon: metres_per_degree_lat * centre[1].to_radians().cos(),
            metres_per_degree_lat,
        }
    }

    /// `[lon, lat]` degrees to `[x, y]` metres (x east, y north).
    pub fn project(&self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.lon0) * self.metres_per_degree_lon,
            (p[1] - self.lat0) * self.metres_per_degree_lat,
        ]
    }

    /// `[x, y]` metres back to `[lon, lat]` degrees.
    pub fn unproject(&self, p: [f64; 2]) -> [f64; 2] {
        [
            self.lon0 + p[0] / self.metres_per_degree_lon,
            self.lat0 + p[1] / self.metres_per_degree_lat,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_and_projection_agree_over_a_city() {
        let (a, b) = ([104.06, 30.66], [104.09, 30.68]);
        let proj = LocalProjection::centred_on([104.075, 30.67]);
        let (pa, pb) = (proj.project(a), proj.project(b));
        let planar = ((pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2)).sqrt();
        let great_circle = haversine_m(a, b);
        assert!(
            (planar - great_circle).abs() / great_circle < 0.005,
            "{planar} vs {great_circle}"
        );
        let back = proj.unproject(pa);
        assert!((back[0] - a[0]).abs() < 1e-9 && (back[1] - a[1]).abs() < 1e-9);
    }
}

//! Coordinate reference systems of user files: WGS84 (OpenStreetMap, GPS; the default and the
//! only system inside the engine), GCJ-02 (China's "Mars coordinates": Amap/高德, Tencent/腾讯,
//! Google Maps in China) and BD-09 (Baidu/百度). GCJ-02 and BD-09 positions lie 300-700 m off
//! WGS84 in mainland China, enough to snap an order onto the wrong street.
//!
//! Inputs that declare `gcj02` or `bd09` are converted to WGS84 when read, outputs may be
//! converted back for display on Chinese basemaps; both directions use the `coordtransform`
//! crate (its inverse is refined numerically, round trips agree to about 1e-9 degrees; outside
//! the mainland, where GCJ-02 is not applied, positions pass unchanged).
//!
//! Invariant: nothing outside `io` and `cli` ever sees a non-WGS84 coordinate.

use serde::Deserialize;

/// A coordinate reference system a file may declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Crs {
    /// WGS84 longitude, latitude in degrees (EPSG:4326 axis order lon, lat as in GeoJSON).
    #[default]
    Wgs84,
    /// GCJ-02, used by Amap, Tencent and other map services licensed in mainland China.
    Gcj02,
    /// BD-09, Baidu's system (GCJ-02 with a further offset).
    Bd09,
}

impl Crs {
    /// Names accepted in files and on the command line (case-insensitive): `wgs84` (also
    /// `EPSG:4326`, `CRS84` and the OGC URNs of both), `gcj02` (also `GCJ-02`), `bd09` (also
    /// `BD-09`).
    pub fn parse(text: &str) -> Result<Crs, String> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "wgs84"
            | "wgs-84"
            | "epsg:4326"
            | "crs84"
            | "urn:ogc:def:crs:ogc:1.3:crs84"
            | "urn:ogc:def:crs:epsg::4326" => Ok(Crs::Wgs84),
            "gcj02" | "gcj-02" => Ok(Crs::Gcj02),
            "bd09" | "bd-09" | "bd09ll" => Ok(Crs::Bd09),
            _ => Err(format!(
                "unknown coordinate system `{text}` (wgs84, gcj02 or bd09)"
            )),
        }
    }

    /// The short name used in files: `wgs84`, `gcj02`, `bd09`.
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }

    /// `[lon, lat]` in this system to WGS84.
    pub fn to_wgs84(self, [lon, lat]: [f64; 2]) -> [f64; 2] {
        let (x, y) = match self {
            Crs::Wgs84 => (lon, lat),
            Crs::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
            Crs::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
        };
        [x, y]
    }

    /// WGS84 `[lon, lat]` to this system.
    pub fn from_wgs84(self, [lon, lat]: [f64; 2]) -> [f64; 2] {
        let (x, y) = match self {
            Crs::Wgs84 => (lon, lat),
            Crs::Gcj02 => coordtransform::wgs84_to_gcj02(lon, lat),
            Crs::Bd09 => coordtransform::wgs84_to_bd09(lon, lat),
        };
        [x, y]
    }
}

impl TryFrom<String> for Crs {
    type Error = String;
    fn try_from(text: String) -> Result<Crs, String> {
        Crs::parse(&text)
    }
}

impl std::str::FromStr for Crs {
    type Err = String;
    fn from_str(text: &str) -> Result<Crs, String> {
        Crs::parse(text)
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The system named by a GeoJSON object's `crs` member (the 2008 GeoJSON form
/// `{"type": "name", "properties": {"name": "…"}}`, or a plain string), if it has one.
pub fn geojson_crs(value: &serde_json::Value) -> Result<Option<Crs>, String> {
    let Some(member) = value.get("crs") else {
        return Ok(None);
    };
    let name = member
        .as_str()
        .or_else(|| member.pointer("/properties/name").and_then(|n| n.as_str()));
    match name {
        Some(n) => Crs::parse(n).map(Some).map_err(|e| format!("$.crs: {e}")),
        None => Err(
            "$.crs: expected {\"type\": \"name\", \"properties\": {\"name\": \"gcj02\"}} or a name"
                .into(),
        ),
    }
}

/// The system to use for a file: the one declared for it (scenario or policy TOML, command
/// line) and the file's own `crs` member must agree when both are given; WGS84 when neither is.
pub fn resolve(declared: Option<Crs>, in_file: Option<Crs>) -> Result<Crs, String> {
    match (declared, in_file) {
        (Some(d), Some(f)) if d != f => Err(format!(
            "$.crs: the file says `{f}` but `{d}` is declared for it"
        )),
        (Some(c), _) | (None, Some(c)) => Ok(c),
        (None, None) => Ok(Crs::Wgs84),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
        (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol
    }

    /// The widely published values for the point (116.404, 39.915) near Tiananmen, Beijing,
    /// from the reference implementation wandergis/coordtransform (`test/app.js`, also the
    /// README of that project and of its ports):
    /// wgs84togcj02 → [116.41024449916938, 39.91640428150164],
    /// gcj02towgs84 → [116.39775550083061, 39.91359571849836],
    /// gcj02tobd09  → [116.41036949371029, 39.92133699351021],
    /// bd09togcj02  → [116.39762729119315, 39.90865673957631].
    /// The forward formulas are exact; the published inverses are the one-step approximation,
    /// which the refined inverse used here improves on by well under a metre.
    #[test]
    fn published_beijing_values() {
        let p = [116.404, 39.915];
        assert!(close(
            Crs::Gcj02.from_wgs84(p),
            [116.41024449916938, 39.91640428150164],
            1e-12
        ));
        // GCJ-02 → WGS84: within 1e-5 degrees (about a metre) of the one-step value, and an
        // exact inverse of the forward formula.
        let back = Crs::Gcj02.to_wgs84(p);
        assert!(close(back, [116.39775550083061, 39.91359571849836], 1e-5));
        assert!(close(Crs::Gcj02.from_wgs84(back), p, 1e-9));
        // BD-09 is GCJ-02 plus Baidu's offset: WGS84 → BD-09 is gcj02tobd09(wgs84togcj02(p)).
        let gcj_to_bd = coordtransform::gcj02_to_bd09(p[0], p[1]);
        assert!(close(
            [gcj_to_bd.0, gcj_to_bd.1],
            [116.41036949371029, 39.92133699351021],
            1e-12
        ));
        let bd_to_gcj = coordtransform::bd09_to_gcj02(p[0], p[1]);
        assert!(close(
            [bd_to_gcj.0, bd_to_gcj.1],
            [116.39762729119315, 39.90865673957631],
            1e-5
        ));
        let bd = Crs::Bd09.from_wgs84(p);
        assert!(close(Crs::Bd09.to_wgs84(bd), p, 1e-9));
        let gcj = Crs::Gcj02.from_wgs84(p);
        let bd_via = coordtransform::gcj02_to_bd09(gcj[0], gcj[1]);
        assert!(close(bd, [bd_via.0, bd_via.1], 1e-12));
        // The offsets are hundreds of metres: 0.006 degrees of longitude is about 510 m here.
        assert!((gcj[0] - p[0]).abs() > 0.005 && (bd[0] - p[0]).abs() > 0.01);
    }

    #[test]
    fn outside_mainland_china_nothing_moves_and_names_parse() {
        let helsinki = [24.94, 60.17];
        assert_eq!(Crs::Gcj02.to_wgs84(helsinki), helsinki);
        assert_eq!(Crs::Bd09.from_wgs84(helsinki), helsinki);
        assert_eq!(Crs::parse("GCJ-02"), Ok(Crs::Gcj02));
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"), Ok(Crs::Wgs84));
        assert_eq!("bd09".parse::<Crs>(), Ok(Crs::Bd09));
        assert!(Crs::parse("mars").unwrap_err().contains("`mars`"));
        let v: serde_json::Value =
            serde_json::from_str(r#"{"crs": {"type": "name", "properties": {"name": "gcj02"}}}"#)
                .unwrap();
        assert_eq!(geojson_crs(&v), Ok(Some(Crs::Gcj02)));
        assert_eq!(resolve(None, Some(Crs::Gcj02)), Ok(Crs::Gcj02));
        assert!(resolve(Some(Crs::Bd09), Some(Crs::Gcj02)).is_err());
    }
}

//! The file-format layer: reading user files (TOML, CSV, GeoJSON) into core types and writing
//! results. The only layer besides the CLI that derives `Serialize`/`Deserialize`.
//!
//! Invariants: every error names the file and the record (line, table index, JSON path);
//! validation collects all problems of a file before failing; outputs are written to a temporary
//! file in the target folder and renamed into place, so nothing is ever half-written, and output
//! folders that form one set (a plan, a share report, a two-tier comparison) are written to a
//! temporary sibling folder and renamed over the target ([`atomic::write_dir_atomically`]).

pub mod atomic;
pub mod bays;
pub mod classes;
pub mod features;
pub mod matrix_out;
pub mod plan_in;
pub mod plan_out;
pub mod points;
pub mod policy;
pub mod scenario;
pub mod share_out;
pub mod stations;
pub mod sweep;
pub mod two_tier;
pub mod zones;

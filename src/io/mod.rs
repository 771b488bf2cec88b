//! The file-format layer: reading user files (TOML, CSV, GeoJSON) into core types and writing
//! results. The only layer besides the CLI that derives `Serialize`/`Deserialize`.
//!
//! Every reader returns one error shape, [`file::FileError`] (which file; cannot read, syntax
//! with line and column, or every problem with its record), and reads its text with
//! [`file::read_text`]; every CSV goes through the `csv` crate ([`table`]: quoted fields, CRLF,
//! a byte order mark, `#` comments); coordinates may be declared in GCJ-02 or BD-09 and are WGS84
//! once read ([`crs`]).
//!
//! Invariants: every error names the file and the record (line, table index, JSON path);
//! validation collects all problems of a file before failing; outputs are written to a temporary
//! file in the target folder and renamed into place, so nothing is ever half-written, and output
//! folders that form one set (a plan, a share report, a two-tier comparison) are written to a
//! temporary sibling folder and renamed over the target ([`atomic::write_dir_atomically`]).
//! The runs of a sharded sweep or share table are files too ([`runs`]): one result per run under
//! its content hash, and a manifest, in a results folder that every shard of a cluster job sees.

pub mod atomic;
pub mod bays;
pub mod classes;
pub mod crs;
pub mod features;
pub mod file;
pub mod lockers;
pub mod matrix_out;
pub mod plan_in;
pub mod plan_out;
pub mod points;
pub mod policy;
pub mod runs;
pub mod scenario;
pub mod share_out;
pub mod stations;
pub mod sweep;
pub mod table;
pub mod traffic;
pub mod two_tier;
pub mod zones;

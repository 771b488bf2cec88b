//! Runs as data: content hashes, the shared results folder, and its manifest.
//!
//! A sweep (one run per variant) or a share table (one run per coalition) is a list of runs. Each
//! run is named by a SHA-256 content hash of everything that decides its result: the scenario's
//! content (the scenario file and every file it reads, see [`content_hash`]), what the run
//! changes or selects (a variant's table, a coalition's members), and the seed and budget. Its
//! result is one file, `DIR/runs/HASH.json`, written atomically, so a process killed part-way
//! leaves either the whole result or none. Before a run starts its shard leaves
//! `DIR/runs/HASH.started` (shard, process id, host), removed once the result is in: a run with a
//! marker and no result was started and never finished. `DIR/manifest.json` says which command
//! the folder belongs to and lists its runs, so `cityfreight merge DIR` knows what to expect.
//!
//! A result file: `{"format": 1, "run": HASH, "kind": KIND, "name": NAME, "status": "done",
//! "result": {...}}`, or `"status": "error"` with `"error": "..."` for a run that could not
//! finish (its shard reports it; a re-run of the shard plans it again).
//!
//! Owns: [`content_hash`], [`run_hash`], [`RunStore`], [`Manifest`]. Must never: decide what a
//! result means (the sweep and share layers parse their own `result`), or keep a result whose
//! `run` field is not its file's hash.
//! Invariants: a hash depends only on bytes (never on paths, times or the machine), so shards on
//! different hosts agree; a file in `runs/` is complete or absent.

use super::atomic::{write_atomically, write_atomically_unsynced};
use super::file::FileError;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The format of result and manifest files.
const FORMAT: u64 = 1;

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (hex) over the named inputs, in order: for each, its role, its length and its bytes.
/// File names and folders do not enter, so a scenario copied elsewhere hashes the same.
pub fn content_hash(inputs: &[(String, PathBuf)]) -> Result<String, FileError> {
    let mut h = Sha256::new();
    h.update(b"cityfreight inputs 1\n");
    for (role, path) in inputs {
        let bytes = std::fs::read(path).map_err(|e| FileError::read(path, "scenario input", e))?;
        h.update(format!("{role}\n{}\n", bytes.len()).as_bytes());
        h.update(&bytes);
    }
    Ok(hex(&h.finalize()))
}

/// The content hash of the scenario at `path`: its file and every file it reads
/// ([`super::scenario::scenario_inputs`]).
pub fn scenario_hash(path: &Path) -> Result<String, FileError> {
    content_hash(&super::scenario::scenario_inputs(path)?)
}

/// A run's hash: SHA-256 (hex) of its kind, the scenario's content hash and the key (what the run
/// changes or selects, with the seed and budget in force).
pub fn run_hash(kind: &str, content: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("cityfreight run 1\n{kind}\n{content}\n").as_bytes());
    h.update(key.as_bytes());
    hex(&h.finalize())
}

/// What the results folder holds for one run.
#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// No result and no start marker.
    Missing,
    /// Started (the marker's text: shard, pid, host) but never finished.
    Started(String),
    /// Finished: its `result` member.
    Done(Value),
    /// The run stopped with this error.
    Failed(String),
    /// A result file that cannot be used (unreadable, another run's, another format): why.
    Invalid(String),
}

/// The `runs/` folder of a results folder.
#[derive(Clone, Debug)]
pub struct RunStore {
    dir: PathBuf,
}

impl RunStore {
    /// The runs of results folder `dir` (created on the first write).
    pub fn new(dir: &Path) -> RunStore {
        RunStore {
            dir: dir.join("runs"),
        }
    }

    fn result_path(&self, hash: &str) -> PathBuf {
        self.dir.join(format!("{hash}.json"))
    }

    fn marker_path(&self, hash: &str) -> PathBuf {
        self.dir.join(format!("{hash}.started"))
    }

    /// The state of run `hash`.
    pub fn state(&self, hash: &str) -> RunState {
        let path = self.result_path(hash);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return match std::fs::read_to_string(self.marker_path(hash)) {
                    Ok(m) => RunState::Started(m.trim().to_string()),
                    Err(_) => RunState::Missing,
                }
            }
            Err(e) => return RunState::Invalid(format!("{}: {e}", path.display())),
        };
        let v: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => return RunState::Invalid(format!("{}: not JSON: {e}", path.display())),
        };
        if v["format"] != FORMAT {
            return RunState::Invalid(format!(
                "{}: format {} (this version writes {FORMAT})",
                path.display(),
                v["format"]
            ));
        }
        if v["run"] != hash {
            return RunState::Invalid(format!(
                "{}: holds run {} instead",
                path.display(),
                v["run"]
            ));
        }
        match v["status"].as_str() {
            Some("done") => RunState::Done(v["result"].clone()),
            Some("error") => RunState::Failed(v["error"].as_str().unwrap_or("").to_string()),
            _ => RunState::Invalid(format!("{}: no `status`", path.display())),
        }
    }

    /// The finished result of run `hash`, if there is one.
    pub fn done(&self, hash: &str) -> Option<Value> {
        match self.state(hash) {
            RunState::Done(v) => Some(v),
            _ => None,
        }
    }

    /// Leave the start marker of run `hash` (`who`: shard, pid, host).
    pub fn mark_started(&self, hash: &str, who: &str) -> Result<(), FileError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| FileError::write(&self.dir, "results folder", e))?;
        let path = self.marker_path(hash);
        write_atomically_unsynced(&path, format!("{who}\n").as_bytes())
            .map_err(|e| FileError::write(&path, "run marker", e))
    }

    fn write(&self, hash: &str, record: &Value) -> Result<(), FileError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| FileError::write(&self.dir, "results folder", e))?;
        let path = self.result_path(hash);
        // Not synced: a result cut short by a machine crash reads as invalid and is planned again.
        write_atomically_unsynced(
            &path,
            &serde_json::to_vec_pretty(record).unwrap_or_default(),
        )
        .map_err(|e| FileError::write(&path, "run result", e))?;
        std::fs::remove_file(self.marker_path(hash)).ok();
        Ok(())
    }

    /// Store the result of run `hash` (atomically), and remove its start marker.
    pub fn store_done(
        &self,
        hash: &str,
        kind: &str,
        name: &str,
        result: Value,
    ) -> Result<(), FileError> {
        self.write(
            hash,
            &json!({"format": FORMAT, "run": hash, "kind": kind, "name": name, "status": "done", "result": result}),
        )
    }

    /// Record that run `hash` stopped with `error`.
    pub fn store_error(
        &self,
        hash: &str,
        kind: &str,
        name: &str,
        error: &str,
    ) -> Result<(), FileError> {
        self.write(
            hash,
            &json!({"format": FORMAT, "run": hash, "kind": kind, "name": name, "status": "error", "error": error}),
        )
    }
}

/// Who is running: `shard I/N, pid P, host H` (for start markers).
pub fn who(shard: &crate::shard::Shard) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "?".into());
    format!("shard {shard}, pid {}, host {host}", std::process::id())
}

/// One run of a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestRun {
    /// Variant name, or coalition members joined by `+`.
    pub name: String,
    /// Its hash.
    pub hash: String,
}

/// What a results folder belongs to: the command, its input and options, and the runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// `sweep` or `share`.
    pub kind: String,
    /// The sweep file or the scenario (absolute).
    pub input: PathBuf,
    /// Where the tables go (for `share`: its `--out`; for `sweep`: the results folder).
    pub out: PathBuf,
    /// Command options that shape the run list or the budget (`iterations`, `time_limit_s`,
    /// `permutations`), as given.
    pub options: Value,
    /// How many shards the runs were split into (1: one process).
    pub shards: usize,
    /// The runs, in list order.
    pub runs: Vec<ManifestRun>,
}

const MANIFEST: &str = "manifest.json";

/// An absolute form of `path` (relative paths against the current folder).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Manifest {
    /// Write `DIR/manifest.json` atomically (every shard writes the same bytes).
    pub fn write(&self, dir: &Path) -> Result<(), FileError> {
        std::fs::create_dir_all(dir).map_err(|e| FileError::write(dir, "results folder", e))?;
        let v = json!({
            "format": FORMAT,
            "kind": self.kind,
            "input": self.input.to_string_lossy(),
            "out": self.out.to_string_lossy(),
            "options": self.options,
            "shards": self.shards,
            "runs": self.runs.iter().map(|r| json!({"name": r.name, "hash": r.hash})).collect::<Vec<_>>(),
        });
        let path = dir.join(MANIFEST);
        write_atomically(&path, &serde_json::to_vec_pretty(&v).unwrap_or_default())
            .map_err(|e| FileError::write(&path, "manifest", e))
    }

    /// Read `DIR/manifest.json`; every problem is named.
    pub fn read(dir: &Path) -> Result<Manifest, FileError> {
        const WHAT: &str = "manifest";
        let path = dir.join(MANIFEST);
        let text = super::file::read_text(&path, WHAT)?;
        let v = super::file::parse_json(&path, WHAT, &text)?;
        let mut problems = Vec::new();
        if v["format"] != FORMAT {
            problems.push(format!(
                "`format` is {} (this version reads {FORMAT})",
                v["format"]
            ));
        }
        let text_of = |key: &str, problems: &mut Vec<String>| match v[key].as_str() {
            Some(s) => s.to_string(),
            None => {
                problems.push(format!("`{key}` is missing or not a string"));
                String::new()
            }
        };
        let kind = text_of("kind", &mut problems);
        if !kind.is_empty() && kind != "sweep" && kind != "share" {
            problems.push(format!("`kind` is `{kind}`, not `sweep` or `share`"));
        }
        let input = PathBuf::from(text_of("input", &mut problems));
        let out = PathBuf::from(text_of("out", &mut problems));
        let shards = v["shards"].as_u64().unwrap_or_else(|| {
            problems.push("`shards` is missing or not a whole number".into());
            1
        }) as usize;
        let mut runs = Vec::new();
        match v["runs"].as_array() {
            None => problems.push("`runs` is missing or not a list".into()),
            Some(list) => {
                for (i, r) in list.iter().enumerate() {
                    match (r["name"].as_str(), r["hash"].as_str()) {
                        (Some(name), Some(hash)) => runs.push(ManifestRun {
                            name: name.to_string(),
                            hash: hash.to_string(),
                        }),
                        _ => problems.push(format!("`runs[{i}]` needs `name` and `hash`")),
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(FileError::invalid(&path, WHAT, problems));
        }
        Ok(Manifest {
            kind,
            input,
            out,
            options: v["options"].clone(),
            shards: shards.max(1),
            runs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_bytes_not_on_paths() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        std::fs::write(&a, "same").unwrap();
        std::fs::write(&b, "same").unwrap();
        let one = content_hash(&[("x".into(), a.clone())]).unwrap();
        assert_eq!(one, content_hash(&[("x".into(), b.clone())]).unwrap());
        assert_eq!(one.len(), 64);
        // Another role, other bytes, or the same bytes split differently: another hash.
        assert_ne!(one, content_hash(&[("y".into(), a.clone())]).unwrap());
        std::fs::write(&b, "samf").unwrap();
        assert_ne!(one, content_hash(&[("x".into(), b.clone())]).unwrap());
        std::fs::write(&a, "sa").unwrap();
        std::fs::write(&b, "me").unwrap();
        let split = content_hash(&[("x".into(), a.clone()), ("x".into(), b)]).unwrap();
        std::fs::write(&a, "s").unwrap();
        let c = dir.path().join("c.txt");
        std::fs::write(&c, "ame").unwrap();
        assert_ne!(
            split,
            content_hash(&[("x".into(), a), ("x".into(), c)]).unwrap()
        );
        // A known value: SHA-256 is the same on every platform.
        assert_eq!(
            run_hash("k", "c", "key"),
            hex(&Sha256::digest(b"cityfreight run 1\nk\nc\nkey"))
        );
        assert_ne!(run_hash("k", "c", "key"), run_hash("k", "c", "key2"));
    }

    #[test]
    fn a_store_tells_missing_started_done_failed_and_invalid_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::new(dir.path());
        let h = run_hash("t", "c", "1");
        assert_eq!(store.state(&h), RunState::Missing);
        store.mark_started(&h, "shard 0/2, pid 1, host x").unwrap();
        assert_eq!(
            store.state(&h),
            RunState::Started("shard 0/2, pid 1, host x".into())
        );
        store.store_done(&h, "t", "one", json!({"v": 1})).unwrap();
        assert_eq!(store.state(&h), RunState::Done(json!({"v": 1})));
        assert!(!dir.path().join(format!("runs/{h}.started")).exists());
        store.store_error(&h, "t", "one", "boom").unwrap();
        assert_eq!(store.state(&h), RunState::Failed("boom".into()));
        // Another run's result under this name, or a truncated file: not used.
        let other = run_hash("t", "c", "2");
        std::fs::copy(
            dir.path().join(format!("runs/{h}.json")),
            dir.path().join(format!("runs/{other}.json")),
        )
        .unwrap();
        assert!(matches!(store.state(&other), RunState::Invalid(e) if e.contains("holds run")));
        std::fs::write(dir.path().join(format!("runs/{other}.json")), "{\"form").unwrap();
        assert!(matches!(store.state(&other), RunState::Invalid(e) if e.contains("not JSON")));
    }

    #[test]
    fn a_manifest_reads_back_and_names_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest {
            kind: "sweep".into(),
            input: "/data/sweep.toml".into(),
            out: dir.path().to_path_buf(),
            options: json!({}),
            shards: 3,
            runs: vec![ManifestRun {
                name: "baseline".into(),
                hash: run_hash("t", "c", "1"),
            }],
        };
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"format": 1, "kind": "plan", "runs": [{"name": "a"}]}"#,
        )
        .unwrap();
        let e = Manifest::read(dir.path()).unwrap_err().to_string();
        for part in ["`plan`", "`input`", "`out`", "`shards`", "`runs[0]`"] {
            assert!(e.contains(part), "{part} in {e}");
        }
    }
}

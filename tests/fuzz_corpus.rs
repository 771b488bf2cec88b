//! Replays every file of every fuzz corpus (`fuzz/corpus/TARGET/`) and every input that once
//! crashed a target (`fuzz/artifacts/TARGET/`) through the same reader calls as the fuzz targets
//! (`fuzz/readers.rs`, shared with `#[path]`), on the stable toolchain: no reader may panic, and
//! every error of a path-based reader names a file. The fuzzers themselves need nightly and
//! cargo-fuzz (see README, "Fuzzing"); this test needs neither.

#[path = "../fuzz/readers.rs"]
mod readers;

use std::path::{Path, PathBuf};

/// The files of `fuzz/KIND/TARGET/`, sorted (none when the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("list a corpus folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Every problem found replaying one target's corpus and artifacts, one line per input.
fn replay(target: readers::Target) -> (usize, Vec<String>) {
    let work = tempfile::tempdir().expect("a temporary folder");
    readers::prepare(work.path());
    let files: Vec<PathBuf> = ["corpus", "artifacts"]
        .iter()
        .flat_map(|kind| inputs(kind, target.name))
        .collect();
    let mut problems = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("read a corpus file");
        let outcome = std::panic::catch_unwind(|| readers::run(target, work.path(), &data));
        match outcome {
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                problems.push(format!("{}: panicked: {why}", file.display()));
            }
            Ok(failures) => {
                for failure in failures {
                    if let Err(why) = readers::check_names_file(target, work.path(), &failure) {
                        problems.push(format!("{}: {why}", file.display()));
                    }
                }
            }
        }
    }
    (files.len(), problems)
}

#[test]
fn every_corpus_replays_without_panics_and_errors_name_their_file() {
    let mut problems = Vec::new();
    let mut total = 0;
    for &target in readers::TARGETS {
        let (count, found) = replay(target);
        assert!(count > 0, "target `{}` has an empty corpus", target.name);
        total += count;
        problems.extend(found);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(total >= readers::TARGETS.len());
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for target in readers::TARGETS {
        let file = dir.join(format!("{}.rs", target.name));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            text.contains(&format!("readers::target(\"{}\")", target.name)),
            "{} must fuzz target `{}`",
            file.display(),
            target.name
        );
    }
}

#[test]
fn the_demo_files_are_read_without_errors() {
    // The companions are valid, so a corpus input's failure is its own.
    let work = tempfile::tempdir().expect("a temporary folder");
    readers::prepare(work.path());
    let scenario = std::fs::read(work.path().join("scenario.toml")).expect("scenario");
    let failures = readers::run(readers::target("scenario"), work.path(), &scenario);
    assert!(failures.is_empty(), "{failures:?}");
}

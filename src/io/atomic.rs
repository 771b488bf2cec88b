//! Write-then-rename: an output file is either complete or absent, never half-written, and an
//! output folder (a plan's set of files) is either the whole new set or the whole old one.
//!
//! Owns: [`write_atomically`] (one file), [`write_atomically_unsynced`] (one file a reader
//! checks) and [`write_dir_atomically`] (a folder as one set).
//! Must never: leave a temporary file or folder behind on success.
//! Invariants: a folder is written into a temporary sibling (same parent, so the rename stays on
//! one file system) and renamed over the target; an existing target is first renamed away and
//! removed only after the new folder is in place. A failure while writing leaves the old folder
//! untouched. Between the two renames (microseconds) the target name is briefly absent.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `contents` to `path` via a temporary file in the same folder, then rename it into place.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// [`write_atomically`] without forcing the bytes to disk first: a crashed *process* still leaves
/// the whole file or none, but a crash of the *machine* may leave an empty one. For files whose
/// reader checks them and makes them again when they are bad (the run results of
/// [`super::runs`], thousands of small files where a sync each would cost more than the runs).
pub fn write_atomically_unsynced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Why a folder could not be written as one set.
#[derive(Debug, thiserror::Error)]
pub enum DirError<E> {
    /// Making, renaming or removing a folder failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the contents failed (the old folder, if any, is untouched).
    #[error(transparent)]
    Write(E),
}

/// Make `dir` hold exactly what `fill` writes into the (empty, temporary) folder it is given:
/// `fill` writes into a temporary sibling of `dir`, which is then renamed over `dir`. If `fill`
/// fails, the temporary folder is removed and `dir` keeps its old contents.
pub fn write_dir_atomically<E>(
    dir: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), DirError<E>> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DirError::Io { path, source }
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    fill(tmp.path()).map_err(DirError::Write)?;
    let new = tmp.keep();
    let old = if dir.exists() {
        // A fresh name beside the target for the old folder, removed once the new one is in.
        let slot = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(parent)
            .map_err(io(parent))?
            .keep();
        let old = slot.join("previous");
        if let Err(e) = std::fs::rename(dir, &old) {
            std::fs::remove_dir_all(&new).ok();
            std::fs::remove_dir_all(&slot).ok();
            return Err(io(dir)(e));
        }
        Some((slot, old))
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&new, dir) {
        // Put the old folder back.
        if let Some((slot, old)) = &old {
            std::fs::rename(old, dir).ok();
            std::fs::remove_dir_all(slot).ok();
        }
        std::fs::remove_dir_all(&new).ok();
        return Err(io(dir)(e));
    }
    if let Some((slot, _)) = old {
        std::fs::remove_dir_all(&slot).map_err(io(&slot))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_folder_is_replaced_as_one_set_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // First run: a new folder.
        write_dir_atomically(&out, |d| {
            std::fs::write(d.join("a.txt"), "1")?;
            std::fs::write(d.join("b.txt"), "1")
        })
        .unwrap();
        assert_eq!(listing(&out), ["a.txt", "b.txt"]);
        // A run that fails after its first file: the old set stays, nothing new appears.
        let failed = write_dir_atomically(&out, |d| {
            std::fs::write(d.join("a.txt"), "2")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(failed, Err(DirError::Write(_))));
        assert_eq!(listing(&out), ["a.txt", "b.txt"]);
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "1");
        // A successful run replaces the whole set, stale files included.
        write_dir_atomically(&out, |d| std::fs::write(d.join("c.txt"), "3")).unwrap();
        assert_eq!(listing(&out), ["c.txt"]);
        // No temporary folders are left beside it.
        assert_eq!(listing(root.path()), ["out"]);
    }
}

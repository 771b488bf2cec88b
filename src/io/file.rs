//! One error shape for every user file, and the helpers that read a file's text and parse TOML
//! or JSON into it.
//!
//! A [`FileError`] names the file, says what kind of file it is ("scenario", "bays file", …) and
//! what went wrong: it could not be read or written, its syntax is broken (with line and column),
//! or it parsed but has problems, every one of them listed and each naming its record (`line 7`,
//! `[[carrier]] #2`, `$.features[3]`). Readers never return the first problem alone.
//!
//! Invariants: [`read_text`] strips a leading UTF-8 byte order mark (Excel's "CSV UTF-8" and
//! some Windows editors write one), so every reader sees the same text for the same content;
//! positions are 1-based.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a user file could not be used.
#[derive(Debug)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// What the file is, for messages: "scenario", "points file", "bays file", ….
    pub what: &'static str,
    /// What went wrong.
    pub kind: FileErrorKind,
}

/// What went wrong with a file.
#[derive(Debug)]
pub enum FileErrorKind {
    /// The file could not be read (missing, unreadable, not UTF-8).
    Read(std::io::Error),
    /// The file (or a file next to it, such as a sweep's stored result) could not be written.
    Write(std::io::Error),
    /// The text is not valid TOML/JSON, or has fields of the wrong type.
    Syntax {
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column (in characters), when the parser knows it.
        column: Option<usize>,
        /// The parser's message, without the position.
        message: String,
    },
    /// The file parsed but is not usable: every problem, each naming its record.
    Invalid(Vec<String>),
}

impl FileError {
    /// A file that could not be read.
    pub fn read(path: &Path, what: &'static str, source: std::io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            what,
            kind: FileErrorKind::Read(source),
        }
    }

    /// A file that could not be written.
    pub fn write(path: &Path, what: &'static str, source: std::io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            what,
            kind: FileErrorKind::Write(source),
        }
    }

    /// A file with these problems (each naming its record).
    pub fn invalid(path: &Path, what: &'static str, problems: Vec<String>) -> FileError {
        FileError {
            path: path.to_path_buf(),
            what,
            kind: FileErrorKind::Invalid(problems),
        }
    }

    /// The problems of an `Invalid` file (empty for the other kinds).
    pub fn problems(&self) -> &[String] {
        match &self.kind {
            FileErrorKind::Invalid(p) => p,
            _ => &[],
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, path) = (self.what, self.path.display());
        match &self.kind {
            FileErrorKind::Read(e) => write!(f, "cannot read {what} {path}: {e}"),
            FileErrorKind::Write(e) => write!(f, "cannot write {path}: {e}"),
            FileErrorKind::Syntax {
                line,
                column,
                message,
            } => {
                write!(f, "{what} {path}: ")?;
                match (line, column) {
                    (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
                    (Some(l), None) => write!(f, "line {l}: ")?,
                    _ => {}
                }
                write!(f, "{message}")
            }
            FileErrorKind::Invalid(problems) => write!(
                f,
                "{what} {path} has {} problem(s):\n  {}",
                problems.len(),
                problems.join("\n  ")
            ),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            FileErrorKind::Read(e) | FileErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}

/// The text of a user file, without a leading UTF-8 byte order mark.
pub fn read_text(path: &Path, what: &'static str) -> Result<String, FileError> {
    let mut text = std::fs::read_to_string(path).map_err(|e| FileError::read(path, what, e))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A TOML parse error of `text` as a syntax error with line and column.
pub fn toml_syntax(path: &Path, what: &'static str, text: &str, e: &toml::de::Error) -> FileError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_column(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    FileError {
        path: path.to_path_buf(),
        what,
        kind: FileErrorKind::Syntax {
            line,
            column,
            message: e.message().trim_end().to_string(),
        },
    }
}

/// Parse TOML `text` of the file at `path` into `T`.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
    text: &str,
) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| toml_syntax(path, what, text, &e))
}

/// Parse JSON `text` of the file at `path`.
pub fn parse_json(
    path: &Path,
    what: &'static str,
    text: &str,
) -> Result<serde_json::Value, FileError> {
    serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&position).unwrap_or(&full).to_string();
        FileError {
            path: path.to_path_buf(),
            what,
            kind: FileErrorKind::Syntax {
                line: (e.line() > 0).then_some(e.line()),
                column: (e.line() > 0).then_some(e.column()),
                message: format!("not JSON: {message}"),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_and_place() {
        let path = Path::new("dir/scenario.toml");
        let text = "name = \"x\"\nbad = = 1\n";
        let e = parse_toml::<toml::Table>(path, "scenario", text).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.starts_with("scenario dir/scenario.toml: line 2, column "),
            "{shown}"
        );
        let e = parse_json(Path::new("z.geojson"), "zones file", "{\n  \"a\": }").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("zones file z.geojson: line 2, column 8: not JSON: "),
            "{e}"
        );
        let e = FileError::invalid(path, "scenario", vec!["a".into(), "b".into()]);
        assert_eq!(
            e.to_string(),
            "scenario dir/scenario.toml has 2 problem(s):\n  a\n  b"
        );
        let e = read_text(Path::new("/no/such/file.csv"), "points file").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("cannot read points file /no/such/file.csv: "));
    }

    #[test]
    fn positions_count_characters_and_strip_the_bom() {
        assert_eq!(line_column("ab\n成都x", 2 + 1 + 6), (2, 3));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.csv");
        std::fs::write(&path, "\u{feff}id,lon,lat\n").unwrap();
        assert_eq!(read_text(&path, "points file").unwrap(), "id,lon,lat\n");
    }
}

//! Bearer tokens and roles: who may call what, and whose jobs a caller may see.
//!
//! Owns: [`Role`], [`Tokens`] (read from a TOML file) and [`Tokens::role_of`] (constant-time
//! comparison of the presented token against every known one). Must never: log, print, or put
//! a token into an error message or a job record (records keep the role only); stop comparing
//! at the first match (every token is compared, so timing does not tell which one matched).
//! Invariant: without a tokens file every caller is a [`Role::Planner`] (a local, trusted setup).

use serde::Deserialize;
use std::path::Path;
use subtle::ConstantTimeEq;

/// What a caller is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// City transport planner: everything, every job.
    Planner,
    /// Traffic police: checks, travel tables and routes; its own check jobs.
    Police,
    /// One express company: its own jobs only, and only its own part of a share.
    Carrier(String),
}

impl Role {
    /// Parse `planner`, `police` or `carrier:ID`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "planner" => Some(Role::Planner),
            "police" => Some(Role::Police),
            _ => text
                .strip_prefix("carrier:")
                .filter(|id| !id.is_empty())
                .map(|id| Role::Carrier(id.to_string())),
        }
    }

    /// The text form (for job records).
    pub fn label(&self) -> String {
        match self {
            Role::Planner => "planner".into(),
            Role::Police => "police".into(),
            Role::Carrier(id) => format!("carrier:{id}"),
        }
    }
}

/// The known tokens.
#[derive(Clone, Default)]
pub struct Tokens {
    entries: Vec<(Vec<u8>, Role)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tokens({} entries, redacted)", self.entries.len())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    token: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    role: String,
    secret: String,
}

/// Why a tokens file was refused (never quoting a secret).
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// Unreadable.
    #[error("{path}: {source}")]
    Read {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not the expected TOML.
    #[error("{path}: {message}")]
    Parse {
        /// File.
        path: String,
        /// What is wrong (TOML position, no secret).
        message: String,
    },
}

/// Shortest secret accepted.
pub const MIN_SECRET_LEN: usize = 16;

impl Tokens {
    /// Read a tokens file:
    /// ```toml
    /// [[token]]
    /// role = "carrier:sf"       # planner, police or carrier:ID
    /// secret = "at least 16 characters"
    /// ```
    /// Every problem is reported at once, by entry number.
    pub fn read(path: &Path) -> Result<Tokens, TokensError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|message| TokensError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parse the text of a tokens file.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        // The TOML error would quote the offending line, which may hold a secret: keep only
        // its position.
        let file: File = toml::from_str(text).map_err(|e| match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!(
                    "line {line}: not a tokens file ([[token]] tables with `role` and `secret`)"
                )
            }
            None => "not a tokens file ([[token]] tables with `role` and `secret`)".to_string(),
        })?;
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for (i, e) in file.token.iter().enumerate() {
            match Role::parse(&e.role) {
                Some(role) => entries.push((e.secret.as_bytes().to_vec(), role)),
                None => problems.push(format!(
                    "token {}: role `{}` is not planner, police or carrier:ID",
                    i + 1,
                    e.role
                )),
            }
            if e.secret.len() < MIN_SECRET_LEN {
                problems.push(format!(
                    "token {}: secret shorter than {MIN_SECRET_LEN} characters",
                    i + 1
                ));
            }
            if file.token[..i].iter().any(|p| p.secret == e.secret) {
                problems.push(format!("token {}: same secret as an earlier token", i + 1));
            }
        }
        if file.token.is_empty() {
            problems.push("no [[token]] entries".into());
        }
        if problems.is_empty() {
            Ok(Tokens { entries })
        } else {
            Err(problems.join("; "))
        }
    }

    /// The role of a presented secret, comparing it with every known one in constant time.
    pub fn role_of(&self, presented: &[u8]) -> Option<Role> {
        let mut found: Option<Role> = None;
        for (secret, role) in &self.entries {
            let equal: bool = secret.as_slice().ct_eq(presented).into();
            if equal && found.is_none() {
                found = Some(role.clone());
            }
        }
        found
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_secrets() {
        let t = Tokens::parse(
            "[[token]]\nrole = \"carrier:sf\"\nsecret = \"sf-0123456789abcdef\"\n[[token]]\nrole = \"police\"\nsecret = \"police-0123456789ab\"\n",
        )
        .unwrap();
        assert_eq!(
            t.role_of(b"sf-0123456789abcdef"),
            Some(Role::Carrier("sf".into()))
        );
        assert_eq!(t.role_of(b"police-0123456789ab"), Some(Role::Police));
        assert_eq!(t.role_of(b"sf-0123456789abcdeX"), None);
        assert_eq!(t.role_of(b""), None);
    }

    #[test]
    fn bad_files_name_every_entry_and_never_the_secret() {
        let e = Tokens::parse(
            "[[token]]\nrole = \"mayor\"\nsecret = \"short\"\n[[token]]\nrole = \"carrier:\"\nsecret = \"x123456789012345678\"\n",
        )
        .unwrap_err();
        assert!(e.contains("token 1: role `mayor`"), "{e}");
        assert!(e.contains("token 1: secret shorter"), "{e}");
        assert!(e.contains("token 2: role `carrier:`"), "{e}");
        assert!(
            !e.contains("x123456789012345678") && !e.contains("short\""),
            "{e}"
        );
        let e = Tokens::parse("[[token]]\nrole = \"police\"\nsecret = 12345678901234567890\n")
            .unwrap_err();
        assert!(e.starts_with("line "), "{e}");
        assert!(!e.contains("12345678901234567890"), "{e}");
    }
}

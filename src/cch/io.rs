//! The on-disk cache of a [`Cch`]: a versioned little-endian binary file.
//!
//! Owns the file format and the decision "reuse or rebuild". The only module of `cch` that
//! does I/O; never panics on a bad file, it returns an [`Error`].
//!
//! Layout (all integers little-endian):
//! `magic[8] = "CFCCH\0\r\n"`, `version: u32`, `fingerprint: u64` (of the topology, see
//! [`super::Topology::fingerprint`]), `node_count: u32`, `edge_count: u32`, `arc_count: u32`,
//! `rank: [u32; node_count]`, `up_first: [u32; node_count + 1]`, `up_head: [u32; arc_count]`,
//! `checksum: u64` (FNV-1a over every preceding byte). Everything else is derived on load.

use std::io::{Read, Write};
use std::path::Path;

use super::topology::Fnv64;
use super::{nested_dissection_order, Cch, Error, Topology};

const MAGIC: [u8; 8] = *b"CFCCH\0\r\n";
/// Version of the CCH file format written by this build.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 4 * 3;

impl Cch {
    /// Writes the structure in the versioned binary format.
    pub fn write_to<W: Write>(&self, mut out: W) -> Result<(), Error> {
        let mut bytes =
            Vec::with_capacity(HEADER_LEN + 4 * (self.rank.len() * 2 + 1 + self.up_head.len()) + 8);
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&self.fingerprint.to_le_bytes());
        for count in [self.node_count(), self.edge_count, self.arc_count()] {
            bytes.extend_from_slice(&count.to_le_bytes());
        }
        for list in [&self.rank, &self.up_first, &self.up_head] {
            list.iter()
                .for_each(|w| bytes.extend_from_slice(&w.to_le_bytes()));
        }
        let mut checksum = Fnv64::new();
        checksum.bytes(&bytes);
        bytes.extend_from_slice(&checksum.finish().to_le_bytes());
        out.write_all(&bytes)?;
        out.flush()?;
        Ok(())
    }

    /// Reads a structure written by [`Cch::write_to`] for the graph `topo`. A file built for
    /// another graph fails with [`Error::StaleTopology`].
    pub fn read_from<R: Read>(mut input: R, topo: &Topology) -> Result<Cch, Error> {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        let mut reader = Reader {
            bytes: &bytes,
            at: 0,
        };
        if reader.take(8)? != MAGIC {
            return Err(Error::BadMagic);
        }
        let version = reader.u32()?;
        if version != FORMAT_VERSION {
            return Err(Error::UnsupportedVersion {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        if bytes.len() < HEADER_LEN + 8 {
            return Err(Error::Corrupt {
                offset: bytes.len() as u64,
                problem: "truncated header",
            });
        }
        let body_len = bytes.len() - 8;
        let mut checksum = Fnv64::new();
        checksum.bytes(&bytes[..body_len]);
        let mut tail = Reader {
            bytes: &bytes,
            at: body_len,
        };
        if tail.u64()? != checksum.finish() {
            return Err(Error::Corrupt {
                offset: body_len as u64,
                problem: "checksum mismatch",
            });
        }
        let found = reader.u64()?;
        let expected = topo.fingerprint();
        if found != expected {
            return Err(Error::StaleTopology { expected, found });
        }
        let (n, m, arcs) = (reader.u32()?, reader.u32()?, reader.u32()?);
        if n != topo.node_count() || m != topo.edge_count() {
            return Err(Error::Corrupt {
                offset: 20,
                problem: "counts differ from the graph",
            });
        }
        let rank = reader.u32s(n as usize)?;
        let up_first = reader.u32s(n as usize + 1)?;
        let up_head = reader.u32s(arcs as usize)?;
        if reader.at != body_len {
            return Err(Error::Corrupt {
                offset: reader.at as u64,
                problem: "trailing bytes",
            });
        }
        Cch::from_parts(topo, rank, up_first, up_head).map_err(|problem| Error::Corrupt {
            offset: HEADER_LEN as u64,
            problem,
        })
    }

    /// Saves the structure to `path` (written to a temporary file, then renamed).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let at_path = |source: Error| Error::AtPath {
            path: path.to_path_buf(),
            source: Box::new(source),
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| at_path(e.into()))?;
        self.write_to(std::io::BufWriter::new(file.as_file_mut()))
            .map_err(at_path)?;
        file.persist(path).map_err(|e| at_path(e.error.into()))?;
        Ok(())
    }

    /// Loads the CCH cached at `path` if it matches `topo`; otherwise (no file, another graph,
    /// another format version, a corrupt file) builds it with [`nested_dissection_order`] and
    /// rewrites the cache. Fails only when the graph is invalid or the cache cannot be written.
    pub fn load_or_build(path: &Path, topo: &Topology) -> Result<Cch, Error> {
        if let Ok(file) = std::fs::File::open(path) {
            if let Ok(cch) = Cch::read_from(std::io::BufReader::new(file), topo) {
                return Ok(cch);
            }
        }
        let cch = Cch::new(topo, &nested_dissection_order(topo))?;
        cch.save(path)?;
        Ok(cch)
    }
}

/// Bounds-checked little-endian cursor.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::Corrupt {
                offset: self.at as u64,
                problem: "file is truncated",
            });
        };
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        let b = self.take(8)?;
        let mut word = [0u8; 8];
        word.copy_from_slice(b);
        Ok(u64::from_le_bytes(word))
    }

    fn u32s(&mut self, count: usize) -> Result<Vec<u32>, Error> {
        let len = count.checked_mul(4).ok_or(Error::Corrupt {
            offset: self.at as u64,
            problem: "array length overflows",
        })?;
        let b = self.take(len)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

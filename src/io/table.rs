//! CSV in and out, through the `csv` crate, the same way for every file.
//!
//! Reading ([`read_csv`]): the first record is the header; fields may be quoted (`"sf-001"`,
//! `"Chunxi Rd, No. 8"`, quoted fields spanning lines, `""` for a quote); line ends may be LF or
//! CRLF; lines starting with `#` are comments, and blank lines and rows whose every field is
//! empty (the `,,,,` rows spreadsheets leave) are skipped; fields are trimmed;
//! a leading UTF-8 byte order mark is ignored. Each record keeps the line it starts on, so
//! problems name it. Writing ([`CsvOut`]): fields are quoted only when they must be (a comma,
//! quote or line break inside), so ordinary values are written exactly as before.

/// A CSV file read into its header and records.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Header fields as written (trimmed).
    pub columns: Vec<String>,
    /// The data records.
    pub records: Vec<Record>,
}

/// One CSV record with the line it starts on.
#[derive(Clone, Debug)]
pub struct Record {
    /// 1-based line of the record's first character.
    pub line: u64,
    /// The fields, trimmed, quotes removed.
    pub fields: Vec<String>,
}

impl Table {
    /// The index of a column, compared case-insensitively.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }
}

/// Read CSV text; `None` when it has no header (empty, or only comments and blank lines).
/// Records may have any number of fields; each reader checks that against its header.
pub fn read_csv(text: &str) -> Result<Option<Table>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    // The reader reports where it stood after the previous record, before the line ends,
    // comment lines and blank lines it then skipped; the record's own line is counted here.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut start = (byte as usize).min(bytes.len());
        loop {
            match bytes.get(start) {
                Some(b'\r' | b'\n') => start += 1,
                Some(b'#') if start == 0 || bytes[start - 1] == b'\n' => {
                    while bytes.get(start).is_some_and(|&b| b != b'\n') {
                        start += 1;
                    }
                }
                _ => break,
            }
        }
        if start > counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = start;
        }
        line
    };
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        // A line of only spaces is a record with one empty field: blank, skip it.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(fields);
        } else {
            records.push(Record { line, fields });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(header.map(|columns| Table { columns, records }))
}

/// A CSV being written into memory, one record at a time.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    /// A CSV with this header.
    pub fn new<I, S>(header: I) -> CsvOut
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut out = CsvOut {
            writer: csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new()),
        };
        out.row(header);
        out
    }

    /// Append one record.
    pub fn row<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        // Writing into a Vec cannot fail, and flexible records never mismatch.
        self.writer
            .write_record(fields)
            .expect("writing CSV into memory");
    }

    /// The CSV bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }

    /// The CSV text (the fields were text, so it is UTF-8).
    pub fn into_string(self) -> String {
        String::from_utf8(self.into_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_bom_crlf_comments_and_blank_lines() {
        let text = "\u{feff}id,name ,lon\r\n# a comment\r\n\r\n\"sf-001\",\"春熙路, 8号\",104.1\r\n  \r\n,,\r\n\"a\"\"b\",\"two\nlines\",1\r\n";
        let t = read_csv(text).unwrap().unwrap();
        assert_eq!(t.columns, ["id", "name", "lon"]);
        assert_eq!(t.column("NAME"), Some(1));
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].fields, ["sf-001", "春熙路, 8号", "104.1"]);
        assert_eq!(t.records[0].line, 4);
        assert_eq!(t.records[1].fields, ["a\"b", "two\nlines", "1"]);
        assert_eq!(t.records[1].line, 7);
        assert!(read_csv("# only a comment\n\n").unwrap().is_none());
    }

    #[test]
    fn writes_quotes_only_where_needed_and_round_trips() {
        let mut out = CsvOut::new(["osm_way", "name", "hour"]);
        out.row(["1", "Renmin Road", "8"]);
        out.row(["2", "Chunxi Rd, \"North\"", "9"]);
        out.row(["3", "", "10"]);
        let text = out.into_string();
        assert_eq!(
            text,
            "osm_way,name,hour\n1,Renmin Road,8\n2,\"Chunxi Rd, \"\"North\"\"\",9\n3,,10\n"
        );
        let back = read_csv(&text).unwrap().unwrap();
        assert_eq!(back.records[1].fields[1], "Chunxi Rd, \"North\"");
    }
}

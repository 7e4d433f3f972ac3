//! A CSV export as a table of text cells, numbered as the spreadsheet the scheduler opens
//! shows it (the header is row 1; blank rows count; a quoted cell with a line break is
//! still one row). Spreadsheet habits: a UTF-8 byte-order mark, `;` (or tab) instead of
//! `,` when the header holds more of them, quoted cells, blank rows (skipped).

use super::cells::squash;
use super::error::{Fault, Place, RowError};

/// One data row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Spreadsheet row number.
    pub number: usize,
    /// Cells, trimmed; as many as the header has (missing ones empty).
    pub cells: Vec<String>,
}

/// A whole file.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// The file's name in messages (`visits.csv`).
    pub file: String,
    /// Header cells, trimmed.
    pub header: Vec<String>,
    /// The data rows that are not blank.
    pub rows: Vec<Row>,
}

impl Sheet {
    /// The column whose header matches `name` (letters and digits, any case), if any.
    pub fn column(&self, name: &str) -> Option<usize> {
        let want = squash(name);
        self.header.iter().position(|h| squash(h) == want)
    }

    /// The header as a message shows it.
    pub fn header_text(&self) -> String {
        self.header
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `;` or tab when the first non-blank line holds more of it than of `,`.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (c, s, t) = (
        first.matches(',').count(),
        first.matches(';').count(),
        first.matches('\t').count(),
    );
    if t > c.max(s) {
        b'\t'
    } else if s > c {
        b';'
    } else {
        b','
    }
}

/// Reads `text`; rows that cannot be read as CSV, or that hold more cells than the
/// header, come back as errors beside the sheet (the other rows are still read).
pub(crate) fn read(file: &str, text: &str) -> Result<(Sheet, Vec<RowError>), Box<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let at = |row: Option<usize>| Place {
        file: file.to_string(),
        row,
        column: None,
    };
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) if h.iter().any(|c| !c.is_empty()) => h.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(Box::new(RowError::new(at(Some(1)), Fault::NotCsv(e.to_string())))),
        _ => return Err(Box::new(RowError::new(at(None), Fault::Empty))),
    };
    // Line breaks inside quoted cells so far: a spreadsheet shows such a record as one row.
    let mut inner: usize = header.iter().map(|c| c.matches('\n').count()).sum();
    let mut lines = Lines {
        text: text.as_bytes(),
        counted_to: 0,
        line: 1,
    };
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for rec in records {
        match rec {
            Err(e) => {
                let line = lines.at(e.position().map_or(0, |p| p.byte() as usize));
                errors.push(RowError::new(
                    at(Some(line.saturating_sub(inner))),
                    Fault::NotCsv(e.to_string()),
                ));
            }
            Ok(rec) => {
                let number = lines
                    .at(rec.position().map_or(0, |p| p.byte() as usize))
                    .saturating_sub(inner);
                inner += rec.iter().map(|c| c.matches('\n').count()).sum::<usize>();
                if rec.iter().all(str::is_empty) {
                    continue;
                }
                if rec.len() > header.len() && rec.iter().skip(header.len()).any(|c| !c.is_empty()) {
                    errors.push(RowError::new(
                        at(Some(number)),
                        Fault::ExtraCells {
                            cells: rec.len(),
                            header: header.len(),
                        },
                    ));
                    continue;
                }
                let mut cells: Vec<String> = rec.iter().take(header.len()).map(str::to_string).collect();
                cells.resize(header.len(), String::new());
                rows.push(Row { number, cells });
            }
        }
    }
    Ok((
        Sheet {
            file: file.to_string(),
            header,
            rows,
        },
        errors,
    ))
}

/// Physical line numbers of byte offsets, counted incrementally (records come in order).
/// Not the csv reader's own line count: after a CRLF record end it reports the next
/// record on the line before.
struct Lines<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, byte: usize) -> usize {
        // A record's position may lie before the line break (and blank lines) ahead of it.
        let mut start = byte.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\n' | b'\r') {
            start += 1;
        }
        if start > self.counted_to {
            self.line += self.text[self.counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted_to = start;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_as_the_spreadsheet_shows_them() {
        let (s, e) = read(
            "v.csv",
            "\u{feff}Ref;Note\r\nv1;\"two\nlines\"\r\n\r\nv2;x\r\n;\r\n\r\n",
        )
        .unwrap();
        assert!(e.is_empty());
        assert_eq!(s.header, ["Ref", "Note"]);
        let got: Vec<_> = s.rows.iter().map(|r| (r.number, r.cells[0].as_str())).collect();
        assert_eq!(got, [(2, "v1"), (4, "v2")]);
        assert_eq!(s.column("ref"), Some(0));
    }

    #[test]
    fn extra_cells_and_empty_files() {
        let (s, e) = read("v.csv", "a,b\n1,2,3\n1\n").unwrap();
        assert_eq!(
            e[0].to_string(),
            "v.csv row 2: 3 cells but the header has 2 (quote a cell that holds the delimiter: \"a, b\")"
        );
        assert_eq!(s.rows[0].cells, ["1", ""]);
        assert_eq!(
            read("v.csv", "\n\n").unwrap_err().to_string(),
            "v.csv: the file is empty (expected a header row, then one row per entry)"
        );
    }
}

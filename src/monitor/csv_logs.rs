//! Visit logs from CSV, as spreadsheets and call-monitoring systems export them: a header
//! row (default `staff,visit,arrived,started,ended,note`, plus `client` and `date` where
//! the visit id is unknown; other names through [`LogColumns`]), `,` or `;` between cells
//! (whichever the header uses more), an optional UTF-8 byte-order mark, blank rows skipped.

use super::logs::{LogColumns, LogFileError, LogRead, LogSource, RawLog, RefusedRow};
use crate::model::InputErrorKind;

/// Where each field's cell is in a row (`None`: no such column).
struct Layout {
    cells: [Option<usize>; 8],
    header: Vec<String>,
}

impl Layout {
    /// The field's column as the file names it.
    fn name(&self, columns: &LogColumns, field: &'static str) -> String {
        let i = field_index(field);
        match self.cells[i] {
            Some(c) => self.header[c].clone(),
            None => columns.pairs()[i].1.to_string(),
        }
    }
}

fn field_index(field: &str) -> usize {
    super::logs::LOG_FIELDS
        .iter()
        .position(|f| *f == field)
        .expect("a log field")
}

/// `;` when the header line holds more semicolons than commas, else `,`.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn layout(header: &csv::StringRecord, columns: &LogColumns) -> Result<Layout, LogFileError> {
    columns.check()?;
    let header: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
    let mut cells = [None; 8];
    for (i, (_, name)) in columns.pairs().iter().enumerate() {
        let mut found = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name.trim()));
        cells[i] = found.next().map(|(c, _)| c);
        if let Some((c, _)) = found.next() {
            return Err(LogFileError::DuplicateColumn(header[c].clone()));
        }
    }
    let shown = if header.iter().all(|h| h.is_empty()) {
        "an empty row".to_string()
    } else {
        header.join(",")
    };
    let missing = |field: &'static str, fix: String| LogFileError::MissingColumn {
        field,
        column: columns.pairs()[field_index(field)].1.to_string(),
        found: shown.clone(),
        fix,
    };
    let fix = |field: &str| {
        format!(
            "name the column {field} in the header, or map your header's name to it \
             (--column {field}=NAME, or \"columns\": {{\"{field}\": \"NAME\"}})"
        )
    };
    for field in ["staff", "arrived", "ended"] {
        if cells[field_index(field)].is_none() {
            return Err(missing(field, fix(field)));
        }
    }
    if cells[field_index("visit")].is_none() && cells[field_index("client")].is_none() {
        return Err(missing(
            "visit",
            format!("{} (or give client and date columns)", fix("visit")),
        ));
    }
    Ok(Layout { cells, header })
}

/// Reads CSV visit logs. Each bad row is refused on its own with its row number (as a
/// spreadsheet numbers it: the header is row 1) and column; the rest are kept.
pub fn read_csv(text: &str, columns: &LogColumns) -> Result<LogRead, LogFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let default_header = LogColumns::default().pairs()[..6]
        .iter()
        .map(|p| p.1)
        .collect::<Vec<_>>()
        .join(",");
    let header = match records.next() {
        None => return Err(LogFileError::Empty(default_header)),
        Some(Err(e)) => return Err(LogFileError::Syntax(format!("row 1: {e}"))),
        Some(Ok(h)) => h,
    };
    let layout = layout(&header, columns)?;
    // Spreadsheet rows: physical lines, less the line breaks inside quoted cells (a
    // spreadsheet shows such a record as one row). The reader skips empty lines, which
    // spreadsheets count.
    let mut rows = Rows {
        text: text.as_bytes(),
        counted_to: 0,
        line: 1,
        inner: header.iter().map(|c| c.matches('\n').count()).sum(),
    };
    let name = |field: &'static str| layout.name(columns, field);
    let mut out = LogRead::default();
    for field in super::logs::LOG_FIELDS {
        out.columns.set(field, &name(field))?;
    }
    for rec in records {
        let (rec, row) = match rec {
            Ok(rec) => {
                let row = rows.row_of(rec.position().map_or(0, |p| p.byte() as usize));
                rows.inner += rec.iter().map(|c| c.matches('\n').count()).sum::<usize>();
                (rec, row)
            }
            Err(e) => {
                let byte = e.position().map_or(0, |p| p.byte() as usize);
                out.refused.push(RefusedRow::new(
                    LogSource::Row(rows.row_of(byte)),
                    None,
                    InputErrorKind::Syntax,
                    format!("not readable as CSV: {e}"),
                ));
                continue;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = LogSource::Row(row);
        let width = layout.header.len();
        if rec.len() > width && rec.iter().skip(width).any(|c| !c.trim().is_empty()) {
            out.refused.push(RefusedRow::new(
                at,
                None,
                InputErrorKind::WrongType,
                format!(
                    "{} cells but the header has {width}: quote cells that hold the delimiter (\"a, b\")",
                    rec.len()
                ),
            ));
            continue;
        }
        let cell = |field: &'static str| layout.cells[field_index(field)].and_then(|c| rec.get(c));
        // A row shorter than the header lacks the cells of the last columns.
        let short = ["staff", "visit", "client", "arrived", "ended"]
            .into_iter()
            .filter(|f| matches!(layout.cells[field_index(f)], Some(c) if c >= rec.len()))
            .find(|f| match *f {
                "visit" | "client" => cell("visit").is_none() && cell("client").is_none(),
                _ => true,
            });
        if let Some(field) = short {
            out.refused.push(RefusedRow::new(
                at,
                Some(&name(field)),
                InputErrorKind::MissingField,
                format!(
                    "missing: the row has {} cells but the header has {width} (a cell or delimiter left out?)",
                    rec.len()
                ),
            ));
            continue;
        }
        let raw = RawLog {
            staff: cell("staff"),
            visit: cell("visit"),
            client: cell("client"),
            date: cell("date"),
            arrived: cell("arrived"),
            started: cell("started"),
            ended: cell("ended"),
            note: cell("note"),
        };
        match raw.check(at, &name) {
            Ok(log) => out.records.push(log),
            Err(r) => out.refused.push(r),
        }
    }
    Ok(out)
}

/// Turns byte offsets of records into spreadsheet row numbers, counting line breaks
/// incrementally (records come in order).
struct Rows<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
    inner: usize,
}

impl Rows<'_> {
    fn row_of(&mut self, byte: usize) -> usize {
        // The reader reports a record at the start of any empty lines it skipped.
        let mut start = byte.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\n' | b'\r') {
            start += 1;
        }
        if start >= self.counted_to {
            self.line += self.text[self.counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted_to = start;
        }
        self.line - self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> LogRead {
        read_csv(text, &LogColumns::default()).unwrap()
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_does() {
        let r = read("staff,visit,arrived,started,ended,note\nann,v1,09:00,,09:30,\n\nann,v2,10:00,,x,\"a\nb\"\nann,v3,11:00,,y,\n\n\n");
        assert_eq!(r.records.len(), 1);
        let rows: Vec<_> = r.refused.iter().map(|e| e.row).collect();
        assert_eq!(rows, [Some(4), Some(5)]);
    }

    #[test]
    fn bom_semicolons_and_mapped_names() {
        let mut c = LogColumns::default();
        c.set("staff", "Carer").unwrap();
        c.set("arrived", "Check in").unwrap();
        c.set("ended", "Check out").unwrap();
        let r = read_csv(
            "\u{feff}Carer;Visit;Check in;Check out\r\nann;v1;09:00;09:30:00\r\n;;;\r\n",
            &c,
        )
        .unwrap();
        assert!(r.refused.is_empty(), "{:?}", r.refused);
        assert_eq!(r.records[0].ended, 570.0);
    }

    #[test]
    fn a_header_without_a_required_column_is_a_file_error() {
        let e = read_csv("staff,visit,arrived\n", &LogColumns::default()).unwrap_err();
        assert!(
            matches!(e, LogFileError::MissingColumn { field: "ended", .. }),
            "{e}"
        );
        assert!(read_csv("", &LogColumns::default()).is_err());
    }

    #[test]
    fn short_and_long_rows_are_refused() {
        let r = read("staff,visit,arrived,started,ended,note\nann,v1,09:00\nann,v1,09:00,,09:30,,extra\n");
        assert_eq!(r.refused[0].column.as_deref(), Some("ended"));
        assert_eq!(r.refused[0].row, Some(2));
        assert_eq!(r.refused[1].row, Some(3));
        assert!(r.refused[1].column.is_none());
    }
}

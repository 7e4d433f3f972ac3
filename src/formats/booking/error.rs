//! What can be wrong with a booking-system export, each fault with the file, the row as
//! the spreadsheet numbers it, the column as the header names it, the value and what was
//! expected, so the scheduler can fix the export without reading JSON:
//! `visits.csv row 17, column "Window To": 25:70 is not a time (expected ...)`.

use crate::model::{InputError, InputErrorKind};
use std::fmt;

/// Where a fault is: a file, maybe a row, maybe a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file's name (`visits.csv`) or `mapping`.
    pub file: String,
    /// Spreadsheet row (header = 1).
    pub row: Option<usize>,
    /// Header text of the column.
    pub column: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(r) = self.row {
            write!(f, " row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column \"{c}\"")?;
        }
        Ok(())
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Fault {
    /// No header row.
    #[error("the file is empty (expected a header row, then one row per entry)")]
    Empty,
    /// The csv reader gave up on a row.
    #[error("not readable as CSV: {0}")]
    NotCsv(String),
    /// More cells than header columns.
    #[error("{cells} cells but the header has {header} (quote a cell that holds the delimiter: \"a, b\")")]
    ExtraCells {
        /// Cells in the row.
        cells: usize,
        /// Columns in the header.
        header: usize,
    },
    /// A needed column is absent from the header.
    #[error("no column \"{column}\" for {field} (the header has {header}); name it in the mapping: [{section}] {field} = \"YOUR HEADER\"")]
    MissingColumn {
        /// The mapping section (`visits` or `staff`).
        section: &'static str,
        /// The mapping key.
        field: &'static str,
        /// The header text looked for.
        column: String,
        /// The header as found.
        header: String,
    },
    /// A needed cell is blank.
    #[error("empty; expected {expected}")]
    Blank {
        /// What belongs there.
        expected: &'static str,
    },
    /// Not a clock time.
    #[error("{0} is not a time (expected hours and minutes such as 09:00, 9:00 or 0900)")]
    NotATime(String),
    /// Not a duration.
    #[error("{0} is not a duration (expected minutes such as 30, 30m, 0:30 or 1h30)")]
    NotADuration(String),
    /// Not a whole number.
    #[error("{0} is not a whole number")]
    NotACount(String),
    /// Not a coordinate.
    #[error("{0} is not a latitude or longitude in degrees")]
    NotADegree(String),
    /// A window or shift that ends before it starts.
    #[error("{end} is before the start {start}")]
    EndBeforeStart {
        /// The start, as written.
        start: String,
        /// The end, as written.
        end: String,
    },
    /// A code that the mapping's value map does not list.
    #[error("{value} is not in the mapping's [{map}] ({known})")]
    UnknownCode {
        /// The cell's code.
        value: String,
        /// The value map (`roles`, `skills`, `time_bands`, `priorities`).
        map: &'static str,
        /// Its codes, or how to add one.
        known: String,
    },
    /// Not `required` or `optional`.
    #[error("{0} is not a priority (expected required or optional, or map it in [priorities])")]
    NotAPriority(String),
    /// Not shaped like a postcode.
    #[error("{0} is not a postcode (expected a UK postcode such as LE15 6NT)")]
    NotAPostcode(String),
    /// A well-formed postcode that Code-Point Open does not hold.
    #[error("{value} is not a known postcode{}", suggest(.nearest))]
    UnknownPostcode {
        /// The normalised postcode.
        value: String,
        /// Up to three valid spellings nearest to it.
        nearest: Vec<String>,
    },
    /// Postcodes without a postcode source.
    #[error(
        "{0} is a postcode, but no postcode file was given (--postcodes CODEPOINT, or lat and lon columns)"
    )]
    NoPostcodeFile(String),
    /// Neither a postcode nor coordinates.
    #[error("empty; expected a postcode (or lat and lon)")]
    NoPlace,
    /// An id given on two rows.
    #[error("{id} is already the id of row {first}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The row that has it first.
        first: usize,
    },
    /// A repeated visit row (one per booked staff member) that does not match the first.
    #[error("{value} differs from row {first} of the same visit ({first_value}); rows of one visit differ only in the booked staff")]
    RepeatDiffers {
        /// This row's cell.
        value: String,
        /// The first row of the visit.
        first: usize,
        /// Its cell.
        first_value: String,
    },
    /// A staff id that the staff file does not have.
    #[error("{0} is not a staff id in the staff file")]
    UnknownStaff(String),
    /// A visit id that the visits file does not have.
    #[error("{0} is not a visit id in the visits file")]
    UnknownVisit(String),
    /// The assembled problem fails validation.
    #[error("{0}")]
    Problem(InputError),
}

impl Fault {
    /// What sort of fault, in the kinds the HTTP API's `error.kind` uses, so that a
    /// client can sort a listing (a blank cell, an unknown code) without reading words.
    pub fn kind(&self) -> InputErrorKind {
        use InputErrorKind::*;
        match self {
            Fault::Empty | Fault::NotCsv(_) | Fault::ExtraCells { .. } => Syntax,
            Fault::MissingColumn { .. } | Fault::Blank { .. } | Fault::NoPlace => MissingField,
            Fault::NotATime(_)
            | Fault::NotADuration(_)
            | Fault::NotACount(_)
            | Fault::NotADegree(_)
            | Fault::NotAPriority(_)
            | Fault::NotAPostcode(_) => InvalidValue,
            Fault::UnknownCode { .. }
            | Fault::UnknownPostcode { .. }
            | Fault::UnknownStaff(_)
            | Fault::UnknownVisit(_) => UnknownReference,
            Fault::NoPostcodeFile(_) => Unsupported,
            Fault::DuplicateId { .. } => Duplicate,
            Fault::EndBeforeStart { .. } | Fault::RepeatDiffers { .. } => Conflict,
            Fault::Problem(e) => e.kind,
        }
    }

    /// The cell's value as the fault quotes it, when the fault is about one value.
    pub fn value(&self) -> Option<&str> {
        match self {
            Fault::NotATime(v)
            | Fault::NotADuration(v)
            | Fault::NotACount(v)
            | Fault::NotADegree(v)
            | Fault::NotAPriority(v)
            | Fault::NotAPostcode(v)
            | Fault::NoPostcodeFile(v)
            | Fault::UnknownStaff(v)
            | Fault::UnknownVisit(v) => Some(v),
            Fault::EndBeforeStart { end: v, .. }
            | Fault::UnknownCode { value: v, .. }
            | Fault::UnknownPostcode { value: v, .. }
            | Fault::DuplicateId { id: v, .. }
            | Fault::RepeatDiffers { value: v, .. } => Some(v),
            Fault::Blank { .. } | Fault::NoPlace => Some(""),
            Fault::Empty
            | Fault::NotCsv(_)
            | Fault::ExtraCells { .. }
            | Fault::MissingColumn { .. }
            | Fault::Problem(_) => None,
        }
    }
}

fn suggest(nearest: &[String]) -> String {
    if nearest.is_empty() {
        " (check it against the letter or the booking record)".to_string()
    } else {
        format!(" (did you mean {}?)", nearest.join(", "))
    }
}

/// One fault at one place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {fault}")]
pub struct RowError {
    /// Where.
    pub at: Place,
    /// What.
    pub fault: Fault,
}

impl RowError {
    pub(crate) fn new(at: Place, fault: Fault) -> Self {
        RowError { at, fault }
    }
}

/// Why an export cannot be imported: every fault found, in file and row order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// The mapping file cannot be read.
    #[error("mapping: {0}")]
    Mapping(String),
    /// Rows (or whole files) at fault.
    #[error("{} problem(s) in the export:\n{}", .0.len(), lines(.0))]
    Rows(Vec<RowError>),
}

fn lines(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

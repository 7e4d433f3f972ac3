//! Run sheets: each staff member's round as they carry it on the day, one A4 page for a
//! typical day. In order: the time of each step (`HH:MM`, to the minute: seconds are noise
//! on paper; the plan keeps them), the client reference, where (postcode and address when
//! the problem's `locations` give them, else the place id or coordinates), what the visit
//! needs (skills, length), who they meet there for a double-handed visit, breaks, and the
//! travel between places.
//!
//! Pure: [`sheets`] builds the rows from the problem and the plan, [`render`] writes them
//! as plain text or one self-contained, printable HTML page (a page per staff member).
//! The shell checks the plan against the problem first (a sheet must never show a plan
//! that breaks a rule) and does the file I/O.
//!
//! ```
//! use carerounds::model::{parse_input, validate};
//! use carerounds::sheet::{render, sheets, Format};
//! use carerounds::solve::Solver;
//!
//! let input = parse_input(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15},
//!                   {"id": "c17", "lat": 52.96, "lon": -1.17, "postcode": "NG7 1AA",
//!                    "address": "3 High Street"}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": [{"id": "v1", "client": "c17", "location": "c17", "duration_min": 30,
//!                 "time_windows": [["09:00", "10:00"]], "skills": []}]
//! }"#).unwrap();
//! let problem = validate(&input).unwrap();
//! let travel = carerounds::travel::TravelMatrix::computed(&problem).unwrap();
//! let plan = Solver::new(&problem, travel).run().plan;
//! let all = sheets(&input, &problem, &plan, None).unwrap();
//! let text = render(&all, Format::Text);
//! assert!(text.contains("09:00-09:30  c17"));
//! assert!(text.contains("NG7 1AA, 3 High Street"));
//! ```

mod html;
mod rows;
mod text;

pub use rows::{sheets, Row, Sheet, SheetError, Where};

/// An output format of the run sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, one sheet after another (for a terminal, an email or a text printer).
    Text,
    /// One self-contained HTML page, a printed A4 page per staff member.
    Html,
}

/// The sheets in `format`.
pub fn render(sheets: &[Sheet], format: Format) -> String {
    match format {
        Format::Text => text::render(sheets),
        Format::Html => html::render(sheets),
    }
}

/// The lines under every sheet that say how to read it.
pub(crate) const LEGEND: [&str; 2] = [
    "Times HH:MM, to the minute. Travel in minutes and km, with the arrival at the next place.",
    "wait: minutes at the door before the visit can start. with: the colleague met there (double-handed).",
];

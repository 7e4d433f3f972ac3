//! Readers and writers at the edge: benchmark formats and booking-system exports turned
//! into a [`crate::model::input::ProblemInput`], and plans written back out (CSV,
//! iCalendar). Nothing here solves or checks; a reader only translates and reports what
//! it could not read, with the line (or row and column) it was on.

pub mod booking;
pub mod codepoint;
pub mod export;
pub mod mankowska;
pub mod osgb;
pub mod postcode;
pub mod solomon;

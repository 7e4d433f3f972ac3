//! Readers at the edge: benchmark formats turned into a [`crate::model::input::ProblemInput`].
//! Nothing here solves or checks; a reader only translates and reports what it could not
//! read, with the line it was on.

pub mod mankowska;
pub mod solomon;

//! carerounds plans the daily visit rounds of integrated health and social care teams.
//!
//! The core is pure: [`model`] reads and validates problems, [`travel`] builds the travel
//! matrix, [`solve`] optimises, [`check`] proves a plan feasible independently of the
//! solver. Shells (CLI) sit around it.
#![warn(missing_docs)]

pub mod api;
pub mod check;
pub mod durations;
pub mod formats;
pub mod model;
pub mod monitor;
pub mod replan;
pub mod report;
pub mod retime;
pub mod sheet;
pub mod slots;
pub mod solve;
pub mod travel;
pub mod week;

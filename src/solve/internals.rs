//! The solver's internals that the property tests (`tests/suite/incremental.rs`) and the
//! criterion benches (`benches/solve.rs`) drive one step at a time: building the instance,
//! pricing and committing an insertion, construction, local search, and one
//! ruin-and-recreate step of the search.
//!
//! Not a stable API: hidden from the documentation, and free to change with the solver.
//! Library users solve with [`super::Solver`].

pub use super::construct::construct;
pub use super::insert::{best_general, best_in_route, best_insertion, commit_single};
pub use super::instance::Instance;
pub use super::price::Best;
pub use super::push::best_by_push;
pub use super::ruin::{neighbours, RuinParams};
pub use super::schedule::simulate;
pub use super::search::{Island, Temperature};
pub use super::solution::Solution;

/// The final polish: granular moves, then SWAP*.
pub mod local {
    pub use crate::solve::local::improve;
}

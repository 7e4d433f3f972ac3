//! The domain: problems and plans as SPEC.md defines them, and their validation.
//!
//! `input` and `plan` are the serde forms of the documents; `problem` is the validated,
//! index-based form everything else works on; `validate` turns one into the other with
//! errors that name the field.

pub mod coherence;
pub mod error;
pub mod ids;
pub mod input;
pub mod plan;
pub mod problem;
pub mod time;
pub mod validate;

pub use error::{FieldPath, InputError, InputErrorKind};
pub use ids::Ids;
pub use plan::*;
pub use problem::*;
pub use validate::{parse_input, parse_problem, validate, validate_rounds};

//! Shared by the targets: what may be asked of a validated problem without panicking.

use carerounds::model::{Problem, TravelModel};
use carerounds::travel::TravelMatrix;

/// Most places a fuzzed problem may have for its matrix to be built: larger ones only make
/// each run slower, and rows are built in parallel from 256 places.
pub const MAX_PLACES: usize = 255;

/// Builds the travel matrix of a haversine or matrix problem (these never fail, and must
/// not panic); `None` for road and OSRM travel (files and servers) and for large problems.
pub fn matrix(problem: &Problem) -> Option<TravelMatrix> {
    match problem.travel {
        TravelModel::Haversine { .. } | TravelModel::Matrix { .. } if problem.places.len() <= MAX_PLACES => {
            let m = TravelMatrix::computed(problem).expect("haversine and matrix travel never fail");
            assert_eq!(m.len(), problem.places.len());
            Some(m)
        }
        _ => None,
    }
}

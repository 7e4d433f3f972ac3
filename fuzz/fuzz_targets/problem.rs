//! Bytes → text → `parse_problem` (serde, then validation): an error is fine, a panic is not.
//! A problem that validates must give its travel matrix (haversine and matrix modes).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(problem) = carerounds::model::parse_problem(text) {
        common::matrix(&problem);
    }
});

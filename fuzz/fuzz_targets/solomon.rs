//! The Solomon / Gehring-Homberger text reader, with both roundings; what it reads must
//! validate as a SPEC problem and give its travel matrix without panicking.
#![no_main]

use carerounds::formats::solomon::{read_solomon, Rounding};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for rounding in [Rounding::Exact, Rounding::Dimacs] {
        if let Ok(instance) = read_solomon(text, rounding) {
            if let Ok(problem) = carerounds::model::validate(&instance.problem) {
                common::matrix(&problem);
            }
        }
    }
});

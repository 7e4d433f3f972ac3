//! The Mankowska et al. (2014) JSON reader; what it reads must validate as a SPEC problem
//! and give its travel matrix without panicking.
#![no_main]

use carerounds::formats::mankowska::read_mankowska;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(input) = read_mankowska(text, "fuzz") {
        if let Ok(problem) = carerounds::model::validate(&input) {
            common::matrix(&problem);
        }
    }
});

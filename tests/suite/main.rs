//! The integration tests, as one binary: one link instead of one per file (the release
//! profile links with thin LTO, so twenty binaries cost CI minutes). Each module is one
//! area; run one with `cargo test --release --test suite replan::`.
//! `tests/api.rs` stays its own binary: it installs a process-wide log subscriber.

#[path = "../../benches/common/day.rs"]
mod day;

mod api_socket;
mod base;
mod check;
mod cli;
mod durations;
mod export;
mod figures;
mod fuzz_regressions;
mod history;
mod homecare;
mod import_csv;
mod import_http;
mod incremental;
mod long_wait;
mod mankowska;
mod mixed_roles;
mod monitor;
mod monitor_week;
mod monitor_week_cli;
mod monitor_week_http;
mod openapi;
mod osrm;
mod pin;
mod plan_format_http;
mod postgres;
mod recorded;
mod replan;
mod report;
mod report_tradeoffs;
mod retime;
mod road;
mod round_start;
mod sheet;
mod slots;
mod solve;
mod solved;
mod summary;
mod validate;
mod visit_logs;
mod week;

//! Learned durations, a month simulated (issue 15): one team's recurring day (the same
//! clients every working day, `day(VISITS, STAFF, 7)`), where each client's visits take a
//! hidden factor of what is booked (a quarter of clients 1.3x, a quarter 0.8x, the rest
//! 1.0x) times noise (+-15%, a fixed xorshift per day and visit). Weeks 1-3: the day is
//! planned with the booked lengths and logs are written from the plan with the true
//! lengths. `carerounds::durations` learns from those 15 days. Week 4 is planned three times,
//! with the booked lengths and with the learned ones (`Use::Planning`, the 80th
//! percentile; and, for comparison, the median), and each plan is replayed against the same truth: staff keep the plan's
//! order and travel, start a visit on arrival or at its window's opening, and take breaks
//! as planned. Reported per week: visits started after their window closed (count and
//! minutes), overtime past the shift end, office time short of `admin_min`, and visits
//! the plan could not fit.
//!
//! `cargo bench --bench durations` (one thread per solve). `DURATIONS_VISITS`,
//! `DURATIONS_STAFF` and `DURATIONS_WORK` (work units per solve) change the size.
//! Prints one Markdown table for BENCHMARKS.md.

#[path = "common/day.rs"]
mod day;

use carerounds::durations::{apply, learn, Settings, Use};
use carerounds::model::input::ProblemInput;
use carerounds::model::{validate, Plan, Problem, Step};
use carerounds::monitor::{read_csv, LogColumns};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use std::time::Duration;

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The hidden factor of a client: from its id, so every day agrees.
fn factor(client: &str) -> f64 {
    let h = client.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    match h % 4 {
        0 => 1.3,
        1 => 0.8,
        _ => 1.0,
    }
}

/// Noise in [0.85, 1.15) for visit `v` on day `d`.
fn noise(d: u64, v: usize) -> f64 {
    let mut x = (d << 32 | v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..3 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    0.85 + 0.3 * ((x >> 11) as f64 / (1u64 << 53) as f64)
}

/// The true length of visit `v` on day `d` (booked length from the original problem).
fn truth(booked: &Problem, d: u64, v: usize) -> f64 {
    booked.visits[v].duration * factor(&booked.visits[v].client) * noise(d, v)
}

fn solve(p: &Problem, work: u64) -> Plan {
    let travel = TravelMatrix::computed(p).expect("computed travel");
    Solver::new(p, travel)
        .threads(1)
        .seed(1)
        .work_budget(work)
        .time_limit(Duration::from_secs(120))
        .run()
        .plan
}

#[derive(Default, Clone, Copy)]
struct Replay {
    late: usize,
    late_min: f64,
    overtime_min: f64,
    admin_short_min: f64,
    office_min: f64,
    unassigned: usize,
    travel_min: f64,
}

/// `plan` played out on day `d` with the true lengths; the visits it lists as made, with
/// their true start and end, go to `log` (CSV rows).
fn replay(booked: &Problem, plan: &Plan, d: u64, log: &mut String) -> Replay {
    let mut r = Replay {
        unassigned: plan.unassigned.len(),
        ..Replay::default()
    };
    for route in &plan.routes {
        r.travel_min += route.travel_min;
        let Some(s) = booked.staff_index(&route.staff) else {
            continue;
        };
        let staff = &booked.staff[s];
        let (mut t, mut depart) = (0.0, staff.shift_start);
        for step in &route.steps {
            match step {
                Step::Start { time, .. } => {
                    t = time.0;
                    depart = time.0;
                }
                Step::Visit {
                    visit,
                    start,
                    travel_min,
                    ..
                } => {
                    let Some(v) = booked.visit_index(visit) else {
                        continue;
                    };
                    let arrival = t + travel_min;
                    let w = booked.visits[v]
                        .windows
                        .iter()
                        .find(|w| start.0 >= w.start - 1e-6 && start.0 <= w.end + 1e-6)
                        .or(booked.visits[v].windows.first());
                    let (open, close) = w.map_or((f64::NEG_INFINITY, f64::INFINITY), |w| (w.start, w.end));
                    let begin = arrival.max(open);
                    if begin > close + 1e-6 {
                        r.late += 1;
                        r.late_min += begin - close;
                    }
                    let end = begin + truth(booked, d, v);
                    log.push_str(&format!(
                        "{},{visit},{},{},{},\n",
                        route.staff,
                        hms(arrival),
                        hms(begin),
                        hms(end)
                    ));
                    t = end;
                }
                Step::Break { start, end } => t = t.max(start.0) + (end.0 - start.0),
                // To base and away again no earlier than planned.
                Step::Base {
                    departure,
                    travel_min,
                    ..
                } => t = (t + travel_min).max(departure.0),
                Step::End { travel_min, .. } => {
                    let back = t + travel_min;
                    r.overtime_min += (back - staff.shift_end).max(0.0);
                    // Office time as the plan counts it (`free_min`): the shift less the
                    // time from setting out to getting back, before and after the round.
                    let office = ((staff.shift_end - staff.shift_start) - (back - depart)).max(0.0);
                    r.admin_short_min += (staff.admin_min - office).max(0.0);
                    r.office_min += office;
                }
            }
        }
    }
    r
}

fn hms(m: f64) -> String {
    let s = (m * 60.0).round().max(0.0) as i64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn add(a: &mut Replay, b: Replay) {
    a.late += b.late;
    a.late_min += b.late_min;
    a.overtime_min += b.overtime_min;
    a.admin_short_min += b.admin_short_min;
    a.office_min += b.office_min;
    a.unassigned += b.unassigned;
    a.travel_min += b.travel_min;
}

fn main() {
    let visits: usize = env("DURATIONS_VISITS", 60);
    let staff: usize = env("DURATIONS_STAFF", 8);
    let work: u64 = env("DURATIONS_WORK", 20_000_000);
    let input: ProblemInput = serde_json::from_value(day::day(visits, staff, 7)).expect("a problem");
    let booked = validate(&input).expect("a valid day");
    let plan = solve(&booked, work);
    // Weeks 1-3: the booked plan, logged with the truth.
    let mut csv = "staff,visit,arrived,started,ended,note\n".to_string();
    for d in 0..15 {
        replay(&booked, &plan, d, &mut csv);
    }
    let logs = read_csv(&csv, &LogColumns::default()).expect("the logs we wrote");
    let learned = learn(&booked, &[logs], &Settings::default());
    let (with_input, changed) = apply(&input, &learned.durations, Use::Planning);
    let with = validate(&with_input).expect("the learned day is valid");
    let with_plan = solve(&with, work);
    let (median_input, _) = apply(&input, &learned.durations, Use::Expected);
    let median_plan = solve(&validate(&median_input).expect("the learned day is valid"), work);
    // Week 4: both plans against the same truth.
    let (mut a, mut b, mut c) = (Replay::default(), Replay::default(), Replay::default());
    let mut sink = String::new();
    for d in 15..20 {
        add(&mut a, replay(&booked, &plan, d, &mut sink));
        add(&mut b, replay(&booked, &with_plan, d, &mut sink));
        add(&mut c, replay(&booked, &median_plan, d, &mut sink));
    }
    // How close the learned client figures are to the hidden factors (medians).
    let err: Vec<f64> = learned
        .durations
        .clients
        .iter()
        .map(|c| (c.ratio_median / factor(&c.client) - 1.0).abs())
        .collect();
    let mean_err = err.iter().sum::<f64>() / err.len().max(1) as f64;
    println!(
        "Learned durations, {visits} visits / {staff} staff, {} log records from weeks 1-3 ({} clients, median error against the hidden factor {:.1}% on average); {} visits lengthened or shortened for week 4.\n",
        learned.counts.used,
        learned.counts.clients,
        mean_err * 100.0,
        changed.len()
    );
    println!("| week 4 (5 days), replayed against the truth | late starts | late min | overtime min | office time, min | office time short of admin_min, min | visits not planned | travel min |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, r) in [
        ("booked lengths", a),
        ("learned lengths, 80th percentile (`--durations`)", b),
        ("learned lengths, median (`Use::Expected`)", c),
    ] {
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {:.0} |",
            r.late, r.late_min, r.overtime_min, r.office_min, r.admin_short_min, r.unassigned, r.travel_min
        );
    }
}

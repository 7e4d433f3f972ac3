//! Booking-slot latency on a 300-visit, 30-staff day (target: p99 under 50 ms in
//! process). `prepared` reuses a [`Day`]; `one_shot` is what `POST /v1/slots` does
//! after parsing (validate, travel matrix, time the plan, query); `with_parse` adds the
//! JSON parsing of the request. Also prints p50/p99 over 300 one-shot queries.

#[path = "common/day.rs"]
mod day;

use carerounds::model::input::{ProblemInput, VisitInput};
use carerounds::model::{validate, Plan};
use carerounds::slots::Day;
use carerounds::solve::Solver;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Body {
    problem: ProblemInput,
    plan: Plan,
    visit: VisitInput,
}

fn setup() -> (ProblemInput, Plan, Vec<VisitInput>) {
    let input: ProblemInput = serde_json::from_value(day::day(300, 30, 42)).expect("problem");
    let problem = validate(&input).expect("valid");
    let plan = Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .time_limit(Duration::from_millis(500))
    .threads(1)
    .run()
    .plan;
    let visits = (0..16)
        .map(|k| serde_json::from_value(day::new_visit(k)).expect("visit"))
        .collect();
    (input, plan, visits)
}

fn percentiles(input: &ProblemInput, plan: &Plan, visits: &[VisitInput]) {
    let mut ms: Vec<f64> = (0..300)
        .map(|i| {
            let t = Instant::now();
            let day = Day::new(input, plan).expect("day");
            black_box(day.slots(&visits[i % visits.len()], 5).expect("slots"));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let p = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "slots one-shot, 300 visits / 30 staff, 300 queries: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.99),
        ms[ms.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let (input, plan, visits) = setup();
    percentiles(&input, &plan, &visits);
    let day = Day::new(&input, &plan).expect("day");
    let mut g = c.benchmark_group("slots_300_visits");
    g.sample_size(30);
    let mut i = 0;
    g.bench_function("prepared", |b| {
        b.iter(|| {
            i += 1;
            black_box(day.slots(&visits[i % visits.len()], 5).expect("slots"))
        })
    });
    let mut double: VisitInput = visits[0].clone();
    double.staff_count = Some(2);
    g.bench_function("prepared_double_handed", |b| {
        b.iter(|| black_box(day.slots(&double, 5).expect("slots")))
    });
    g.bench_function("one_shot", |b| {
        b.iter(|| {
            i += 1;
            let day = Day::new(&input, &plan).expect("day");
            black_box(day.slots(&visits[i % visits.len()], 5).expect("slots"))
        })
    });
    let body = serde_json::json!({"problem": input, "plan": plan, "visit": visits[0]}).to_string();
    g.bench_function("with_parse", |b| {
        b.iter(|| {
            let req: Body = serde_json::from_str(&body).expect("body");
            let day = Day::new(&req.problem, &req.plan).expect("day");
            black_box(day.slots(&req.visit, 5).expect("slots"))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Hot paths of the search on a 200-visit Gehring-Homberger instance (RC1_2_1, DIMACS
//! rounding): one insertion check of a visit into every round (the move evaluation of
//! recreate), one local-search pass over a constructed plan, one ruin-and-recreate
//! iteration, and the regret construction.

use carerounds::model::validate;
use carerounds::solomon::{read_solomon, Rounding};
use carerounds::solve::construct::construct;
use carerounds::solve::insert::best_in_route;
use carerounds::solve::instance::Instance;
use carerounds::solve::local;
use carerounds::solve::ruin::{neighbours, RuinParams};
use carerounds::solve::search::{Island, Temperature};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn instance() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/homberger/RC1_2_1.txt");
    let text = std::fs::read_to_string(path).expect("instance file");
    let input = read_solomon(&text, Rounding::Dimacs).expect("solomon");
    Instance::new(&validate(&input.problem).expect("valid"))
}

fn benches(c: &mut Criterion) {
    let inst = instance();
    let start = construct(&inst);
    let near = neighbours(&inst, 100);
    c.bench_function("construct_regret_200", |b| b.iter(|| black_box(construct(&inst))));
    // Move evaluation: take a visit out, then price its insertion into every round.
    let v = start
        .routes
        .iter()
        .find(|r| r.len() > 3)
        .map(|r| r[1])
        .unwrap_or(0);
    let mut without = start.clone();
    assert!(without.remove(&inst, &[v], false));
    let mut never = || false;
    c.bench_function("insertion_check_all_rounds_200", |b| {
        b.iter(|| {
            (0..without.routes.len())
                .filter_map(|r| best_in_route(&inst, &without, black_box(v), r, &mut never, None))
                .count()
        })
    });
    c.bench_function("local_search_pass_200", |b| {
        b.iter(|| {
            let mut sol = start.clone();
            black_box(local::improve(&inst, &mut sol, &near, &|| false))
        })
    });
    let temp = Temperature::for_cost(start.cost(&inst), inst.visits.len());
    let params = RuinParams::default();
    let mut island = Island::new(&inst, start.clone(), 7);
    c.bench_function("ruin_recreate_iteration_200", |b| {
        b.iter(|| island.step(&inst, &near, &params, temp.at(0.5)))
    });
}

criterion_group!(solve, benches);
criterion_main!(solve);

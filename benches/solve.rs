//! Hot paths of the search on a 200-visit Gehring-Homberger instance (RC1_2_1, DIMACS
//! rounding): one insertion check of a visit into every round (the move evaluation of
//! recreate), one local-search pass over a constructed plan, one ruin-and-recreate
//! iteration, and the regret construction. Then synchronised moves on a Mankowska home
//! care instance (E1: 130 visits, 20 staff, 30 pairs of visits that start together or
//! apart by a gap): pricing a visit whose partner is planned (its start is pinned), and
//! pricing a plain visit whose insertions push coupled starts in other rounds (cascades).

use carerounds::formats::mankowska::read_mankowska;
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::validate;
use carerounds::solve::internals::{
    best_by_push, best_in_route, best_insertion, commit_single, construct, local, neighbours, Instance,
    Island, RuinParams, Temperature,
};
use carerounds::travel::sources;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn instance() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/homberger/RC1_2_1.txt");
    let text = std::fs::read_to_string(path).expect("instance file");
    let input = read_solomon(&text, Rounding::Dimacs).expect("solomon");
    let problem = validate(&input.problem).expect("valid");
    Instance::with_travel(&problem, sources::build(&problem).expect("travel"))
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

fn mankowska() -> Instance {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/mankowska/InstanzVNS_HCSRP_100_1.json"
    );
    let text = std::fs::read_to_string(path).expect("instance file");
    let input = read_mankowska(&text, "E1").expect("mankowska");
    let problem = validate(&input).expect("valid");
    Instance::with_travel(&problem, sources::build(&problem).expect("travel"))
}

fn synchronised(c: &mut Criterion) {
    let inst = mankowska();
    let near = neighbours(&inst, 100);
    // A searched plan, so rounds are as full and tight as during a real search.
    let mut island = Island::new(&inst, construct(&inst), 3);
    let temp = Temperature::for_cost(island.current_score, inst.visits.len());
    for _ in 0..2000 {
        island.step(&inst, &near, &RuinParams::default(), temp.at(0.9));
    }
    let plan = island.best.clone();
    let mut never = || false;
    // A visit that must start with its planned partner.
    let paired = (0..inst.visits.len())
        .find(|&v| {
            inst.visits[v]
                .after
                .iter()
                .any(|&(_, min, max)| min == 0.0 && max == Some(0.0))
        })
        .expect("a pair that starts together");
    let mut without = plan.clone();
    assert!(without.remove(&inst, &[paired], true));
    c.bench_function("sync_partner_planned_all_rounds_mankowska_e1", |b| {
        b.iter(|| best_insertion(&inst, &without, black_box(paired), &mut never))
    });
    // The plain visit whose insertion sets off the most cascades (positions that push
    // coupled starts in other rounds).
    let cascades = |u: usize| -> usize {
        let mut sol = plan.clone();
        if !sol.remove(&inst, &[u], true) {
            return 0;
        }
        let mut later = Vec::new();
        for r in (0..inst.staff.len()).filter(|&r| inst.visits[u].eligible[r]) {
            best_by_push(&inst, &sol, u, r, &mut || false, None, Some(&mut later));
        }
        later.len()
    };
    let plain = (0..inst.visits.len())
        .filter(|&u| !inst.visits[u].coupled())
        .max_by_key(|&u| (cascades(u), std::cmp::Reverse(u)))
        .expect("a plain visit");
    eprintln!("visit {plain}: {} positions set off cascades", cascades(plain));
    let mut without = plan.clone();
    assert!(without.remove(&inst, &[plain], true));
    c.bench_function("sync_cascade_all_rounds_mankowska_e1", |b| {
        b.iter(|| best_insertion(&inst, &without, black_box(plain), &mut never))
    });
    let (_, r, p) = best_insertion(&inst, &without, plain, &mut never).expect("a place for it");
    c.bench_function("sync_commit_mankowska_e1", |b| {
        b.iter(|| {
            let mut sol = without.clone();
            black_box(commit_single(&inst, &mut sol, plain, r, p))
        })
    });
}

criterion_group!(solve, benches, synchronised);
criterion_main!(solve);

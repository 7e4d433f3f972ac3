//! Plans edited by hand: rounds a person wrote (who makes which visits, in what order, in
//! the form of a problem's `baseline`) timed into a full plan, as the solver times its
//! own rounds, so that a scheduler can move a visit and get a plan the checker accepts.
//!
//! Every hard rule holds or the rounds are refused, naming the round or visit and the
//! rule: a staff member who may not make a visit (skills, `excluded_staff`, pins), a
//! double-handed visit given to one staff member only, a single-handed visit given to
//! two, a round that cannot be timed (a window that cannot be met, a break, the shift
//! end, `admin_min`, `max_visits`, `max_travel_min`, capacity), or double-handed starts
//! and `after` gaps that cannot be met together. Lateness is as the checker treats it:
//! a visit may start past its window by up to its `max_lateness_min`, costing
//! `objective.lateness` (shown in the plan's `late_min` and `summary.lateness_min`); past
//! that it is refused (rule `time_window`).
//!
//! Each visit starts as early as the rules allow and staff leave as late as their first
//! visit allows, as in every plan the solver writes. Visits in no round are listed
//! unassigned with the reason [`NOT_IN_ROUNDS`].
//!
//! ```
//! use carerounds::model::{input::BaselineInput, parse_problem};
//! use carerounds::retime::retime;
//! use carerounds::travel::TravelMatrix;
//!
//! let problem = parse_problem(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": [{"id": "v1", "location": {"lat": 52.96, "lon": -1.17}, "duration_min": 30,
//!                 "time_windows": [["09:00", "10:00"]]}]
//! }"#).unwrap();
//! let rounds: BaselineInput =
//!     serde_json::from_str(r#"{"routes": [{"staff": "ann", "visits": ["v1"]}]}"#).unwrap();
//! let travel = TravelMatrix::computed(&problem).unwrap();
//! let plan = retime(&problem, travel, &rounds).unwrap();
//! assert_eq!(plan.summary.visits_assigned, 1);
//! ```

use crate::model::input::BaselineInput;
use crate::model::{validate_rounds, FieldPath, InputError, InputErrorKind, Plan, Problem};
use crate::solve::booked::{
    describe, refusal, settled_timings, simulate, write_plan, Block, Floor, Instance,
};
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// The reason given for a visit that no round includes.
pub const NOT_IN_ROUNDS: &str = "not in any of the rounds given";

/// The plan for `rounds` on `travel` (the problem's matrix), or the first hard rule they
/// break, as an input error at its path in the rounds document (`routes[2].visits[0]`).
pub fn retime(
    problem: &Problem,
    travel: impl Into<Arc<TravelMatrix>>,
    rounds: &BaselineInput,
) -> Result<Plan, InputError> {
    let booked = validate_rounds(rounds, problem)?;
    let routes = FieldPath::root().field("routes");
    let staff_id = |s: usize| problem.staff[s].id.as_str();
    let visit_id = |v: usize| problem.visits[v].id.as_str();
    let mut seqs: Vec<Vec<usize>> = vec![Vec::new(); problem.staff.len()];
    let mut route_of: Vec<Option<usize>> = vec![None; problem.staff.len()];
    // Where each visit is: (route, position) of every round that has it.
    let mut at: Vec<Vec<(usize, usize)>> = vec![Vec::new(); problem.visits.len()];
    for (i, r) in booked.iter().enumerate() {
        if let Some(j) = route_of[r.staff].replace(i) {
            return Err(InputError::of(
                InputErrorKind::Duplicate,
                routes.index(i).field("staff"),
                format!(
                    "staff '{}' already has a round (routes[{j}]): give each staff member one round",
                    staff_id(r.staff)
                ),
            ));
        }
        for (k, &v) in r.visits.iter().enumerate() {
            if let Some((rule, reason)) = refusal(problem, v, r.staff) {
                return Err(broken(
                    routes.index(i).field("visits").index(k),
                    rule,
                    format!(
                        "staff '{}' may not make visit '{}': {reason}",
                        staff_id(r.staff),
                        visit_id(v)
                    ),
                ));
            }
            at[v].push((i, k));
        }
        seqs[r.staff] = r.visits.clone();
    }
    for (v, places) in at.iter().enumerate() {
        let needed = problem.visits[v].staff_count.get();
        let path = |&(i, k): &(usize, usize)| routes.index(i).field("visits").index(k);
        match places.len() {
            0 => {}
            n if n < needed => {
                return Err(broken(
                    path(&places[0]),
                    "double_handed",
                    format!(
                        "visit '{}' is double-handed (staff_count {needed}) but is in one round only: \
                         give it to a second staff member too, or take it out",
                        visit_id(v)
                    ),
                ))
            }
            n if n > needed => {
                return Err(broken(
                    path(&places[needed]),
                    "coverage",
                    format!(
                        "visit '{}' needs {needed} staff member(s) but is in {n} rounds (also routes[{}])",
                        visit_id(v),
                        places[0].0
                    ),
                ))
            }
            2 => {
                let pv = &problem.visits[v];
                let [a, b] = [places[0].0, places[1].0].map(|i| &problem.staff[booked[i].staff]);
                if !crate::model::roles_pair(pv.roles_of(a), pv.roles_of(b)) {
                    return Err(broken(
                        path(&places[1]),
                        "skills",
                        format!(
                            "visit '{}' is a mixed double-up (staff_skills): '{}' and '{}' do not \
                             cover both people; pair someone with each person's skills",
                            visit_id(v),
                            a.id,
                            b.id
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    let inst = Instance::with_travel(problem, travel);
    // Each round on its own first, so a refusal names its round and visit.
    for (s, seq) in seqs.iter().enumerate() {
        let Err(block) = simulate(&inst, s, seq, &Floor(&[])) else {
            continue;
        };
        return Err(round_error(problem, &routes, s, route_of[s], seq, block));
    }
    let timings = settled_timings(&inst, seqs).map_err(|block| {
        let (path, message) = match block {
            Some(b @ (Block::Coupling { visit } | Block::Window { visit, .. })) => (
                at[visit].first().map_or_else(
                    || routes.clone(),
                    |&(i, k)| routes.index(i).field("visits").index(k),
                ),
                describe(problem, b),
            ),
            Some(b) => (routes.clone(), describe(problem, b)),
            None => (routes.clone(), "the rounds do not fit the problem".to_string()),
        };
        broken(
            path,
            "double_handed or gap",
            format!(
                "the rounds cannot be timed together (a double-handed visit's two staff start \
                 together; an `after` gap holds): {message}"
            ),
        )
    })?;
    let unassigned: Vec<(usize, String)> = (0..problem.visits.len())
        .filter(|&v| at[v].is_empty())
        .map(|v| (v, NOT_IN_ROUNDS.to_string()))
        .collect();
    Ok(write_plan(problem, &inst, &timings, &unassigned))
}

/// A hard rule the rounds break, at `path`.
fn broken(path: FieldPath, rule: &str, message: String) -> InputError {
    InputError::of(
        InputErrorKind::Incoherent,
        path,
        format!("{message} (rule {rule})"),
    )
}

/// Why the round of staff member `s` (`routes[i]`, visits `visits`) cannot be timed on
/// its own, at the visit concerned when the block names one.
fn round_error(
    problem: &Problem,
    routes: &FieldPath,
    s: usize,
    i: Option<usize>,
    visits: &[usize],
    block: Block,
) -> InputError {
    let rule = match block {
        Block::Window { .. } => "time_window",
        Block::Coupling { .. } => "double_handed or gap",
        Block::Break => "break",
        Block::ShiftEnd { .. } => "shift_end",
        Block::Rule(id) => crate::solve::booked::rule_name(id),
        Block::Admin { .. } => "admin_time",
    };
    let round = i.map_or_else(|| routes.clone(), |i| routes.index(i));
    let path = match block {
        Block::Window { visit, .. } | Block::Coupling { visit } => visits
            .iter()
            .position(|&v| v == visit)
            .map_or_else(|| round.clone(), |k| round.field("visits").index(k)),
        _ => round.clone(),
    };
    broken(
        path,
        rule,
        format!(
            "the round of '{}' cannot be kept: {}",
            problem.staff[s].id,
            describe(problem, block)
        ),
    )
}

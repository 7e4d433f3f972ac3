//! Mixed-role double-handed visits (`staff_skills`): a nurse with a carer. A day where
//! only the mixed pair may go, though two carers are nearer; validation of the field;
//! the checker refusing a pair that does not cover both people; warm starts, pins and
//! booking slots keeping the pair.
//!
//! Travel is a matrix over places on a line (minutes = distance), so the cheap wrong
//! answer is known: the two carers live next to the client, the nurse far away.

use carerounds::check::check;
use carerounds::model::input::{ProblemInput, VisitInput};
use carerounds::model::{parse_input, parse_problem, validate, InputErrorKind, Plan, Problem, Step};
use carerounds::slots::Day;
use carerounds::solve::Solver;
use serde_json::{json, Value};
use std::time::Duration;

const MIXED: &str = r#"[["nursing"], ["personal_care"]]"#;

/// The day as JSON: a nurse far away, two carers near the client, one double-handed
/// dressing visit with `extra` fields.
fn doc(extra: Value) -> Value {
    let (locations, travel) =
        crate::homecare::line(&[("far", 0.0), ("near", 48.0), ("home", 50.0), ("other", 52.0)]);
    let staff = |id: &str, at: &str, skills: &[&str]| json!({"id": id, "shift": {"start": "08:00", "end": "17:00"}, "start_location": at, "skills": skills});
    let mut visit = json!({"id": "dress", "location": "home", "duration_min": 40, "staff_count": 2,
                           "time_windows": [["10:00", "12:00"]]});
    for (k, x) in extra.as_object().cloned().unwrap_or_default() {
        visit[k] = x;
    }
    json!({
        "locations": locations,
        "travel": travel,
        "staff": [staff("nurse", "far", &["nursing"]), staff("carer1", "near", &["personal_care"]),
                  staff("carer2", "near", &["personal_care"])],
        "visits": [visit]
    })
}

fn mixed() -> Value {
    json!({"staff_skills": serde_json::from_str::<Value>(MIXED).unwrap()})
}

fn problem(extra: Value) -> Problem {
    parse_problem(&doc(extra).to_string()).unwrap_or_else(|e| panic!("invalid test day: {e}"))
}

fn solver(p: &Problem) -> Solver<'_> {
    Solver::new(p, carerounds::travel::sources::build(p).expect("travel"))
        .threads(1)
        .seed(1)
        .work_budget(500_000)
        .time_limit(Duration::from_secs(20))
}

fn violations(p: &Problem, plan: &Plan) -> Vec<String> {
    let travel = carerounds::travel::sources::build(p).expect("travel");
    check(p, &travel, plan).iter().map(ToString::to_string).collect()
}

fn pair(plan: &Plan, visit: &str) -> Vec<String> {
    let mut out: Vec<String> = plan
        .routes
        .iter()
        .filter(|r| {
            r.steps
                .iter()
                .any(|s| matches!(s, Step::Visit { visit: v, .. } if v == visit))
        })
        .map(|r| r.staff.clone())
        .collect();
    out.sort();
    out
}

#[test]
fn only_a_nurse_with_a_carer_makes_a_mixed_double_up() {
    // Without roles the two carers next door go: the cheapest pair.
    let plain = problem(json!({}));
    let plan = solver(&plain).run().plan;
    assert_eq!(pair(&plan, "dress"), ["carer1", "carer2"]);
    // A mixed double-up: the nurse comes from afar with one carer.
    let p = problem(mixed());
    let plan = solver(&p).run().plan;
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
    let who = pair(&plan, "dress");
    assert_eq!(who.len(), 2, "{plan:?}");
    assert_eq!(who[1], "nurse");
    assert!(who[0].starts_with("carer"));
}

#[test]
fn the_checker_refuses_two_carers_on_a_mixed_double_up() {
    let plain = problem(json!({}));
    let carers = solver(&plain).run().plan;
    assert_eq!(pair(&carers, "dress"), ["carer1", "carer2"]);
    let p = problem(mixed());
    let found = violations(&p, &carers);
    assert!(
        found
            .iter()
            .any(|v| v.contains("mixed double-up") && v.contains("carer1")),
        "{found:?}"
    );
    // A plan that cannot be kept is not a warm start: the search builds a right one.
    let fixed = solver(&p).start_from(carers).run().plan;
    assert!(violations(&p, &fixed).is_empty(), "{:?}", violations(&p, &fixed));
    assert!(pair(&fixed, "dress").contains(&"nurse".to_string()));
}

#[test]
fn bad_staff_skills_name_the_field() {
    let cases = [
        (
            json!({"staff_count": 1, "staff_skills": [["nursing"], ["personal_care"]]}),
            "staff_skills",
            InputErrorKind::Conflict,
        ),
        (
            json!({"staff_skills": [["nursing"]]}),
            "staff_skills",
            InputErrorKind::OutOfRange,
        ),
        (
            json!({"staff_skills": [["nursing"], ["personal_care"], ["driving"]]}),
            "staff_skills",
            InputErrorKind::OutOfRange,
        ),
        // Two nurses' roles and only one nurse: nobody can pair.
        (
            json!({"staff_skills": [["nursing"], ["nursing"]]}),
            "staff_skills",
            InputErrorKind::Incoherent,
        ),
        // Both lists come on top of `skills`, which both need: the nurse lacks personal
        // care, so no one is left for the nurse's part.
        (
            json!({"staff_skills": [["nursing"], []], "skills": ["personal_care"]}),
            "staff_skills",
            InputErrorKind::Incoherent,
        ),
        // Pinned to two carers: they do not cover the nurse's part.
        (
            json!({"staff_skills": [["nursing"], ["personal_care"]], "pinned_staff": ["carer1", "carer2"]}),
            "pinned_staff",
            InputErrorKind::Incoherent,
        ),
    ];
    for (extra, field, kind) in cases {
        let e = parse_problem(&doc(extra.clone()).to_string()).expect_err(&extra.to_string());
        assert_eq!(e.path.as_str(), format!("visits[0].{field}"), "{extra}: {e}");
        assert_eq!(e.kind, kind, "{extra}: {e}");
        assert!(
            e.message.contains("staff_skills") || e.message.contains("pin"),
            "{e}"
        );
    }
    // A wrong type is a JSON error at the field.
    let e = parse_problem(&doc(json!({"staff_skills": "nursing"})).to_string()).unwrap_err();
    assert!(e.path.as_str().starts_with("visits[0].staff_skills"), "{e}");
}

#[test]
fn a_pinned_mixed_pair_is_kept() {
    let p = problem(
        json!({"staff_skills": [["nursing"], ["personal_care"]], "pinned_staff": ["nurse", "carer2"]}),
    );
    let plan = solver(&p).run().plan;
    assert!(violations(&p, &plan).is_empty());
    assert_eq!(pair(&plan, "dress"), ["carer2", "nurse"]);
}

#[test]
fn booking_slots_offer_only_mixed_pairs() {
    // The day without the visit, planned: the mixed visit is the one to book.
    let mut day_doc = doc(json!({}));
    let new = day_doc["visits"].as_array_mut().unwrap().remove(0);
    day_doc["visits"] = json!([{"id": "tea", "location": "other", "duration_min": 20,
                                "time_windows": [["15:00", "16:00"]], "skills": ["personal_care"]}]);
    let input: ProblemInput = parse_input(&day_doc.to_string()).unwrap();
    let p = validate(&input).unwrap();
    let plan = solver(&p).run().plan;
    let mut v = new;
    v["staff_skills"] = serde_json::from_str(MIXED).unwrap();
    let visit: VisitInput = serde_json::from_value(v).unwrap();
    let day = Day::new(&input, &plan).unwrap();
    let slots = day.slots(&visit, 5).unwrap();
    assert!(!slots.options.is_empty(), "{slots:?}");
    for o in &slots.options {
        let mut who = o.staff.clone();
        who.sort();
        assert_eq!(who.len(), 2);
        assert_eq!(who[1], "nurse", "{o:?}");
        // Booking it gives a plan the checker accepts.
        let booked = day.book(&visit, o).unwrap();
        let mut ext = input.clone();
        ext.visits.push(visit.clone());
        let q = validate(&ext).unwrap();
        assert!(
            violations(&q, &booked).is_empty(),
            "{:?}",
            violations(&q, &booked)
        );
    }
}

#[test]
fn retiming_rounds_by_hand_refuses_two_carers_on_a_mixed_double_up() {
    let p = problem(mixed());
    let travel = carerounds::travel::sources::build(&p).expect("travel");
    let rounds = |a: &str, b: &str| -> carerounds::model::input::BaselineInput {
        serde_json::from_value(
            json!({"routes": [{"staff": a, "visits": ["dress"]}, {"staff": b, "visits": ["dress"]}]}),
        )
        .unwrap()
    };
    let e = carerounds::retime::retime(&p, travel.clone(), &rounds("carer1", "carer2")).unwrap_err();
    assert_eq!(e.path.as_str(), "routes[1].visits[0]", "{e}");
    assert!(e.message.contains("mixed double-up"), "{e}");
    let plan = carerounds::retime::retime(&p, travel, &rounds("carer2", "nurse")).unwrap();
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
}

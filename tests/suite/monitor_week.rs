//! A week of monitoring (several days' plans against their visit logs): a hand-checked
//! two-day week figure by figure, the placing of records on days (by date, by visit id,
//! refused when neither works), date checks, several log files, every output and the page
//! in headless Chromium. The CLI is in `monitor_week_cli`, HTTP in `monitor_week_http`.
//!
//! The week: travel is 10 min between any two places; Ann (NHS) and Bob (Council) work
//! 08:00-12:00 with 60 admin minutes each day. Monday 2025-03-03 plans a1 for Ann and b1
//! for Bob, Tuesday 2025-03-04 a2 for Ann and b2 for Bob: each 09:00-09:30 (window
//! 09:00-10:00), out at 08:50, back at 09:40, so 190 minutes of office time planned a day.
//! The logs ([`LOGS`]): row 2 Ann a1 Monday 09:00-09:45 (overran 15, back 09:55: 175 office
//! minutes), row 3 Bob b1 Monday as planned, row 4 Ann a2 undated (placed on Tuesday by its
//! visit id) as planned, row 5 Bob b2 dated 2025-03-05 (neither day: refused), so b2 is
//! not logged and Bob's Tuesday is all office time (240).

use carerounds::model::{parse_problem, InputErrorKind, Plan, Problem};
use carerounds::monitor::{
    read_csv, render_week, Format, LogColumns, LogRead, LogSet, MonitorOptions, PlannedActual, Totals,
    VisitStatus, WeekDay, WeekError, WeekReport,
};
use carerounds::travel::TravelMatrix;
use serde_json::{json, Value};

pub(crate) const MON: &str = "2025-03-03";
pub(crate) const TUE: &str = "2025-03-04";

/// The week's logs (rows 2-5, see the module docs).
pub(crate) const LOGS: &str = "staff,visit,date,arrived,started,ended,note\n\
    ann,a1,2025-03-03,09:00,,09:45,\n\
    bob,b1,2025-03-03,09:00,,09:30,\n\
    ann,a2,,09:00,,09:30,\n\
    bob,b2,2025-03-05,09:00,,09:30,\n";

/// A day's problem with visits `ids[0]` (client c1) and `ids[1]` (client c2).
pub(crate) fn problem_json(ids: [&str; 2]) -> Value {
    let staff = |id: &str, org: &str| {
        json!({"id": id, "organisation": org, "shift": {"start": "08:00", "end": "12:00"},
               "start_location": "base", "admin_min": 60})
    };
    let visit = |id: &str, client: &str, at: &str| {
        json!({"id": id, "client": client, "location": at, "duration_min": 30,
               "time_windows": [["09:00", "10:00"]]})
    };
    let ten = |i: usize, j: usize| if i == j { 0 } else { 10 };
    let durations: Vec<Vec<u32>> = (0..3).map(|i| (0..3).map(|j| ten(i, j)).collect()).collect();
    let distances: Vec<Vec<u32>> = (0..3).map(|i| (0..3).map(|j| ten(i, j) / 2).collect()).collect();
    json!({
        "name": format!("week day {}", ids[0]),
        "travel": {"mode": "matrix", "durations_min": durations, "distances_km": distances},
        "locations": [{"id": "base"}, {"id": "L1"}, {"id": "L2"}],
        "staff": [staff("ann", "NHS"), staff("bob", "Council")],
        "visits": [visit(ids[0], "c1", "L1"), visit(ids[1], "c2", "L2")]
    })
}

/// The plan of [`problem_json`]: Ann makes `ids[0]`, Bob `ids[1]`, each 09:00-09:30.
pub(crate) fn plan_json(ids: [&str; 2]) -> Value {
    let route = |staff: &str, visit: &str| {
        json!({"staff": staff, "steps": [
            {"type": "start", "location": "base", "time": "08:50:00"},
            {"type": "visit", "visit": visit, "arrival": "09:00:00", "start": "09:00:00", "end": "09:30:00",
             "travel_min": 10.0, "distance_km": 0.0, "wait_min": 0.0, "late_min": 0.0},
            {"type": "end", "location": "base", "arrival": "09:40:00", "travel_min": 10.0, "distance_km": 0.0}],
         "travel_min": 20.0, "distance_km": 0.0, "visit_min": 30.0, "wait_min": 0.0, "break_min": 0.0,
         "free_min": 190.0})
    };
    json!({"routes": [route("ann", ids[0]), route("bob", ids[1])], "unassigned": [],
           "summary": {"travel_min": 40.0, "distance_km": 0.0, "visits_assigned": 2, "visits_unassigned": 0,
                       "free_min": 380.0, "overtime_min": 0.0, "lateness_min": 0.0, "max_lateness_min": 0.0,
                       "objective": 40.0}})
}

struct Day {
    date: &'static str,
    problem: Problem,
    travel: TravelMatrix,
    plan: Plan,
}

fn day(date: &'static str, ids: [&str; 2]) -> Day {
    let problem = parse_problem(&problem_json(ids).to_string()).unwrap();
    let travel = TravelMatrix::computed(&problem).unwrap();
    let plan: Plan = serde_json::from_value(plan_json(ids)).unwrap();
    Day {
        date,
        problem,
        travel,
        plan,
    }
}

fn the_week() -> Vec<Day> {
    vec![day(MON, ["a1", "b1"]), day(TUE, ["a2", "b2"])]
}

fn csv(text: &str) -> LogRead {
    read_csv(text, &LogColumns::default()).unwrap()
}

fn week_of(days: &[Day], logs: &[(&str, &LogRead)]) -> Result<WeekReport, WeekError> {
    let days: Vec<WeekDay> = days
        .iter()
        .map(|d| WeekDay {
            date: d.date,
            problem: &d.problem,
            travel: &d.travel,
            plan: &d.plan,
        })
        .collect();
    let sets: Vec<LogSet> = logs.iter().map(|(name, logs)| LogSet { name, logs }).collect();
    WeekReport::new(&days, &sets, &MonitorOptions::default())
}

pub(crate) fn hand_week() -> WeekReport {
    week_of(&the_week(), &[("week.csv", &csv(LOGS))]).unwrap()
}

fn pa(planned: f64, actual: f64) -> PlannedActual {
    PlannedActual::new(planned, actual)
}

/// One staff member's day with one visit planned, 60 admin minutes.
fn one(logged: usize, contact: PlannedActual, office: PlannedActual) -> Totals {
    Totals {
        staff: 1,
        visits_planned: 1,
        visits_logged: logged,
        made: logged,
        not_logged: 1 - logged,
        contact_min: contact,
        office_min: office,
        admin_min: 60.0,
        ..Default::default()
    }
}

#[test]
fn hand_checked_week_by_staff_organisation_and_team() {
    let r = hand_week();
    assert_eq!(r.dates, [MON, TUE]);
    let ann_mon = Totals {
        overran: 1,
        overrun_min: 15.0,
        ..one(1, pa(30.0, 45.0), pa(190.0, 175.0))
    };
    let ann_tue = one(1, pa(30.0, 30.0), pa(190.0, 190.0));
    let bob_mon = one(1, pa(30.0, 30.0), pa(190.0, 190.0));
    let bob_tue = one(0, pa(30.0, 0.0), pa(190.0, 240.0));
    let names: Vec<(&str, &str)> = r
        .staff
        .iter()
        .map(|s| (s.name.as_str(), s.organisation.as_str()))
        .collect();
    assert_eq!(names, [("ann", "NHS"), ("bob", "Council")]);
    assert_eq!(r.staff[0].days, [Some(ann_mon), Some(ann_tue)]);
    assert_eq!(r.staff[1].days, [Some(bob_mon), Some(bob_tue)]);
    let ann = Totals {
        staff: 1,
        visits_planned: 2,
        visits_logged: 2,
        made: 2,
        overran: 1,
        contact_min: pa(60.0, 75.0),
        overrun_min: 15.0,
        office_min: pa(380.0, 365.0),
        admin_min: 120.0,
        ..Default::default()
    };
    let bob = Totals {
        staff: 1,
        visits_planned: 2,
        visits_logged: 1,
        made: 1,
        not_logged: 1,
        contact_min: pa(60.0, 30.0),
        office_min: pa(380.0, 430.0),
        admin_min: 120.0,
        ..Default::default()
    };
    assert_eq!(r.staff[0].week, ann);
    assert_eq!(r.staff[1].week, bob);
    let orgs: Vec<&str> = r.organisations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(orgs, ["NHS", "Council"]);
    assert_eq!(r.organisations[0].week, ann);
    assert_eq!(r.organisations[1].week, bob);
    assert_eq!(r.organisations[1].days[1].as_ref().map(|t| t.not_logged), Some(1));
    let team = Totals {
        staff: 2,
        visits_planned: 4,
        visits_logged: 3,
        made: 3,
        not_logged: 1,
        overran: 1,
        contact_min: pa(120.0, 105.0),
        overrun_min: 15.0,
        office_min: pa(760.0, 795.0),
        admin_min: 240.0,
        ..Default::default()
    };
    assert_eq!(r.team.week, team);
    // Each day's team is that day's report's; its `staff` counts the day's staff.
    assert_eq!(r.team.days[0].staff, 2);
    assert_eq!(r.team.days[1].contact_min, pa(60.0, 30.0));
    assert_eq!(r.days[0].report.team, r.team.days[0]);
}

#[test]
fn records_go_to_the_day_of_their_date_or_of_their_visit() {
    let r = hand_week();
    // Row 4 has no date: a2 is planned on Tuesday only.
    let a2 = r.days[1]
        .report
        .visits
        .iter()
        .find(|v| v.visit.as_deref() == Some("a2"))
        .unwrap();
    assert_eq!((a2.status, a2.row), (VisitStatus::Made, Some(4)));
    let b2 = r.days[1]
        .report
        .visits
        .iter()
        .find(|v| v.visit.as_deref() == Some("b2"))
        .unwrap();
    assert_eq!(b2.status, VisitStatus::NotLogged);
    let a1 = r.days[0]
        .report
        .visits
        .iter()
        .position(|v| v.visit.as_deref() == Some("a1"))
        .unwrap();
    assert_eq!(r.days[0].sources[a1].as_deref(), Some("week.csv"));
    // Row 5 is dated to neither day: refused, once, at the week level.
    assert_eq!(r.refused.len(), 1, "{:?}", r.refused);
    let e = &r.refused[0];
    assert_eq!(
        (
            e.logs.as_str(),
            e.date.as_deref(),
            e.refused.row,
            e.refused.column.as_deref(),
            e.refused.kind
        ),
        ("week.csv", None, Some(5), Some("date"), InputErrorKind::Conflict)
    );
    assert_eq!(
        e.to_string(),
        "week.csv: row 5, column date: dated 2025-03-05, which is none of the days reported \
         (2025-03-03, 2025-03-04): give that day's problem and plan, or fix the date"
    );
    assert!(r.days.iter().all(|d| d.report.refused.is_empty()));
}

#[test]
fn an_undated_record_of_a_visit_planned_on_two_days_is_refused() {
    let days = vec![day(MON, ["a1", "b1"]), day(TUE, ["a1", "b1"])];
    let logs = csv("staff,visit,arrived,ended\nann,a1,09:00,09:30\nbob,b9,09:00,09:30\n");
    let r = week_of(&days, &[("logs", &logs)]).unwrap();
    let got: Vec<(Option<usize>, InputErrorKind, String)> = r
        .refused
        .iter()
        .map(|e| (e.refused.row, e.refused.kind, e.refused.message.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Some(2),
                InputErrorKind::Conflict,
                "no date, and visit 'a1' is planned on 2025-03-03 and 2025-03-04: give the date \
                 (YYYY-MM-DD) to say which day"
                    .to_string()
            ),
            (
                Some(3),
                InputErrorKind::MissingField,
                "no date, and visit 'b9' is planned on none of the days reported (2025-03-03, \
                 2025-03-04): give the date (YYYY-MM-DD)"
                    .to_string()
            ),
        ]
    );
    assert_eq!(r.team.week.visits_logged, 0);
}

#[test]
fn dates_must_be_days_of_the_calendar_and_distinct() {
    let logs = csv(LOGS);
    let twice = vec![day(MON, ["a1", "b1"]), day(MON, ["a2", "b2"])];
    let e = week_of(&twice, &[("logs", &logs)]).unwrap_err();
    assert_eq!(
        e,
        WeekError::DuplicateDate {
            day: 1,
            first: 0,
            date: MON.into()
        }
    );
    let bad = vec![day("2025-02-29", ["a1", "b1"])];
    let e = week_of(&bad, &[("logs", &logs)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "days[0].date: \"2025-02-29\" is not a date YYYY-MM-DD (for example 2025-03-04)"
    );
    assert_eq!(week_of(&[], &[("logs", &logs)]).unwrap_err(), WeekError::NoDays);
}

#[test]
fn days_given_out_of_order_are_reported_earliest_first() {
    let mut days = the_week();
    days.reverse();
    let r = week_of(&days, &[("week.csv", &csv(LOGS))]).unwrap();
    assert_eq!(r, hand_week());
}

#[test]
fn rows_of_two_files_stay_apart_and_a_repeat_names_the_first_file() {
    let monday = csv("staff,visit,date,arrived,ended\nann,a1,2025-03-03,09:00,09:45\n");
    let tuesday =
        csv("staff,visit,date,arrived,ended\nann,a2,2025-03-04,09:00,09:30\nann,a1,2025-03-03,09:00,09:45\n");
    let r = week_of(&the_week(), &[("mon.csv", &monday), ("tue.csv", &tuesday)]).unwrap();
    assert_eq!(r.refused.len(), 1, "{:?}", r.refused);
    let e = &r.refused[0];
    assert_eq!(
        (e.logs.as_str(), e.date.as_deref(), e.refused.row, e.refused.kind),
        ("tue.csv", Some(MON), Some(3), InputErrorKind::Duplicate)
    );
    assert!(
        e.refused.message.contains("(mon.csv row 2)"),
        "{}",
        e.refused.message
    );
    let rows: Vec<(Option<usize>, Option<&str>)> = r
        .days
        .iter()
        .flat_map(|d| d.report.visits.iter().zip(&d.sources))
        .filter(|(v, _)| v.status == VisitStatus::Made)
        .map(|(v, s)| (v.row, s.as_deref()))
        .collect();
    assert_eq!(rows, [(Some(2), Some("mon.csv")), (Some(2), Some("tue.csv"))]);
}

#[test]
fn every_format_shows_the_week() {
    let r = hand_week();
    let text = render_week(&r, Format::Text);
    for want in [
        "Planned against actual, the week: 2025-03-03 to 2025-03-04 (2 days)",
        "staff  organisation  2025-03-03  2025-03-04      week\n\
         ann    NHS             30/45 o1       30/30  60/75 o1\n\
         bob    Council            30/30     30/0 u1  60/30 u1\n",
        "organisation  staff  2025-03-03  2025-03-04           week\n\
         NHS               1    30/45 o1       30/30       60/75 o1\n\
         Council           1       30/30     30/0 u1       60/30 u1\n\
         team              2    60/75 o1    60/30 u1  120/105 o1 u1\n",
        "2025-03-04  b2     c2      bob    09:00-09:30            -        30           -      -  not logged\n\
         2025-03-03  a1     c1      ann    09:00-09:30  09:00-09:45        30          45      0  overran 15 min\n",
        "Refused rows (1)",
        "  week.csv: row 5, column date: dated 2025-03-05",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    let v: Value = serde_json::from_str(&render_week(&r, Format::Json)).unwrap();
    assert_eq!(v["team"]["week"]["overrun_min"], 15.0);
    assert_eq!(v["staff"][1]["days"][1]["not_logged"], 1);
    assert_eq!(v["refused"][0]["row"], 5);
    assert_eq!(v["refused"][0]["logs"], "week.csv");
    assert_eq!(v["days"][1]["report"]["date"], TUE);
    let table = render_week(&r, Format::Csv);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(
        lines[0].starts_with("date,logs,visit,client,status,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("2025-03-03,week.csv,a1,c1,made,ann"),
        "{}",
        lines[1]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2025-03-04,,b2,c2,not_logged,bob")),
        "{table}"
    );
    let html = render_week(&r, Format::Html);
    assert!(html.contains("<h1>Planned against actual: the week</h1>"));
    assert!(
        html.contains("<td class=\"g2\">30/45 o1</td>"),
        "the 15-minute gap is the third colour"
    );
    assert!(
        html.contains("<td class=\"g3\">30/0 u1</td>"),
        "the 30-minute gap is the last colour"
    );
    assert_eq!(
        html.matches("<svg class=\"gantt\"").count(),
        4,
        "two staff on each of two days"
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
}

/// The week page in headless Chromium (as the day page's test): it loads, and the grid,
/// the week's tables and each day's timelines are in its DOM. Skipped when Chromium is not
/// installed, except under CI (CI=true), where it must run.
#[test]
fn week_html_renders_in_headless_chromium() {
    let Some(dom) = crate::monitor::chromium_dom(&render_week(&hand_week(), Format::Html), "week.html")
    else {
        return;
    };
    for text in [
        "<h1>Planned against actual: the week</h1>",
        "Contact minutes by staff member and day",
        "<td class=\"g2\">30/45 o1</td>",
        "Visits of the week, worst first",
        "2025-03-04: each staff member's day",
        ">Logged</text>",
        "week.csv: row 5, column date",
    ] {
        assert!(dom.contains(text), "the rendered page lacks {text:?}");
    }
    assert_eq!(dom.matches("<svg class=\"gantt\"").count(), 4);
}

//! Monitoring (planned against actual from visit logs): a hand-checked day figure by figure,
//! the log reader's refusals, matching by client and by other staff, every output, the CLI,
//! the HTTP endpoint and the HTML page in headless Chromium.
//!
//! The day (tests/common/monitor_*): travel is 10 min between any two places. Ann (NHS,
//! 08:00-16:00, admin 60) is planned v1 09:00-09:30, v2 10:00-11:00 (arrives 09:40), v3
//! 11:10-11:50, back 12:00. Bob (Council, 08:00-12:00, admin 135) is planned v4
//! 09:00-09:30, v5 10:00-10:20 (arrives 09:40), back 10:30. v6 is unassigned. Logged: v1
//! 09:05-09:50 (overran 15), v2 arrived 10:05, 10:10-10:40 (30 of 60: cut short), v3 arrived
//! 12:10, 12:15-12:55 (15 late against 11:00-12:00), v4 as planned, v6 10:00-10:30 by bob
//! (logged but not planned); v5 not logged.

use carerounds::model::InputErrorKind;
use carerounds::model::{parse_problem, Plan, Problem};
use carerounds::monitor::{
    read_csv, read_json, render, Format, LogColumns, LogRead, MonitorOptions, MonitorReport, PlannedActual,
    Totals, VisitRow, VisitStatus,
};
use carerounds::travel::TravelMatrix;
use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common");
const HEADER: &str = "staff,visit,arrived,started,ended,note\n";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn day() -> (Problem, TravelMatrix, Plan) {
    let problem = parse_problem(&fixture("monitor_problem.json")).unwrap();
    let travel = TravelMatrix::computed(&problem).unwrap();
    let plan: Plan = serde_json::from_str(&fixture("monitor_plan.json")).unwrap();
    (problem, travel, plan)
}

fn report_of(logs: &LogRead, options: &MonitorOptions) -> MonitorReport {
    let (problem, travel, plan) = day();
    MonitorReport::new(&problem, &travel, &plan, logs, options).unwrap()
}

fn csv_report(text: &str) -> MonitorReport {
    report_of(
        &read_csv(text, &LogColumns::default()).unwrap(),
        &MonitorOptions::default(),
    )
}

fn hand_day() -> MonitorReport {
    csv_report(&fixture("monitor_logs.csv"))
}

fn pa(planned: f64, actual: f64) -> PlannedActual {
    PlannedActual::new(planned, actual)
}

fn row<'a>(r: &'a MonitorReport, visit: &str) -> &'a VisitRow {
    r.visits
        .iter()
        .find(|v| v.visit.as_deref() == Some(visit))
        .unwrap_or_else(|| panic!("no row for {visit}"))
}

fn clocks(t: Option<carerounds::monitor::Times>) -> Option<[String; 3]> {
    t.map(|t| [t.arrival.to_string(), t.start.to_string(), t.end.to_string()])
}

fn hms(a: &str, s: &str, e: &str) -> Option<[String; 3]> {
    Some([format!("{a}:00"), format!("{s}:00"), format!("{e}:00")])
}

#[test]
fn hand_checked_day_visit_by_visit() {
    let r = hand_day();
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    // Worst first: v3 (65 min late start), v2 (10 + 30), v6 (30 unplanned), v1 (5 + 15)
    // and v5 (20 not logged) tie and go by staff, v4 as planned.
    let order: Vec<&str> = r.visits.iter().map(|v| v.visit.as_deref().unwrap()).collect();
    assert_eq!(order, ["v3", "v2", "v6", "v1", "v5", "v4"]);
    let deviation: Vec<f64> = r.visits.iter().map(|v| v.deviation_min).collect();
    assert_eq!(deviation, [65.0, 40.0, 30.0, 20.0, 20.0, 0.0]);

    let v1 = row(&r, "v1");
    assert_eq!(v1.status, VisitStatus::Made);
    assert_eq!(
        (v1.staff.as_str(), v1.planned_staff.as_deref()),
        ("ann", Some("ann"))
    );
    assert_eq!(
        (v1.client.as_str(), v1.organisation.as_str(), v1.row),
        ("c1", "NHS", Some(2))
    );
    assert_eq!(clocks(v1.planned), hms("09:00", "09:00", "09:30"));
    assert_eq!(clocks(v1.actual), hms("09:05", "09:05", "09:50"));
    assert_eq!(
        (v1.planned_contact_min, v1.actual_contact_min),
        (Some(30.0), Some(45.0))
    );
    assert_eq!((v1.planned_travel_min, v1.actual_travel_min), (None, None));
    assert_eq!((v1.planned_wait_min, v1.actual_wait_min), (Some(0.0), Some(0.0)));
    assert_eq!(v1.start_delay_min, Some(5.0));
    assert_eq!(
        (v1.planned_late_min, v1.late_min, v1.early_min),
        (Some(0.0), Some(0.0), Some(0.0))
    );
    assert_eq!(
        (v1.overrun_min, v1.overran, v1.cut_short, v1.late),
        (15.0, true, false, false)
    );

    let v2 = row(&r, "v2");
    assert_eq!(v2.status, VisitStatus::Made);
    assert_eq!(clocks(v2.planned), hms("09:40", "10:00", "11:00"));
    assert_eq!(clocks(v2.actual), hms("10:05", "10:10", "10:40"));
    assert_eq!(
        (v2.planned_contact_min, v2.actual_contact_min),
        (Some(60.0), Some(30.0))
    );
    assert_eq!(
        (v2.planned_travel_min, v2.actual_travel_min),
        (Some(10.0), Some(15.0))
    );
    assert_eq!((v2.planned_wait_min, v2.actual_wait_min), (Some(20.0), Some(5.0)));
    assert_eq!(v2.start_delay_min, Some(10.0));
    assert_eq!((v2.late_min, v2.early_min), (Some(0.0), Some(0.0)));
    assert_eq!(
        (v2.overrun_min, v2.overran, v2.cut_short, v2.late),
        (0.0, false, true, false)
    );

    let v3 = row(&r, "v3");
    assert_eq!(v3.status, VisitStatus::Made);
    assert_eq!(clocks(v3.actual), hms("12:10", "12:15", "12:55"));
    assert_eq!(
        (v3.planned_contact_min, v3.actual_contact_min),
        (Some(40.0), Some(40.0))
    );
    assert_eq!(
        (v3.planned_travel_min, v3.actual_travel_min),
        (Some(10.0), Some(90.0))
    );
    assert_eq!((v3.planned_wait_min, v3.actual_wait_min), (Some(0.0), Some(5.0)));
    assert_eq!(v3.start_delay_min, Some(65.0));
    assert_eq!((v3.planned_late_min, v3.late_min), (Some(0.0), Some(15.0)));
    assert_eq!(
        (v3.overrun_min, v3.overran, v3.cut_short, v3.late),
        (0.0, false, false, true)
    );

    let v4 = row(&r, "v4");
    assert_eq!(
        (v4.status, v4.staff.as_str(), v4.organisation.as_str()),
        (VisitStatus::Made, "bob", "Council")
    );
    assert_eq!(
        (v4.start_delay_min, v4.actual_contact_min),
        (Some(0.0), Some(30.0))
    );
    assert!(!v4.overran && !v4.cut_short && !v4.late);

    let v5 = row(&r, "v5");
    assert_eq!(v5.status, VisitStatus::NotLogged);
    assert_eq!(
        (v5.staff.as_str(), v5.planned_staff.as_deref(), v5.row),
        ("bob", Some("bob"), None)
    );
    assert_eq!(clocks(v5.planned), hms("09:40", "10:00", "10:20"));
    assert_eq!(
        (v5.actual, v5.actual_contact_min, v5.start_delay_min),
        (None, None, None)
    );
    assert_eq!(
        (v5.planned_contact_min, v5.planned_travel_min, v5.planned_wait_min),
        (Some(20.0), Some(10.0), Some(20.0))
    );

    let v6 = row(&r, "v6");
    assert_eq!(v6.status, VisitStatus::Unplanned);
    assert_eq!(
        (v6.staff.as_str(), v6.planned_staff.as_deref(), v6.client.as_str()),
        ("bob", None, "c6")
    );
    assert_eq!((v6.planned, v6.planned_contact_min), (None, None));
    assert_eq!(
        (v6.actual_contact_min, v6.actual_travel_min, v6.actual_wait_min),
        (Some(30.0), Some(30.0), Some(0.0))
    );
    assert_eq!(
        (v6.late_min, v6.early_min, v6.late),
        (Some(0.0), Some(0.0), false)
    );
}

/// Ann: office 480 - (08:55 .. 13:05) = 230 against 290 planned; Bob: 240 - (08:50 ..
/// 10:40) = 130 against 140, 5 short of his 135 admin minutes.
#[test]
fn hand_checked_day_by_staff_organisation_and_team() {
    let r = hand_day();
    let ann = Totals {
        staff: 1,
        visits_planned: 3,
        visits_logged: 3,
        made: 3,
        other_staff: 0,
        not_logged: 0,
        unplanned: 0,
        overran: 1,
        cut_short: 1,
        late_visits: 1,
        contact_min: pa(130.0, 115.0),
        travel_min: pa(20.0, 105.0),
        wait_min: pa(20.0, 10.0),
        late_min: pa(0.0, 15.0),
        overrun_min: 15.0,
        cut_short_min: 30.0,
        office_min: pa(290.0, 230.0),
        admin_min: 60.0,
        admin_shortfall_min: 0.0,
        overtime_min: pa(0.0, 0.0),
    };
    let bob = Totals {
        staff: 1,
        visits_planned: 2,
        visits_logged: 2,
        made: 1,
        other_staff: 0,
        not_logged: 1,
        unplanned: 1,
        overran: 0,
        cut_short: 0,
        late_visits: 0,
        contact_min: pa(50.0, 60.0),
        travel_min: pa(10.0, 30.0),
        wait_min: pa(20.0, 0.0),
        late_min: pa(0.0, 0.0),
        overrun_min: 0.0,
        cut_short_min: 0.0,
        office_min: pa(140.0, 130.0),
        admin_min: 135.0,
        admin_shortfall_min: 5.0,
        overtime_min: pa(0.0, 0.0),
    };
    let staff: Vec<(&str, &str)> = r
        .staff
        .iter()
        .map(|s| (s.staff.as_str(), s.organisation.as_str()))
        .collect();
    assert_eq!(staff, [("ann", "NHS"), ("bob", "Council")]);
    assert_eq!(r.staff[0].figures, ann);
    assert_eq!(r.staff[1].figures, bob);
    let orgs: Vec<&str> = r.organisations.iter().map(|o| o.organisation.as_str()).collect();
    assert_eq!(orgs, ["NHS", "Council"]);
    assert_eq!(r.organisations[0].figures, ann);
    assert_eq!(r.organisations[1].figures, bob);
    let team = Totals {
        staff: 2,
        visits_planned: 5,
        visits_logged: 5,
        made: 4,
        other_staff: 0,
        not_logged: 1,
        unplanned: 1,
        overran: 1,
        cut_short: 1,
        late_visits: 1,
        contact_min: pa(180.0, 175.0),
        travel_min: pa(30.0, 135.0),
        wait_min: pa(40.0, 10.0),
        late_min: pa(0.0, 15.0),
        overrun_min: 15.0,
        cut_short_min: 30.0,
        office_min: pa(430.0, 360.0),
        admin_min: 195.0,
        admin_shortfall_min: 5.0,
        overtime_min: pa(0.0, 0.0),
    };
    assert_eq!(r.team, team);
    assert_eq!(r.cut_short_share, 0.75);
}

#[test]
fn the_cut_short_share_is_a_setting() {
    let logs = read_csv(&fixture("monitor_logs.csv"), &LogColumns::default()).unwrap();
    // 30 of 60 is not below 50%.
    let half = MonitorOptions {
        cut_short_share: 0.5,
        ..Default::default()
    };
    assert!(!row(&report_of(&logs, &half), "v2").cut_short);
    let (problem, travel, plan) = day();
    let bad = MonitorOptions {
        cut_short_share: 1.5,
        ..Default::default()
    };
    assert!(MonitorReport::new(&problem, &travel, &plan, &logs, &bad).is_err());
    // A note explains a short visit: not counted as cut short.
    let noted = csv_report(&format!("{HEADER}ann,v2,10:05,10:10,10:20,no_access\n"));
    assert!(!row(&noted, "v2").cut_short);
    assert_eq!(row(&noted, "v2").note.as_deref(), Some("no_access"));
}

#[test]
fn bad_csv_rows_each_get_their_own_message_and_the_rest_is_reported() {
    let text = format!(
        "{HEADER}ann,v1,09:05,09:05,09:50,\n\
         ann,v2,10:05\n\
         ann,v3,12:10,12:15,11:55,\n\
         zoe,v4,09:00,,09:30,\n\
         bob,v4,9h00,,09:30,\n\
         bob,v6,10:00,,10:30,\n\
         ,v5,10:00,,10:20,\n"
    );
    let r = csv_report(&text);
    let got: Vec<(Option<usize>, Option<&str>, InputErrorKind)> = r
        .refused
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.kind))
        .collect();
    assert_eq!(
        got,
        [
            (Some(3), Some("ended"), InputErrorKind::MissingField),
            (Some(4), Some("ended"), InputErrorKind::Conflict),
            (Some(5), Some("staff"), InputErrorKind::UnknownReference),
            (Some(6), Some("arrived"), InputErrorKind::InvalidValue),
            (Some(8), Some("staff"), InputErrorKind::MissingField),
        ]
    );
    let messages: Vec<String> = r.refused.iter().map(|e| e.to_string()).collect();
    assert!(
        messages[0].starts_with("row 3, column ended: missing: the row has 3 cells but the header has 6"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("row 4, column ended: end 11:55:00 is before start 12:15:00"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with("row 5, column staff: staff 'zoe' is not in the problem"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with("row 6, column arrived: \"9h00\" is not a time HH:MM or HH:MM:SS"),
        "{}",
        messages[3]
    );
    assert!(
        messages[4].starts_with("row 8, column staff: empty"),
        "{}",
        messages[4]
    );
    // The good rows are reported; refused ones count nowhere.
    assert_eq!(r.team.visits_logged, 2);
    assert_eq!(row(&r, "v1").status, VisitStatus::Made);
    assert_eq!(row(&r, "v6").status, VisitStatus::Unplanned);
    for v in ["v2", "v3", "v4", "v5"] {
        assert_eq!(row(&r, v).status, VisitStatus::NotLogged, "{v}");
    }
    let text = render(&r, Format::Text);
    assert!(
        text.contains("Refused rows (5)") && text.contains("row 6, column arrived"),
        "{text}"
    );
}

#[test]
fn bom_semicolons_mapped_headers_and_blank_trailing_rows_are_accepted() {
    let plain = hand_day();
    let text = "\u{feff}Carer;Visit;Check in;Care start;Check out;Reason\r\n\
                ann;v1;09:05;09:05:00;09:50;\r\nann;v2;10:05;10:10;10:40;\r\nann;v3;12:10;12:15;12:55;\r\n\
                bob;v4;09:00;;09:30;\r\nbob;v6;10:00;;10:30;\r\n;;;;;\r\n\r\n";
    let mut c = LogColumns::default();
    for (f, h) in [
        ("staff", "Carer"),
        ("arrived", "check in"),
        ("started", "Care start"),
        ("ended", "Check out"),
        ("note", "Reason"),
    ] {
        c.set(f, h).unwrap();
    }
    let logs = read_csv(text, &c).unwrap();
    assert!(logs.refused.is_empty(), "{:?}", logs.refused);
    let r = report_of(&logs, &MonitorOptions::default());
    assert_eq!(r.team, plain.team);
    // Refusals cite the file's own header names.
    let logs = read_csv("\u{feff}Carer;Visit;Check in;Check out\nzoe;v1;09:00;09:30\n", &c).unwrap();
    let r = report_of(&logs, &MonitorOptions::default());
    assert_eq!(
        r.refused[0].to_string().split(':').next(),
        Some("row 2, column Carer")
    );
}

#[test]
fn a_header_without_a_required_column_says_which_and_how_to_map_it() {
    let e = read_csv("carer,visit,arrived,ended\n", &LogColumns::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("column staff: not in the header (carer,visit,arrived,ended)"),
        "{msg}"
    );
    assert!(msg.contains("--column staff=NAME"), "{msg}");
}

#[test]
fn json_logs_give_the_same_report() {
    let json = r#"[
        {"staff": "ann", "visit": "v1", "arrived": "09:05", "started": "09:05", "ended": "09:50"},
        {"staff": "ann", "visit": "v2", "arrived": "10:05", "started": "10:10", "ended": "10:40"},
        {"staff": "ann", "visit": "v3", "arrived": "12:10", "started": "12:15", "ended": "12:55"},
        {"staff": "bob", "visit": "v4", "arrived": 540, "ended": "09:30:00"},
        {"staff": "bob", "visit": "v6", "arrived": "10:00", "ended": "10:30", "note": null}
    ]"#;
    let r = report_of(&read_json(json).unwrap(), &MonitorOptions::default());
    assert_eq!(r.team, hand_day().team);
    assert_eq!(row(&r, "v4").index, Some(3));
}

#[test]
fn client_records_other_staff_dates_and_repeats() {
    let text = "staff,visit,client,date,arrived,ended\n\
                bob,v1,,,09:00,09:30\n\
                ann,,c2,2025-03-04,10:00,11:00\n\
                ann,,c3,2025-03-05,11:10,11:50\n\
                ann,,c9,2025-03-04,13:00,13:20\n\
                bob,v4,,,09:00,09:30\n\
                bob,v4,,,09:00,09:30\n";
    let options = MonitorOptions {
        date: Some("2025-03-04".into()),
        ..Default::default()
    };
    let r = report_of(&read_csv(text, &LogColumns::default()).unwrap(), &options);
    let v1 = row(&r, "v1");
    assert_eq!(
        (v1.status, v1.staff.as_str(), v1.planned_staff.as_deref()),
        (VisitStatus::OtherStaff, "bob", Some("ann"))
    );
    assert_eq!(v1.organisation, "Council");
    let v2 = row(&r, "v2");
    assert_eq!((v2.status, v2.row), (VisitStatus::Made, Some(3)));
    let c9 = r.visits.iter().find(|v| v.client == "c9").unwrap();
    assert_eq!((c9.status, c9.visit.as_deref()), (VisitStatus::Unplanned, None));
    let refused: Vec<(Option<usize>, Option<&str>, InputErrorKind)> = r
        .refused
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.kind))
        .collect();
    assert_eq!(
        refused,
        [
            (Some(4), Some("date"), InputErrorKind::Conflict),
            (Some(7), Some("visit"), InputErrorKind::Duplicate),
        ]
    );
    assert!(r.refused[1].message.contains("row 6"), "{}", r.refused[1]);
    assert_eq!(
        (r.staff[0].figures.other_staff, r.staff[1].figures.other_staff),
        (0, 1)
    );
    assert_eq!(r.staff[0].figures.made, 1, "ann made v2; v1 went to bob");
}

#[test]
fn json_csv_and_html_outputs_hold_every_visit() {
    let r = hand_day();
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    assert_eq!(json["visits"].as_array().unwrap().len(), 6);
    assert_eq!(json["visits"][0]["visit"], "v3");
    assert_eq!(json["visits"][0]["actual"]["start"], "12:15:00");
    assert_eq!(json["visits"][0]["status"], "made");
    assert_eq!(json["team"]["office_min"]["delta"], -70.0);
    assert_eq!(json["staff"][1]["figures"]["admin_shortfall_min"], 5.0);
    assert!(json.get("days").is_none());
    let csv = render(&r, Format::Csv);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rd.headers().unwrap().get(0), Some("visit"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(
        (&rows[0][0], &rows[0][2], &rows[0][13]),
        ("v3", "made", "12:15:00")
    );
    let html = render(&r, Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<svg class=\"gantt\"").count(),
        2,
        "a timeline per staff member"
    );
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    assert!(
        html.find(">v3<").unwrap() < html.find(">v4<").unwrap(),
        "worst first"
    );
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

#[test]
fn cli_writes_every_format_and_exits_2_on_bad_logs() {
    let dir = tempfile::tempdir().unwrap();
    let (problem, plan, logs) = (
        format!("{DIR}/monitor_problem.json"),
        format!("{DIR}/monitor_plan.json"),
        format!("{DIR}/monitor_logs.csv"),
    );
    for (format, check) in [
        ("text", "Planned against actual"),
        ("json", "\"cut_short_share\""),
        ("csv", "visit,client,status"),
        ("html", "<!DOCTYPE html>"),
    ] {
        let out = dir.path().join(format!("m.{format}"));
        let st = bin()
            .args([
                "monitor", &problem, "--plan", &plan, "--logs", &logs, "--format", format, "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        assert!(std::fs::read_to_string(&out).unwrap().contains(check), "{format}");
    }
    // A header without `ended`: nothing can be read, exit 2 naming the file and column.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "staff,visit,arrived\nann,v1,09:00\n").unwrap();
    let st = bin()
        .args(["monitor", &problem, "--plan", &plan, "--logs"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(err.contains("bad.csv") && err.contains("row 1.ended"), "{err}");
    // Bad rows: the report is still written, the rows are named on stderr, exit 2.
    let rows = dir.path().join("rows.csv");
    std::fs::write(
        &rows,
        format!("{HEADER}ann,v1,09:05,,09:50,\nann,v2,10:05,,9:61,\n"),
    )
    .unwrap();
    let st = bin()
        .args(["monitor", &problem, "--plan", &plan, "--format", "json", "--logs"])
        .arg(&rows)
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(err.contains("rows.csv: row 3, column ended: \"9:61\""), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(v["refused"][0]["row"], 3);
    assert_eq!(v["team"]["visits_logged"], 1);
    // A plan for someone else's staff, and bad flags: exit 2.
    let st = bin()
        .args([
            "monitor",
            &problem,
            "--plan",
            &plan,
            "--logs",
            &logs,
            "--cut-short-share",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&st.stderr).contains("--cut-short-share"));
    let st = bin()
        .args([
            "monitor", &problem, "--plan", &plan, "--logs", &logs, "--column", "colour=x",
        ])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
}

#[test]
fn cli_reads_json_logs_and_mapped_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (problem, plan) = (
        format!("{DIR}/monitor_problem.json"),
        format!("{DIR}/monitor_plan.json"),
    );
    let json = dir.path().join("logs.json");
    std::fs::write(
        &json,
        r#"[{"staff": "ann", "visit": "v1", "arrived": "09:05", "ended": "09:50"}]"#,
    )
    .unwrap();
    let st = bin()
        .args(["monitor", &problem, "--plan", &plan, "--format", "json", "--logs"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let csv = dir.path().join("ecm.csv");
    std::fs::write(&csv, "Carer;Visit;In;Out\nann;v1;09:05;09:50\n").unwrap();
    let st = bin()
        .args([
            "monitor",
            &problem,
            "--plan",
            &plan,
            "--format",
            "json",
            "--column",
            "staff=Carer",
        ])
        .args(["--column", "arrived=In", "--column", "ended=Out", "--logs"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let v: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(v["team"]["overrun_min"], 15.0);
}

/// `html` as headless Chromium has it once loaded (`--dump-dom`), from a file `name` in a
/// folder of its own; None (the test skips) when Chromium is not installed, except under
/// CI (CI=true), where it must run. The day and week pages' tests share it.
pub(crate) fn chromium_dom(html: &str, name: &str) -> Option<String> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but Chromium is not installed (apt-get install -y chromium)"
        );
        eprintln!("skipped: Chromium is not installed (apt-get install -y chromium)");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join(name);
    std::fs::write(&page, html).unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Renders the page in headless Chromium and reads back the DOM: the page loads, and its
/// text (titles, the worst visit, both timelines) is there. Skipped when Chromium is not
/// installed, except under CI (CI=true), where it must run.
#[test]
fn html_renders_in_headless_chromium() {
    let Some(dom) = chromium_dom(&render(&hand_day(), Format::Html), "monitor.html") else {
        return;
    };
    for text in [
        "<h1>Planned against actual</h1>",
        "Visits, worst first",
        "cut short (50% of planned, below 75%)",
        "overran 15 min",
        "not logged",
        "logged but not planned",
        ">Planned</text>",
        ">Logged</text>",
        "Council",
    ] {
        assert!(dom.contains(text), "the rendered page lacks {text:?}");
    }
    assert_eq!(dom.matches("<svg class=\"gantt\"").count(), 2);
}

mod http {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use carerounds::api::{app, AppState, Config, Keys};
    use serde_json::{json, Value};
    use tower::ServiceExt;

    fn body(logs: Value) -> Value {
        let problem: Value = serde_json::from_str(&fixture("monitor_problem.json")).unwrap();
        let plan: Value = serde_json::from_str(&fixture("monitor_plan.json")).unwrap();
        let mut b = json!({"problem": problem, "plan": plan});
        b.as_object_mut()
            .unwrap()
            .extend(logs.as_object().unwrap().clone());
        b
    }

    async fn post(config: Config, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let dir = tempfile::tempdir().unwrap();
        let app = app(AppState::open(config, dir.path()).unwrap());
        let mut req = Request::post("/v1/monitor").header("content-type", "application/json");
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        let resp = app
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn csv_logs_give_the_cli_report() {
        let (status, v) = post(
            Config::default(),
            None,
            &body(json!({"logs_csv": fixture("monitor_logs.csv")})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let cli: Value = serde_json::from_str(&render(&hand_day(), Format::Json)).unwrap();
        assert_eq!(v, cli);
    }

    #[tokio::test]
    async fn a_bad_row_is_refused_and_the_rest_reported() {
        let logs = json!({"logs": [
            {"staff": "ann", "visit": "v1", "arrived": "09:05", "ended": "09:50"},
            {"staff": "zoe", "visit": "v2", "arrived": "10:05", "ended": "10:40"},
            {"staff": "ann", "visit": "v3", "arrived": "12:10", "ended": "eleven"}
        ]});
        let (status, v) = post(Config::default(), None, &body(logs)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["team"]["visits_logged"], 1);
        assert_eq!(v["team"]["overrun_min"], 15.0);
        assert_eq!(v["refused"][0]["index"], 1);
        assert_eq!(v["refused"][0]["column"], "staff");
        assert_eq!(v["refused"][0]["kind"], "unknown_reference");
        assert_eq!(v["refused"][1]["index"], 2);
        assert_eq!(v["refused"][1]["column"], "ended");
        let mapped = json!({"logs_csv": "Carer,Visit,In,Out\nann,v1,09:05,09:50\n",
                            "columns": {"staff": "Carer", "arrived": "In", "ended": "Out"}});
        let (status, v) = post(Config::default(), None, &body(mapped)).await;
        assert_eq!(
            (status, &v["team"]["overrun_min"]),
            (StatusCode::OK, &json!(15.0)),
            "{v}"
        );
    }

    #[tokio::test]
    async fn unusable_requests_name_the_field() {
        for (logs, path) in [
            (json!({}), "logs"),
            (json!({"logs": [], "logs_csv": "x"}), "logs"),
            (json!({"logs_csv": "staff,visit\n"}), "logs_csv"),
            (json!({"logs": [], "cut_short_share": 0}), "cut_short_share"),
            (json!({"logs": [], "date": "4 March"}), "date"),
        ] {
            let (status, v) = post(Config::default(), None, &body(logs.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{logs}: {v}");
            assert_eq!(v["error"]["path"], path, "{v}");
        }
        let mut b = body(json!({"logs": []}));
        b["plan"]["routes"][0]["staff"] = json!("zoe");
        let (status, v) = post(Config::default(), None, &b).await;
        assert_eq!(
            (status, v["error"]["path"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("plan.routes[0].staff"))
        );
    }

    #[tokio::test]
    async fn keys_and_size_limits_apply() {
        let keyed = || Config {
            keys: Some(Keys::from_plain(&[("north", "k-north")])),
            ..Config::default()
        };
        let b = body(json!({"logs_csv": fixture("monitor_logs.csv")}));
        assert_eq!(post(keyed(), None, &b).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(post(keyed(), Some("wrong"), &b).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(post(keyed(), Some("k-north"), &b).await.0, StatusCode::OK);
        let small = Config {
            max_staff: 1,
            ..Config::default()
        };
        let (status, v) = post(small, None, &b).await;
        assert_eq!(
            (status, v["error"]["path"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("problem.staff"))
        );
        let tiny = Config {
            body_limit: 1000,
            ..Config::default()
        };
        assert_eq!(post(tiny, None, &b).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let many =
            vec![json!({"staff": "ann", "visit": "v1", "arrived": "09:00", "ended": "09:30"}); 100_001];
        let (status, v) = post(Config::default(), None, &body(json!({"logs": many}))).await;
        assert_eq!(
            (status, v["error"]["path"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("logs"))
        );
    }

    #[test]
    fn the_openapi_document_has_the_endpoint() {
        let doc = serde_json::to_value(carerounds::api::openapi::doc()).unwrap();
        let op = &doc["paths"]["/v1/monitor"]["post"];
        assert!(op.is_object(), "POST /v1/monitor is documented");
        for schema in [
            "MonitorRequest",
            "MonitorReport",
            "VisitRow",
            "MonitorTotals",
            "RefusedRow",
            "VisitLog",
            "LogColumns",
        ] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
        }
    }
}

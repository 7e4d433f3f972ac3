//! The figures README.md and docs/REPORT.md quote about the sample day are made here from
//! the committed plan `data/sample-day-plan.json` (made by `scripts/sample_plan.sh`), so
//! they cannot drift from what `carerounds report` says. Each quoted block sits between
//! `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`; `UPDATE_FIGURES=1 cargo test
//! --release --test suite figures::` rewrites them.

use carerounds::check::check;
use carerounds::model::{parse_problem, Plan};
use carerounds::report::{render, Assumptions, Format, Report};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `1234.5` as `1,235` (or with `dp` decimals): the report's own formatting, with the
/// typographic minus the docs use.
fn num(x: f64, dp: usize) -> String {
    carerounds::report::num(x, dp).replacen('-', "−", 1)
}

fn signed(x: f64, dp: usize) -> String {
    if x > 0.0 {
        format!("+{}", num(x, dp))
    } else {
        num(x, dp)
    }
}

fn hours(min: f64) -> String {
    let m = min.abs().round() as i64;
    format!("{} h {} min", m / 60, m % 60)
}

struct Figures {
    visits: usize,
    staff: usize,
    report: Value,
    /// The same report with the illustrative hourly rates of docs/REPORT.md.
    costed: Value,
}

impl Figures {
    fn get(&self, side: &str, key: &str) -> f64 {
        let team = &self.report["plans"][0]["team"];
        team[side][key]
            .as_f64()
            .unwrap_or_else(|| panic!("team.{side}.{key}"))
    }

    fn readme_intro(&self) -> String {
        format!(
            "Only the Rust toolchain is needed. Plan the bundled sample day (a {}-person Rutland team,\n{} visits at real postcodes) and write the plan:",
            self.staff, self.visits
        )
    }

    fn readme_headline(&self) -> String {
        let d = |k: &str| -self.get("delta", k);
        format!(
            "On the sample day the plan in `data/sample-day-plan.json` (made by `scripts/sample_plan.sh`:\n\
             the sample day's 10 s budget on one thread) cuts travel by {}% against the booking-order\n\
             baseline: {} fewer travel minutes, {} fewer miles, £{} of mileage and {} kg CO2e, and\n\
             {} more office time in one day (`carerounds report`, default rates).",
            num(
                -self.report["plans"][0]["team"]["delta_pct"]["travel_min"]
                    .as_f64()
                    .unwrap(),
                1
            ),
            num(d("travel_min"), 0),
            num(d("distance_miles"), 0),
            num(d("cost_gbp"), 0),
            num(d("co2_kg"), 0),
            hours(self.get("delta", "free_min")),
        )
    }

    /// The trade-offs and the estimated value of driving time, as docs/REPORT.md quotes them.
    fn report_tradeoffs(&self) -> String {
        let team = &self.costed["plans"][0]["team"];
        let f = |side: &str, k: &str| team[side][k].as_f64().unwrap();
        let pct = |x: f64| format!("{} %", num(x, 1).trim_end_matches(".0"));
        let m = &self.costed["plans"][0]["contact_moved"];
        let mut out = format!(
            "- **Preferred-staff share**: {} as booked, {} in the plan ({} points).\n\
             - **Waiting at doors**: {} min as booked, {} min in the plan ({} min).\n\
             - **Contact time moved between organisations** (flagged above {} % of an organisation's booked contact time):\n",
            pct(f("baseline", "preferred_share_pct")),
            pct(f("plan", "preferred_share_pct")),
            signed(f("delta", "preferred_share_pct"), 1),
            num(f("baseline", "wait_min"), 0),
            num(f("plan", "wait_min"), 0),
            signed(f("delta", "wait_min"), 0),
            num(m["max_share_pct"].as_f64().unwrap(), 0),
        );
        for flow in m["flows"].as_array().unwrap() {
            let from = flow["from"].as_str().unwrap();
            let org = m["organisations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["organisation"] == from)
                .unwrap();
            out.push_str(&format!(
                "  - {from} → {}: {} min, {} % of {from}'s{};\n",
                flow["to"].as_str().unwrap(),
                num(flow["contact_min"].as_f64().unwrap(), 0),
                num(org["moved_out_share_pct"].as_f64().unwrap(), 1),
                if org["flagged"] == true { ", flagged" } else { "" },
            ));
        }
        let v = &self.costed["plans"][0]["staff_time_value"];
        let orgs: Vec<String> = v["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                format!(
                    "{}: {} min × £{}/h = £{}",
                    o["organisation"].as_str().unwrap(),
                    num(o["travel_min_saved"].as_f64().unwrap(), 0),
                    num(o["gbp_per_hour"].as_f64().unwrap(), 2),
                    num(o["value_gbp"].as_f64().unwrap(), 2)
                )
            })
            .collect();
        out.push_str(&format!(
            "- **Value of the driving time saved (an estimate)**: {}; £{} a day, about £{} a year \
             extrapolated.",
            orgs.join("; "),
            num(v["per_day_gbp"].as_f64().unwrap(), 2),
            num(v["per_year_gbp"].as_f64().unwrap(), 0),
        ));
        out
    }

    fn report_table(&self) -> String {
        let (b, p, dl) = (
            |k: &str| self.get("baseline", k),
            |k: &str| self.get("plan", k),
            |k: &str| self.get("delta", k),
        );
        let pct = self.report["plans"][0]["team"]["delta_pct"]["travel_min"]
            .as_f64()
            .unwrap();
        let m = |x: f64| format!("{} min", num(x, 0));
        let rows = [
            (
                "travel time".to_string(),
                format!("{} ({})", m(b("travel_min")), hours(b("travel_min"))),
                format!("{} ({})", m(p("travel_min")), hours(p("travel_min"))),
                format!("{} min ({} %)", signed(dl("travel_min"), 0), signed(pct, 1)),
            ),
            (
                "distance".into(),
                format!(
                    "{} miles ({} km)",
                    num(b("distance_miles"), 1),
                    num(b("distance_km"), 1)
                ),
                format!(
                    "{} miles ({} km)",
                    num(p("distance_miles"), 1),
                    num(p("distance_km"), 1)
                ),
                format!("{} miles", signed(dl("distance_miles"), 1)),
            ),
            (
                "mileage at 45p".into(),
                format!("£{}", num(b("cost_gbp"), 2)),
                format!("£{}", num(p("cost_gbp"), 2)),
                format!(
                    "{}£{}",
                    if dl("cost_gbp") < 0.0 { "−" } else { "+" },
                    num(dl("cost_gbp").abs(), 2)
                ),
            ),
            (
                "CO2e".into(),
                format!("{} kg", num(b("co2_kg"), 1)),
                format!("{} kg", num(p("co2_kg"), 1)),
                format!("{} kg", signed(dl("co2_kg"), 1)),
            ),
            (
                "free office time".into(),
                m(b("free_min")),
                m(p("free_min")),
                format!("{} min ({})", signed(dl("free_min"), 0), hours(dl("free_min"))),
            ),
            (
                "overtime".into(),
                m(b("overtime_min")),
                m(p("overtime_min")),
                format!("{} min", signed(dl("overtime_min"), 0)),
            ),
            (
                "visits outside their window".into(),
                num(b("outside_window_visits"), 0),
                num(p("outside_window_visits"), 0),
                signed(dl("outside_window_visits"), 0),
            ),
            (
                "waiting".into(),
                m(b("wait_min")),
                m(p("wait_min")),
                format!("{} min", signed(dl("wait_min"), 0)),
            ),
            (
                "preferred-staff share".into(),
                format!("{} %", num(b("preferred_share_pct"), 1).trim_end_matches(".0")),
                format!("{} %", num(p("preferred_share_pct"), 1).trim_end_matches(".0")),
                format!("{} points", signed(dl("preferred_share_pct"), 1)),
            ),
        ];
        let mut out = String::from("| team, one day | as booked | optimised | change |\n|---|---|---|---|\n");
        for (a, b, c, d) in rows {
            out.push_str(&format!("| {a} | {b} | {c} | {d} |\n"));
        }
        let checker = &self.report["baseline"]["checker"];
        let mut rules: Vec<(String, i64)> = checker["by_rule"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
            .collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let words = |rule: &str| {
            match rule {
                "time_window" => "time windows",
                "admin_time" => "admin time",
                "shift_end" => "shift ends",
                "max_travel" => "travel limits",
                "gap" => "gaps",
                "break" => "breaks",
                other => other,
            }
            .to_string()
        };
        let list: Vec<String> = rules.iter().map(|(r, n)| format!("{n} {}", words(r))).collect();
        let list = match list.len() {
            0 => "none".to_string(),
            1 => list[0].clone(),
            n => format!("{} and {}", list[..n - 1].join(", "), list[n - 1]),
        };
        let plan_violations = self.report["plans"][0]["checker"]["violations"].as_i64().unwrap();
        out.push_str(&format!(
            "\n- **Violations.** Timed by the same model, the booked day breaks {} rules: {list}.\n  The optimised plan breaks {}.\n",
            checker["violations"].as_i64().unwrap(),
            if plan_violations == 0 { "none".to_string() } else { plan_violations.to_string() }
        ));
        let ex = &self.report["plans"][0]["extrapolation"];
        let y = |k: &str| ex["per_year"][k].as_f64().unwrap();
        out.push_str(&format!(
            "- **Extrapolation to a year of {} working days** (not a measurement):\n  - about {} hours of driving;\n  - {} miles;\n  - £{} of mileage;\n  - {} t CO2e;\n  - {} hours of office time.",
            num(ex["days_per_year"].as_f64().unwrap(), 0),
            num(y("travel_hours"), 0),
            num(y("distance_miles"), 0),
            num(y("cost_gbp"), 0),
            num(y("co2_kg") / 1000.0, 1),
            num(y("free_hours"), 0),
        ));
        out
    }
}

fn figures() -> Figures {
    let problem = parse_problem(&read("data/sample-day.json")).expect("sample day");
    let plan: Plan = serde_json::from_str(&read("data/sample-day-plan.json")).expect("sample plan");
    let violations = check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan,
    );
    assert!(
        violations.is_empty(),
        "data/sample-day-plan.json no longer passes the checker ({} violations): run scripts/sample_plan.sh",
        violations.len()
    );
    let travel = std::sync::Arc::new(carerounds::travel::sources::build(&problem).expect("travel"));
    let plans = [("optimised".to_string(), plan)];
    let report = Report::new(&problem, travel.clone(), &plans, &Assumptions::default()).expect("report");
    let mut rates = Assumptions::default();
    rates.gbp_per_hour.insert("NHS".into(), 32.5);
    rates.gbp_per_hour.insert("Rutland County Council".into(), 14.5);
    let costed = Report::new(&problem, travel, &plans, &rates).expect("report");
    let json = |r: &Report| serde_json::from_str(&render(r, Format::Json)).expect("report json");
    Figures {
        visits: problem.visits.len(),
        staff: problem.staff.len(),
        report: json(&report),
        costed: json(&costed),
    }
}

/// Checks (or, with UPDATE_FIGURES=1, rewrites) the block `name` of `file`.
fn block(file: &str, name: &str, want: &str, failures: &mut Vec<String>) {
    let path = format!("{ROOT}/{file}");
    let text = std::fs::read_to_string(&path).unwrap();
    let (open, close) = (
        format!("<!-- figures:{name} -->\n"),
        format!("\n<!-- /figures:{name} -->"),
    );
    let start = text.find(&open).unwrap_or_else(|| panic!("{file}: no {open}")) + open.len();
    let end = start
        + text[start..]
            .find(&close)
            .unwrap_or_else(|| panic!("{file}: no {close}"));
    if &text[start..end] == want {
        return;
    }
    if std::env::var("UPDATE_FIGURES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{}{want}{}", &text[..start], &text[end..])).unwrap();
    } else {
        failures.push(format!(
            "{file} block {name}:\n--- quoted\n{}\n--- the tool says\n{want}\n",
            &text[start..end]
        ));
    }
}

#[test]
fn readme_and_report_docs_quote_the_tool() {
    let f = figures();
    let mut failures = Vec::new();
    block("README.md", "intro", &f.readme_intro(), &mut failures);
    block("README.md", "headline", &f.readme_headline(), &mut failures);
    block("docs/REPORT.md", "sample-day", &f.report_table(), &mut failures);
    block(
        "docs/REPORT.md",
        "sample-day-tradeoffs",
        &f.report_tradeoffs(),
        &mut failures,
    );
    assert!(
        failures.is_empty(),
        "figures drifted; run `UPDATE_FIGURES=1 cargo test --release --test suite figures::`\n{}",
        failures.join("\n")
    );
}

#[test]
fn numbers_read_as_in_the_docs() {
    assert_eq!(num(1718.4, 0), "1,718");
    assert_eq!(num(-1234567.891, 2), "−1,234,567.89");
    assert_eq!(signed(570.2, 0), "+570");
    assert_eq!(hours(570.0), "9 h 30 min");
    assert_eq!(num(-0.01, 0), "0");
}

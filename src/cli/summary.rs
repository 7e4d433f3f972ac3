//! The plan summary a scheduler reads after `solve`: one line per staff member, the
//! totals, a one-line legend, and the unassigned visits with their reasons. Times are
//! `HH:MM` (rounded to the minute), minutes are whole, free time is never negative
//! (time past the shift end is overtime, in its own column), and the solver's own
//! figures (iterations, work units) appear only with `--verbose`.

use carerounds::model::{Plan, Problem, Step};
use carerounds::solve::{Solved, StopReason};
use std::fmt::Write;

use carerounds::model::time::format_minute as hhmm;

/// One staff member's line.
struct Line {
    staff: String,
    visits: usize,
    out: Option<(f64, f64)>,
    travel: f64,
    distance: f64,
    waiting: f64,
    free: f64,
    overtime: f64,
}

fn lines(problem: &Problem, plan: &Plan) -> Vec<Line> {
    plan.routes
        .iter()
        .map(|r| {
            let visits = r.steps.iter().filter(|s| matches!(s, Step::Visit { .. })).count();
            let out = match (r.steps.first(), r.steps.last()) {
                (Some(Step::Start { time, .. }), Some(Step::End { arrival, .. })) if visits > 0 => {
                    Some((time.0, arrival.0))
                }
                _ => None,
            };
            let shift_end = problem
                .staff_index(&r.staff)
                .map(|s| problem.staff[s].shift_end)
                .unwrap_or(f64::INFINITY);
            let overtime = out.map_or(0.0, |(_, back)| (back - shift_end).max(0.0));
            Line {
                staff: r.staff.clone(),
                visits,
                out,
                travel: r.travel_min,
                distance: r.distance_km,
                waiting: r.wait_min,
                free: r.free_min.max(0.0),
                overtime,
            }
        })
        .collect()
}

/// The summary of `plan` for `problem`; `solved` adds how the run went.
pub fn summary(problem: &Problem, plan: &Plan, solved: &Solved, verbose: bool) -> String {
    let mut s = String::new();
    let name = if problem.name.is_empty() {
        "Plan"
    } else {
        &problem.name
    };
    let stop = match solved.stop {
        StopReason::Completed => "",
        StopReason::TimeLimit => ", stopped by the time limit",
        StopReason::Cancelled => ", cancelled",
    };
    let _ = writeln!(
        s,
        "{name}: {} visits planned, {} unassigned (planned in {:.1} s{stop})",
        plan.summary.visits_assigned,
        plan.unassigned.len(),
        solved.elapsed.as_secs_f64()
    );
    if verbose {
        let _ = writeln!(
            s,
            "search: {} iterations, {:.1}M work units, objective {:.2}",
            solved.iterations,
            solved.work as f64 / 1e6,
            plan.summary.objective
        );
    }
    s.push_str(&table(problem, plan));
    s
}

/// The table of `plan` for `problem` (a line per staff member, the totals, the legend),
/// then late starts, unassigned visits with their reasons and warnings: what every plan
/// a command writes is summarised by (`solve`, `retime`).
pub fn table(problem: &Problem, plan: &Plan) -> String {
    let mut s = String::new();
    let lines = lines(problem, plan);
    let w = lines.iter().map(|l| l.staff.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(
        s,
        "{:<w$}  {:>6}  {:>5}  {:>5}  {:>6}  {:>8}  {:>7}  {:>5}  {:>8}",
        "staff", "visits", "out", "back", "travel", "distance", "waiting", "free", "overtime"
    );
    let dash = |x: f64| {
        if x.round() > 0.0 {
            format!("{x:.0}")
        } else {
            "-".to_string()
        }
    };
    for l in &lines {
        let (out, back) = l
            .out
            .map_or(("-".into(), "-".into()), |(a, b)| (hhmm(a), hhmm(b)));
        let _ = writeln!(
            s,
            "{:<w$}  {:>6}  {:>5}  {:>5}  {:>6.0}  {:>8.1}  {:>7.0}  {:>5.0}  {:>8}",
            l.staff,
            l.visits,
            out,
            back,
            l.travel,
            l.distance,
            l.waiting,
            l.free,
            dash(l.overtime)
        );
    }
    let total = |f: fn(&Line) -> f64| lines.iter().map(f).sum::<f64>();
    // The team's day: the first to leave and the last back.
    let outs = || lines.iter().filter_map(|l| l.out);
    let first_out = outs().map(|o| o.0).reduce(f64::min).map_or("-".into(), hhmm);
    let last_back = outs().map(|o| o.1).reduce(f64::max).map_or("-".into(), hhmm);
    let _ = writeln!(
        s,
        "{:<w$}  {:>6}  {:>5}  {:>5}  {:>6.0}  {:>8.1}  {:>7.0}  {:>5.0}  {:>8}",
        "total",
        lines.iter().map(|l| l.visits).sum::<usize>(),
        first_out,
        last_back,
        total(|l| l.travel),
        total(|l| l.distance),
        total(|l| l.waiting),
        total(|l| l.free),
        dash(total(|l| l.overtime))
    );
    let _ = writeln!(
        s,
        "out/back: leaves and returns (HH:MM; total: the first out, the last back); a double-handed visit counts for both staff; travel, waiting, free (office time left in the shift) and overtime in minutes; distance in km"
    );
    let (trips, at_base) = base_time(plan);
    if trips > 0 {
        let _ = writeln!(
            s,
            "back to base: {trips} trip(s) in long gaps between visits, {at_base:.0} min of office time there (counted in free)"
        );
    }
    if plan.summary.lateness_min > 0.0 {
        let _ = writeln!(
            s,
            "late starts: {:.0} min in all, the latest {:.0} min past its window",
            plan.summary.lateness_min, plan.summary.max_lateness_min
        );
    }
    if !plan.unassigned.is_empty() {
        let _ = writeln!(s, "unassigned ({}):", plan.unassigned.len());
        for u in &plan.unassigned {
            let _ = writeln!(s, "  {}: {}", u.visit, u.reason);
        }
    }
    for w in &plan.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

/// The plan's trips to base and the office minutes they give: each base step's stay less
/// the breaks taken within it.
fn base_time(plan: &Plan) -> (usize, f64) {
    let (mut trips, mut minutes) = (0, 0.0);
    for r in &plan.routes {
        for (k, step) in r.steps.iter().enumerate() {
            let Step::Base {
                arrival, departure, ..
            } = step
            else {
                continue;
            };
            let on_break: f64 = r.steps[k + 1..]
                .iter()
                .map_while(|s| match s {
                    Step::Break { start, end } => Some((start.0, end.0)),
                    _ => None,
                })
                .filter(|&(a, b)| a >= arrival.0 && b <= departure.0)
                .map(|(a, b)| b - a)
                .sum();
            trips += 1;
            minutes += (departure.0 - arrival.0 - on_break).max(0.0);
        }
    }
    (trips, minutes)
}

#[cfg(test)]
mod tests {
    use super::hhmm;

    #[test]
    fn times_round_to_the_minute() {
        assert_eq!(hhmm(449.5), "07:30");
        assert_eq!(hhmm(449.49), "07:29");
        assert_eq!(hhmm(0.0), "00:00");
        assert_eq!(hhmm(1439.6), "24:00");
    }
}

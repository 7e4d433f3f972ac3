//! A booking row → a visit: id, client, place, duration, window (times or a time band),
//! skills, double-handed count, priority, preferred and excluded staff, a gap after
//! another visit; and what the booking says today (staff, order or booked time) for the
//! baseline.

use super::clock;
use super::error::Fault;
use super::mapping::Mapping;
use super::rows::{known, Cells, Places};
use crate::model::input::{AfterInput, Priority, VisitInput};

/// Fields that define the visit itself: rows repeating a visit (one per booked staff
/// member) must agree on them.
pub(crate) const DEFINING: &[&str] = &[
    "client",
    "postcode",
    "lat",
    "lon",
    "duration",
    "earliest",
    "latest",
    "time_band",
    "skills",
    "staff_count",
    "priority",
    "after",
    "min_gap",
    "max_gap",
];

/// A visit row read.
pub(crate) struct VisitRow {
    pub number: usize,
    pub visit: VisitInput,
    /// The booked staff.
    pub booked: Vec<String>,
    /// Position in the booked round, or the booked start: what orders the baseline.
    pub order: Option<f64>,
    /// Whether the row sets `staff_count` itself.
    pub counted: bool,
    /// The defining cells as written, to compare repeats.
    pub defining: Vec<(String, String)>,
}

/// Reads one visit row; `None` when any cell is at fault (the faults are in `c`).
pub(crate) fn read(c: &mut Cells, mapping: &Mapping, places: &mut Places) -> Option<VisitRow> {
    let id = c.required("visit_id", "a visit id").map(str::to_string);
    let client = c.get("client").map(str::to_string);
    let location = places.locate(c, "postcode", Some(("lat", "lon")), false);
    let duration = c.required("duration", "a duration (30, 30m, 0:30 or 1h30)");
    let duration_min = duration.and_then(|_| c.duration("duration"));
    let time_windows = window(c, mapping);
    let skills = c.codes("skills", &mapping.skills, "skills", false);
    let staff_count = c.count("staff_count");
    let priority = priority(c, mapping);
    let preferred_staff = c.list("preferred_staff");
    let excluded_staff = c.list("excluded_staff");
    let after = c.get("after").map(|v| AfterInput {
        visit: v.to_string(),
        min_gap_min: None,
        max_gap_min: None,
    });
    let (min_gap, max_gap) = (c.duration("min_gap"), c.duration("max_gap"));
    let booked = c.list("staff");
    let order = match c.get("order") {
        Some(_) => c.number("order"),
        None => c.time("booked_start"),
    };
    let defining = DEFINING
        .iter()
        .map(|k| (k.to_string(), c.get(k).unwrap_or_default().to_string()))
        .collect();
    if !c.faults.is_empty() {
        return None;
    }
    Some(VisitRow {
        number: c.row.number,
        visit: VisitInput {
            id: id?,
            client,
            location: location?,
            duration_min: duration_min?,
            time_windows,
            skills,
            staff_count,
            staff_skills: None,
            priority,
            preferred_staff,
            excluded_staff,
            pinned_staff: Vec::new(),
            planned_staff: Vec::new(),
            planned_start: None,
            actual: None,
            after: after
                .map(|a| AfterInput {
                    min_gap_min: min_gap,
                    max_gap_min: max_gap,
                    ..a
                })
                .into_iter()
                .collect(),
            max_lateness_min: None,
            demand: None,
        },
        booked,
        order,
        counted: staff_count.is_some(),
        defining,
    })
}

/// The window on the start: earliest and latest cells, else the time band's.
fn window(c: &mut Cells, mapping: &Mapping) -> Option<Vec<[crate::model::time::RawClock; 2]>> {
    let (e, l) = (c.get("earliest"), c.get("latest"));
    if e.is_some() || l.is_some() {
        let (a, b) = (c.time("earliest"), c.time("latest"));
        for (k, v) in [("earliest", e), ("latest", l)] {
            if v.is_none() {
                c.fault(
                    k,
                    Fault::Blank {
                        expected: "a time, since the window's other end is given",
                    },
                );
            }
        }
        let (a, b) = (a?, b?);
        if b < a {
            let (s, t) = (
                e.unwrap_or_default().to_string(),
                l.unwrap_or_default().to_string(),
            );
            c.fault("latest", Fault::EndBeforeStart { start: s, end: t });
            return None;
        }
        return Some(vec![[clock(a), clock(b)]]);
    }
    let band = c.get("time_band")?;
    let hit = mapping.time_bands.get(band).or_else(|| {
        mapping
            .time_bands
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(band))
            .map(|(_, v)| v)
    });
    let Some([from, to]) = hit else {
        let known = if mapping.time_bands.is_empty() {
            "the mapping has none: add [time_bands] with e.g. AM = [\"07:30\", \"11:30\"]".to_string()
        } else {
            known(mapping.time_bands.keys())
        };
        c.fault(
            "time_band",
            Fault::UnknownCode {
                value: band.to_string(),
                map: "time_bands",
                known,
            },
        );
        return None;
    };
    // The mapping's own times were checked when it was read.
    let (a, b) = (super::cells::time(from)?, super::cells::time(to)?);
    Some(vec![[clock(a), clock(b)]])
}

fn priority(c: &mut Cells, mapping: &Mapping) -> Option<Priority> {
    let v = c.get("priority")?;
    if let Some((_, p)) = mapping.priorities.iter().find(|(k, _)| k.eq_ignore_ascii_case(v)) {
        return Some(*p);
    }
    match v.to_ascii_lowercase().as_str() {
        "required" => Some(Priority::Required),
        "optional" => Some(Priority::Optional),
        _ => {
            c.fault("priority", Fault::NotAPriority(v.to_string()));
            None
        }
    }
}

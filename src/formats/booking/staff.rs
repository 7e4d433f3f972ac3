//! A rota row → a staff member: id, employer, role (→ skills) and skills, shift, base
//! postcode (start, and end unless an end postcode is given), one break, limits.

use super::clock;
use super::error::Fault;
use super::mapping::Mapping;
use super::rows::{Cells, Places};
use crate::model::input::{BreakInput, ShiftInput, StaffInput};

/// A staff row read, with its row number.
pub(crate) struct StaffRow {
    pub number: usize,
    pub staff: StaffInput,
}

/// Reads one rota row; `None` when any cell is at fault (the faults are in `c`).
pub(crate) fn read(c: &mut Cells, mapping: &Mapping, places: &mut Places) -> Option<StaffRow> {
    let id = c.required("staff_id", "a staff id").map(str::to_string);
    let organisation = c.get("organisation").map(str::to_string);
    let mut skills = c.codes("role", &mapping.roles, "roles", false);
    skills.extend(c.codes("skills", &mapping.skills, "skills", true));
    skills.sort();
    skills.dedup();
    let start = c.required("shift_start", "a time");
    let end = c.required("shift_end", "a time");
    let (s, e) = (c.time("shift_start"), c.time("shift_end"));
    if let (Some(s), Some(e), Some(sv), Some(ev)) = (s, e, start, end) {
        if e < s {
            c.fault(
                "shift_end",
                Fault::EndBeforeStart {
                    start: sv.to_string(),
                    end: ev.to_string(),
                },
            );
        }
    }
    let start_location = places.locate(c, "postcode", Some(("lat", "lon")), false);
    let end_location = places.locate(c, "end_postcode", None, true);
    let breaks = read_break(c);
    let admin_min = c.duration("admin");
    let max_travel_min = c.duration("max_travel");
    let max_overtime_min = c.duration("max_overtime");
    let max_visits = c.count("max_visits");
    if !c.faults.is_empty() {
        return None;
    }
    Some(StaffRow {
        number: c.row.number,
        staff: StaffInput {
            id: id?,
            organisation,
            skills,
            shift: ShiftInput {
                start: clock(s?),
                end: clock(e?),
            },
            start_location: start_location?,
            end_location,
            breaks,
            admin_min,
            max_travel_min,
            max_visits,
            max_overtime_min,
            capacity: None,
            travel_mode: None,
        },
    })
}

/// The break columns: all three or none.
fn read_break(c: &mut Cells) -> Vec<BreakInput> {
    let keys = ["break_earliest", "break_latest", "break_duration"];
    if keys.iter().all(|k| c.get(k).is_none()) {
        return Vec::new();
    }
    for k in keys {
        if c.get(k).is_none() {
            c.fault(
                k,
                Fault::Blank {
                    expected: "a value, since the row gives a break (break earliest, latest and duration go together)",
                },
            );
        }
    }
    match (c.time(keys[0]), c.time(keys[1]), c.duration(keys[2])) {
        (Some(earliest), Some(latest), Some(duration_min)) => vec![BreakInput {
            earliest: clock(earliest),
            latest: clock(latest),
            duration_min,
        }],
        _ => Vec::new(),
    }
}

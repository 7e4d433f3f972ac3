//! A staff member: shift, places, breaks (each one that can be taken within the shift)
//! and the limits of their round.

use super::fields::{err, minutes, non_negative, Result};
use super::places::Places;
use crate::model::coherence;
use crate::model::error::FieldPath;
use crate::model::error::InputErrorKind::*;
use crate::model::input::StaffInput;
use crate::model::problem::{Break, Staff};
use crate::model::time::format_short;

pub(super) fn validate_staff(s: &StaffInput, path: FieldPath, places: &mut Places) -> Result<Staff> {
    let shift_start = minutes(&s.shift.start, path.field("shift").field("start"))?;
    let shift_end = minutes(&s.shift.end, path.field("shift").field("end"))?;
    if shift_end < shift_start {
        return err(
            Conflict,
            path.field("shift").field("end"),
            format!(
                "shift end {} is before its start {}",
                format_short(shift_end),
                format_short(shift_start)
            ),
        );
    }
    let start_place = places.resolve(&s.start_location, path.field("start_location"))?;
    let end_place = match &s.end_location {
        Some(l) => places.resolve(l, path.field("end_location"))?,
        None => start_place,
    };
    let mut breaks = Vec::with_capacity(s.breaks.len());
    for (j, b) in s.breaks.iter().enumerate() {
        let bp = path.field("breaks").index(j);
        let earliest = minutes(&b.earliest, bp.field("earliest"))?;
        let latest = minutes(&b.latest, bp.field("latest"))?;
        let duration = non_negative(b.duration_min, bp.field("duration_min"), "duration")?;
        if latest < earliest {
            return err(
                Conflict,
                bp.field("latest"),
                format!(
                    "latest {} is before earliest {}",
                    format_short(latest),
                    format_short(earliest)
                ),
            );
        }
        let latest_end = shift_end + s.max_overtime_min.unwrap_or(0.0).max(0.0);
        if latest < shift_start || earliest + duration > latest_end {
            return err(
                Incoherent,
                bp,
                format!(
                    "a {} min break starting {}-{} cannot be taken within the shift {}-{}: \
                     a staff member with visits must take it, so they could make none; \
                     move the break into the shift or change the shift",
                    coherence::num(duration),
                    format_short(earliest),
                    format_short(latest),
                    format_short(shift_start),
                    format_short(shift_end)
                ),
            );
        }
        breaks.push(Break {
            earliest,
            latest,
            duration,
        });
    }
    breaks.sort_by(|a, b| a.earliest.total_cmp(&b.earliest));
    let opt_nn = |v: Option<f64>, name: &str| -> Result<Option<f64>> {
        v.map(|x| non_negative(x, path.field(name), name)).transpose()
    };
    let max_visits = match s.max_visits {
        None => None,
        Some(n) if n >= 0 => Some(n as usize),
        Some(n) => {
            return err(
                OutOfRange,
                path.field("max_visits"),
                format!("max_visits must be >= 0, got {n}"),
            )
        }
    };
    let mut skills = s.skills.clone();
    skills.sort();
    skills.dedup();
    Ok(Staff {
        id: s.id.clone(),
        organisation: s.organisation.clone().unwrap_or_default(),
        skills,
        shift_start,
        shift_end,
        start_place,
        end_place,
        breaks,
        admin_min: opt_nn(s.admin_min, "admin_min")?.unwrap_or(0.0),
        max_travel_min: opt_nn(s.max_travel_min, "max_travel_min")?,
        max_visits,
        max_overtime_min: opt_nn(s.max_overtime_min, "max_overtime_min")?.unwrap_or(0.0),
        capacity: opt_nn(s.capacity, "capacity")?,
        travel_mode: None,
    })
}

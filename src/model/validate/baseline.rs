//! The rounds as booked (`baseline`), or as a person wrote them for `carerounds retime`
//! (a document of the same form): known staff and visits, no visit booked twice for the
//! same staff member.

use super::fields::{err, Result};
use crate::model::error::FieldPath;
use crate::model::error::InputErrorKind::*;
use crate::model::input::BaselineInput;
use crate::model::problem::BaselineRoute;
use std::collections::HashMap;

/// The rounds of `b`, with faults named under `root` (`baseline` in a problem, the
/// document's root for a rounds file).
pub(super) fn validate_baseline(
    b: &BaselineInput,
    root: FieldPath,
    staff_ids: &HashMap<&str, usize>,
    visit_ids: &HashMap<&str, usize>,
) -> Result<Vec<BaselineRoute>> {
    let path = root.field("routes");
    let mut seen: HashMap<(usize, usize), String> = HashMap::new();
    let mut routes = Vec::with_capacity(b.routes.len());
    for (i, r) in b.routes.iter().enumerate() {
        let rp = path.index(i);
        let Some(&staff) = staff_ids.get(r.staff.as_str()) else {
            return err(
                UnknownReference,
                rp.field("staff"),
                format!("unknown staff id '{}'", r.staff),
            );
        };
        let mut visits = Vec::with_capacity(r.visits.len());
        for (k, id) in r.visits.iter().enumerate() {
            let vp = rp.field("visits").index(k);
            let Some(&v) = visit_ids.get(id.as_str()) else {
                return err(UnknownReference, vp, format!("unknown visit id '{id}'"));
            };
            if let Some(prev) = seen.insert((v, staff), vp.to_string()) {
                return err(
                    Duplicate,
                    vp,
                    format!(
                        "visit '{id}' is booked twice for staff '{}' (also {prev})",
                        r.staff
                    ),
                );
            }
            visits.push(v);
        }
        routes.push(BaselineRoute { staff, visits });
    }
    Ok(routes)
}

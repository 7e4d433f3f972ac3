//! A booking system's CSV export (visits, and the staff rota) read into a SPEC problem,
//! with the booked rounds as its `baseline`. Pure: the texts, a [`Mapping`] and a
//! [`PostcodeIndex`] in; a problem that passes [`validate`], or every fault found, out.
//! docs/IMPORT.md describes the files, the mapping and the messages.
//!
//! Every row is read even after a fault, so the scheduler gets the whole list at once.
//! With `skip_bad_rows`, rows at fault are left out (and listed), and the checks that
//! span rows (ids, references, validation) run again on the rows kept, until none fails.

mod cells;
mod error;
mod mapping;
mod rows;
mod sheet;
mod staff;
mod visits;

pub use error::{Fault, ImportError, Place, RowError};
pub use mapping::{Mapping, StaffColumns, VisitColumns};

use crate::formats::postcode::PostcodeIndex;
use crate::model::input::{BaselineInput, BaselineRouteInput, LocationRef, ProblemInput};
use crate::model::time::{format_short, RawClock};
use crate::model::validate;
use mapping::Columns;
use rows::{Cells, Places};
use sheet::Sheet;
use staff::StaffRow;
use std::collections::{HashMap, HashSet};
use visits::VisitRow;

/// The two files of an export: names for messages, and their text.
#[derive(Debug, Clone, Copy)]
pub struct Export<'a> {
    /// Name of the visits file in messages (`visits.csv`).
    pub visits_name: &'a str,
    /// Its text.
    pub visits: &'a str,
    /// Name of the staff file in messages.
    pub staff_name: &'a str,
    /// Its text.
    pub staff: &'a str,
}

/// An imported problem, and the rows left out under `skip_bad_rows`.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The problem (valid).
    pub problem: ProblemInput,
    /// Why each left-out row was left out (empty without `skip_bad_rows`).
    pub skipped: Vec<RowError>,
}

/// A clock time as the problem writes it: `"07:30"`.
fn clock(minutes: f64) -> RawClock {
    RawClock::Text(format_short(minutes))
}

/// Reads an export. `name` is the problem's name unless the mapping gives one.
pub fn import(
    export: &Export,
    mapping: &Mapping,
    postcodes: Option<&PostcodeIndex>,
    skip_bad_rows: bool,
    name: &str,
) -> Result<Imported, ImportError> {
    for (band, [from, to]) in &mapping.time_bands {
        match (cells::time(from), cells::time(to)) {
            (Some(a), Some(b)) if a <= b => {}
            _ => {
                return Err(ImportError::Mapping(format!(
                    "time_bands.{band}: [\"{from}\", \"{to}\"] is not a window (two times such as [\"07:30\", \"11:30\"], the first not after the second)"
                )))
            }
        }
    }
    let mut fatal = Vec::new();
    let staff_sheet = sheet::read(export.staff_name, export.staff);
    let visit_sheet = sheet::read(export.visits_name, export.visits);
    let (staff_sheet, visit_sheet) = match (staff_sheet, visit_sheet) {
        (Ok(s), Ok(v)) => (s, v),
        (s, v) => {
            fatal.extend(s.err().map(|e| *e));
            fatal.extend(v.err().map(|e| *e));
            return Err(ImportError::Rows(fatal));
        }
    };
    let (staff_sheet, mut faults) = staff_sheet;
    let (visit_sheet, visit_faults) = visit_sheet;
    faults.extend(visit_faults);
    let staff_cols = columns(
        &staff_sheet,
        "staff",
        mapping.staff.fields(),
        &["staff_id", "shift_start", "shift_end"],
        &mut fatal,
    );
    let visit_cols = columns(
        &visit_sheet,
        "visits",
        mapping.visits.fields(),
        &["visit_id", "duration"],
        &mut fatal,
    );
    if !fatal.is_empty() {
        return Err(ImportError::Rows(fatal));
    }
    let mut places = Places::new(postcodes);
    let mut staff_rows = Vec::new();
    for row in &staff_sheet.rows {
        let mut c = Cells::new(&staff_sheet, &staff_cols, row);
        staff_rows.extend(staff::read(&mut c, mapping, &mut places));
        faults.extend(c.faults);
    }
    let mut visit_rows = Vec::new();
    for row in &visit_sheet.rows {
        let mut c = Cells::new(&visit_sheet, &visit_cols, row);
        visit_rows.extend(visits::read(&mut c, mapping, &mut places));
        faults.extend(c.faults);
    }
    if !faults.is_empty() && !skip_bad_rows {
        // References to rows at fault are not faults of their own: the row is fixed.
        let ids = |sheet: &Sheet, cols: &Columns, key: &str| -> HashSet<String> {
            let Some(c) = cols.get(key) else {
                return HashSet::new();
            };
            sheet.rows.iter().map(|r| r.cells[c].clone()).collect()
        };
        let known = (
            ids(&staff_sheet, &staff_cols, "staff_id"),
            ids(&visit_sheet, &visit_cols, "visit_id"),
        );
        faults.extend(cross_check(
            (&staff_sheet, &staff_cols),
            (&visit_sheet, &visit_cols),
            &staff_rows,
            &visit_rows,
            Some(&known),
        ));
        return Err(ImportError::Rows(sorted(faults)));
    }
    let mut skipped = faults;
    // Each round leaves out at least one row, so this ends.
    loop {
        let mut found = cross_check(
            (&staff_sheet, &staff_cols),
            (&visit_sheet, &visit_cols),
            &staff_rows,
            &visit_rows,
            None,
        );
        let problem = assemble(mapping, name, &places, &staff_rows, &visit_rows);
        if found.is_empty() {
            match validate(&problem) {
                Ok(_) => {
                    return Ok(Imported {
                        problem,
                        skipped: sorted(skipped),
                    })
                }
                Err(e) => found.push(locate_problem(
                    e,
                    &staff_sheet,
                    &visit_sheet,
                    &staff_rows,
                    &visit_rows,
                )),
            }
        }
        let bad: HashSet<(String, usize)> = found
            .iter()
            .filter_map(|e| Some((e.at.file.clone(), e.at.row?)))
            .collect();
        if !skip_bad_rows || bad.is_empty() {
            found.extend(skipped);
            return Err(ImportError::Rows(sorted(found)));
        }
        staff_rows.retain(|r| !bad.contains(&(staff_sheet.file.clone(), r.number)));
        visit_rows.retain(|r| !bad.contains(&(visit_sheet.file.clone(), r.number)));
        skipped.extend(found);
    }
}

/// Finds each field's column; a needed one missing, or one the mapping names that the
/// header lacks, is a fault of the whole file.
fn columns(
    sheet: &Sheet,
    section: &'static str,
    fields: Vec<mapping::Field>,
    needed: &[&'static str],
    fatal: &mut Vec<RowError>,
) -> Columns {
    let (cols, missing) = Columns::find(&fields, |n| sheet.column(n));
    let at = Place {
        file: sheet.file.clone(),
        row: None,
        column: None,
    };
    let mut lacking: Vec<(&'static str, String)> = missing;
    for key in needed {
        if cols.get(key).is_none() && !lacking.iter().any(|(k, _)| k == key) {
            lacking.push((key, key.to_string()));
        }
    }
    let has_place =
        cols.get("postcode").is_some() || (cols.get("lat").is_some() && cols.get("lon").is_some());
    if !has_place && !lacking.iter().any(|(k, _)| *k == "postcode") {
        lacking.push(("postcode", "postcode".to_string()));
    }
    for (field, column) in lacking {
        fatal.push(RowError::new(
            at.clone(),
            Fault::MissingColumn {
                section,
                field,
                column,
                header: sheet.header_text(),
            },
        ));
    }
    cols
}

/// Checks across rows: unique staff ids; visit ids unique except rows repeating one
/// visit per booked staff member (which must agree); booked, preferred and excluded
/// staff in the rota; `after` visits in the file. References are checked against the
/// rows read, or against `known` (staff ids, visit ids) when given.
fn cross_check(
    staff_file: (&Sheet, &Columns),
    visit_file: (&Sheet, &Columns),
    staff: &[StaffRow],
    visits: &[VisitRow],
    known: Option<&(HashSet<String>, HashSet<String>)>,
) -> Vec<RowError> {
    let mut out = Vec::new();
    let at = |(sheet, cols): (&Sheet, &Columns), row: usize, key: &str| Place {
        file: sheet.file.clone(),
        row: Some(row),
        column: Some(
            cols.get(key)
                .map_or_else(|| key.to_string(), |c| sheet.header[c].clone()),
        ),
    };
    let mut staff_ids: HashMap<&str, usize> = HashMap::new();
    for s in staff {
        if let Some(&first) = staff_ids.get(s.staff.id.as_str()) {
            out.push(RowError::new(
                at(staff_file, s.number, "staff_id"),
                Fault::DuplicateId {
                    id: s.staff.id.clone(),
                    first,
                },
            ));
        } else {
            staff_ids.insert(&s.staff.id, s.number);
        }
    }
    let mut first_of: HashMap<&str, &VisitRow> = HashMap::new();
    for v in visits {
        if let Some(first) = first_of.get(v.visit.id.as_str()) {
            if v.booked.is_empty() || first.booked.is_empty() {
                out.push(RowError::new(
                    at(visit_file, v.number, "visit_id"),
                    Fault::DuplicateId {
                        id: v.visit.id.clone(),
                        first: first.number,
                    },
                ));
            } else if let Some(((k, a), (_, b))) =
                v.defining.iter().zip(&first.defining).find(|(a, b)| a.1 != b.1)
            {
                out.push(RowError::new(
                    at(visit_file, v.number, k),
                    Fault::RepeatDiffers {
                        value: a.clone(),
                        first: first.number,
                        first_value: b.clone(),
                    },
                ));
            }
        } else {
            first_of.insert(&v.visit.id, v);
        }
    }
    for v in visits {
        for (key, ids) in [
            ("staff", &v.booked),
            ("preferred_staff", &v.visit.preferred_staff),
            ("excluded_staff", &v.visit.excluded_staff),
        ] {
            let is_staff = |id: &str| known.map_or(staff_ids.contains_key(id), |k| k.0.contains(id));
            for id in ids.iter().filter(|id| !is_staff(id)) {
                out.push(RowError::new(
                    at(visit_file, v.number, key),
                    Fault::UnknownStaff(id.clone()),
                ));
            }
        }
        for a in v.visit.after.iter().filter(|a| {
            !known.map_or(first_of.contains_key(a.visit.as_str()), |k| {
                k.1.contains(&a.visit)
            })
        }) {
            out.push(RowError::new(
                at(visit_file, v.number, "after"),
                Fault::UnknownVisit(a.visit.clone()),
            ));
        }
    }
    out
}

/// The problem from the rows kept: one visit per visit id (its staff count from the
/// number of staff booked on its rows unless a column gives it), locations in order of
/// first use (only those used), and the booked rounds as the baseline.
fn assemble(
    mapping: &Mapping,
    name: &str,
    places: &Places,
    staff: &[StaffRow],
    visits: &[VisitRow],
) -> ProblemInput {
    let mut merged: Vec<(crate::model::input::VisitInput, Vec<String>, bool)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut booked: Vec<(String, f64, usize, String)> = Vec::new();
    for v in visits {
        let i = *at.entry(&v.visit.id).or_insert_with(|| {
            merged.push((v.visit.clone(), Vec::new(), v.counted));
            merged.len() - 1
        });
        for s in &v.booked {
            if !merged[i].1.contains(s) {
                merged[i].1.push(s.clone());
                booked.push((
                    s.clone(),
                    v.order.unwrap_or(f64::INFINITY),
                    v.number,
                    v.visit.id.clone(),
                ));
            }
        }
    }
    let visits: Vec<_> = merged
        .into_iter()
        .map(|(mut v, staff, counted)| {
            if !counted && staff.len() > 1 {
                v.staff_count = Some(staff.len() as i64);
            }
            v
        })
        .collect();
    let staff: Vec<_> = staff.iter().map(|s| s.staff.clone()).collect();
    booked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
    let routes: Vec<BaselineRouteInput> = staff
        .iter()
        .filter_map(|s| {
            let visits: Vec<String> = booked
                .iter()
                .filter(|b| b.0 == s.id)
                .map(|b| b.3.clone())
                .collect();
            (!visits.is_empty()).then(|| BaselineRouteInput {
                staff: s.id.clone(),
                visits,
            })
        })
        .collect();
    let used: HashSet<&str> = staff
        .iter()
        .flat_map(|s| [Some(&s.start_location), s.end_location.as_ref()])
        .chain(visits.iter().map(|v| Some(&v.location)))
        .flatten()
        .filter_map(|l| match l {
            LocationRef::Id(id) => Some(id.as_str()),
            LocationRef::Point(_) => None,
        })
        .collect();
    ProblemInput {
        name: Some(mapping.name.clone().unwrap_or_else(|| name.to_string())),
        travel: None,
        locations: places
            .locations
            .iter()
            .filter(|l| used.contains(l.id.as_str()))
            .cloned()
            .collect(),
        staff,
        visits,
        baseline: (!routes.is_empty()).then_some(BaselineInput { routes }),
        objective: None,
        options: None,
        sources: Vec::new(),
    }
}

/// A validation error at `visits[k]` or `staff[k]` placed on the row it came from.
fn locate_problem(
    e: crate::model::InputError,
    staff_sheet: &Sheet,
    visit_sheet: &Sheet,
    staff: &[StaffRow],
    visits: &[VisitRow],
) -> RowError {
    let path = e.path.as_str().to_string();
    let index =
        |prefix: &str| -> Option<usize> { path.strip_prefix(prefix)?.split(']').next()?.parse().ok() };
    let mut distinct: Vec<&VisitRow> = Vec::new();
    for v in visits {
        if !distinct.iter().any(|d| d.visit.id == v.visit.id) {
            distinct.push(v);
        }
    }
    let (file, row) = if let Some(k) = index("visits[") {
        (&visit_sheet.file, distinct.get(k).map(|v| v.number))
    } else if let Some(k) = index("staff[") {
        (&staff_sheet.file, staff.get(k).map(|s| s.number))
    } else {
        (&visit_sheet.file, None)
    };
    RowError::new(
        Place {
            file: file.clone(),
            row,
            column: None,
        },
        Fault::Problem(e),
    )
}

/// Faults in file order (staff file first when its name sorts first), then row order.
fn sorted(mut v: Vec<RowError>) -> Vec<RowError> {
    v.sort_by(|a, b| (a.at.file.as_str(), a.at.row).cmp(&(b.at.file.as_str(), b.at.row)));
    v
}

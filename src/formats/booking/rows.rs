//! Reading one row's cells into typed values, collecting every fault of the row (not just
//! the first), and finding places by postcode or coordinates.

use super::cells;
use super::error::{Fault, Place, RowError};
use super::mapping::Columns;
use super::sheet::{Row, Sheet};
use crate::formats::postcode::{normalise, PostcodeIndex};
use crate::model::input::{LocationInput, LocationRef, PointInput};
use std::collections::HashMap;

/// One row being read.
pub(crate) struct Cells<'a> {
    pub sheet: &'a Sheet,
    pub cols: &'a Columns,
    pub row: &'a Row,
    pub faults: Vec<RowError>,
}

impl<'a> Cells<'a> {
    pub fn new(sheet: &'a Sheet, cols: &'a Columns, row: &'a Row) -> Self {
        Cells {
            sheet,
            cols,
            row,
            faults: Vec::new(),
        }
    }

    /// The field's cell when the column exists and the cell is not blank.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let c = self.cols.get(key)?;
        Some(self.row.cells[c].as_str()).filter(|s| !s.is_empty())
    }

    /// The field's header text (or the documented name when there is no such column).
    pub fn header(&self, key: &str) -> String {
        self.cols
            .get(key)
            .map_or_else(|| key.to_string(), |c| self.sheet.header[c].clone())
    }

    pub fn fault(&mut self, key: &str, fault: Fault) {
        let at = Place {
            file: self.sheet.file.clone(),
            row: Some(self.row.number),
            column: Some(self.header(key)),
        };
        self.faults.push(RowError::new(at, fault));
    }

    /// A cell that must not be blank.
    pub fn required(&mut self, key: &str, expected: &'static str) -> Option<&'a str> {
        let v = self.get(key);
        if v.is_none() {
            self.fault(key, Fault::Blank { expected });
        }
        v
    }

    fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        fault: impl Fn(String) -> Fault,
    ) -> Option<T> {
        let v = self.get(key)?;
        let out = parse(v);
        if out.is_none() {
            self.fault(key, fault(v.to_string()));
        }
        out
    }

    pub fn time(&mut self, key: &str) -> Option<f64> {
        self.parsed(key, cells::time, Fault::NotATime)
    }

    pub fn duration(&mut self, key: &str) -> Option<f64> {
        self.parsed(key, cells::duration, Fault::NotADuration)
    }

    pub fn count(&mut self, key: &str) -> Option<i64> {
        self.parsed(key, cells::count, Fault::NotACount)
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        self.parsed(
            key,
            |s| s.parse::<f64>().ok().filter(|x| x.is_finite()),
            Fault::NotACount,
        )
    }

    fn degrees(&mut self, key: &str, limit: f64) -> Option<f64> {
        self.parsed(
            key,
            |s| {
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && x.abs() <= limit)
            },
            Fault::NotADegree,
        )
    }

    /// The cell's list of ids or codes (empty when blank).
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key).map_or_else(Vec::new, |v| {
            cells::list(v).into_iter().map(str::to_string).collect()
        })
    }

    /// Codes through a value map: with an empty map (or `lenient`) a code not in it is
    /// taken as a skill name itself; otherwise it is a fault naming the map's codes.
    pub fn codes(
        &mut self,
        key: &str,
        map: &std::collections::BTreeMap<String, Vec<String>>,
        name: &'static str,
        lenient: bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for code in self.list(key) {
            let hit = map.get(&code).or_else(|| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&code))
                    .map(|(_, v)| v)
            });
            match hit {
                Some(skills) => out.extend(skills.iter().cloned()),
                None if map.is_empty() || lenient => out.push(code),
                None => self.fault(
                    key,
                    Fault::UnknownCode {
                        value: code,
                        map: name,
                        known: known(map.keys()),
                    },
                ),
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// A value map's codes for a message: `known: A, B, C` (the first ten).
pub(crate) fn known<'k>(keys: impl Iterator<Item = &'k String>) -> String {
    let keys: Vec<&String> = keys.collect();
    let shown: Vec<&str> = keys.iter().take(10).map(|k| k.as_str()).collect();
    let more = if keys.len() > 10 { ", ..." } else { "" };
    format!("known: {}{more}", shown.join(", "))
}

/// The places of an import: one `locations` entry per postcode (id = the postcode), so
/// visits at one address share it and the entry keeps the postcode.
pub(crate) struct Places<'p> {
    pub index: Option<&'p PostcodeIndex>,
    pub locations: Vec<LocationInput>,
    ids: HashMap<String, usize>,
}

impl<'p> Places<'p> {
    pub fn new(index: Option<&'p PostcodeIndex>) -> Self {
        Places {
            index,
            locations: Vec::new(),
            ids: HashMap::new(),
        }
    }

    /// The place of a row: its postcode cell (`pc`), else its `lat`/`lon` cells. `None`
    /// (with the fault recorded) when neither gives one; with `optional`, a blank
    /// postcode and no coordinates is no fault.
    pub fn locate(
        &mut self,
        c: &mut Cells,
        pc: &str,
        lat_lon: Option<(&str, &str)>,
        optional: bool,
    ) -> Option<LocationRef> {
        if let Some(raw) = c.get(pc) {
            let Some(code) = normalise(raw) else {
                c.fault(pc, Fault::NotAPostcode(raw.to_string()));
                return None;
            };
            if let Some(&i) = self.ids.get(&code) {
                return Some(LocationRef::Id(self.locations[i].id.clone()));
            }
            let Some(index) = self.index else {
                c.fault(pc, Fault::NoPostcodeFile(code));
                return None;
            };
            let Some(p) = index.get(&code) else {
                let nearest = index.suggestions(&code, 3);
                c.fault(pc, Fault::UnknownPostcode { value: code, nearest });
                return None;
            };
            self.ids.insert(code.clone(), self.locations.len());
            self.locations.push(LocationInput {
                id: code.clone(),
                lat: Some(p.lat),
                lon: Some(p.lon),
                postcode: Some(code.clone()),
                address: None,
            });
            return Some(LocationRef::Id(code));
        }
        if let Some((lat, lon)) = lat_lon {
            if c.get(lat).is_some() || c.get(lon).is_some() {
                let (y, x) = (c.degrees(lat, 90.0), c.degrees(lon, 180.0));
                if c.get(lat).is_none() {
                    c.fault(
                        lat,
                        Fault::Blank {
                            expected: "a latitude, since the longitude is given",
                        },
                    );
                }
                if c.get(lon).is_none() {
                    c.fault(
                        lon,
                        Fault::Blank {
                            expected: "a longitude, since the latitude is given",
                        },
                    );
                }
                return Some(LocationRef::Point(PointInput { lat: y?, lon: x? }));
            }
        }
        if !optional {
            c.fault(pc, Fault::NoPlace);
        }
        None
    }
}

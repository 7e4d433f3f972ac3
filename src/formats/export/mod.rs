//! A plan handed back in forms other systems take: CSV rows for the booking system (one row
//! per step of each round) and iCalendar files so that each staff member sees their round
//! on a phone calendar. Pure: the problem and the plan in, text out.

mod csv_rows;
mod ics;

pub use csv_rows::{plan_csv, HEADER};
pub use ics::{staff_calendar, CalendarDate};

use crate::model::input::{LocationRef, ProblemInput};
use std::collections::HashMap;

/// What the exports and run sheets show of the problem: employers, clients, postcodes and
/// addresses by id.
pub(crate) struct Names<'a> {
    organisation: HashMap<&'a str, &'a str>,
    client: HashMap<&'a str, &'a str>,
    visit_place: HashMap<&'a str, &'a LocationRef>,
    postcode: HashMap<&'a str, &'a str>,
    address: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    pub(crate) fn of(p: &'a ProblemInput) -> Self {
        Names {
            organisation: p
                .staff
                .iter()
                .filter_map(|s| Some((s.id.as_str(), s.organisation.as_deref()?)))
                .collect(),
            client: p
                .visits
                .iter()
                .filter_map(|v| Some((v.id.as_str(), v.client.as_deref()?)))
                .collect(),
            visit_place: p.visits.iter().map(|v| (v.id.as_str(), &v.location)).collect(),
            postcode: p
                .locations
                .iter()
                .filter_map(|l| Some((l.id.as_str(), l.postcode.as_deref()?)))
                .collect(),
            address: p
                .locations
                .iter()
                .filter_map(|l| Some((l.id.as_str(), l.address.as_deref()?)))
                .collect(),
        }
    }

    pub(crate) fn organisation(&self, staff: &str) -> &'a str {
        self.organisation.get(staff).copied().unwrap_or_default()
    }

    pub(crate) fn client(&self, visit: &str) -> &'a str {
        self.client.get(visit).copied().unwrap_or_default()
    }

    /// The postcode of a place (empty for an inline point or a place without one).
    pub(crate) fn postcode(&self, place: &LocationRef) -> &'a str {
        match place {
            LocationRef::Id(id) => self.postcode.get(id.as_str()).copied().unwrap_or_default(),
            LocationRef::Point(_) => "",
        }
    }

    pub(crate) fn visit_postcode(&self, visit: &str) -> &'a str {
        self.visit_place.get(visit).map_or("", |l| self.postcode(l))
    }

    /// The address of a place (empty for an inline point or a place without one).
    pub(crate) fn address(&self, place: &LocationRef) -> &'a str {
        match place {
            LocationRef::Id(id) => self.address.get(id.as_str()).copied().unwrap_or_default(),
            LocationRef::Point(_) => "",
        }
    }
}

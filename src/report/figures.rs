//! The figures a report compares, declared once: the [`Figures`] struct, the matching
//! [`Percentages`], and [`Figures::FIELDS`] (labels, units, which way is better), so that
//! every renderer lists the same figures in the same order.

use serde::Serialize;

/// Which way a change is an improvement (renderers colour changes by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Less is better (travel, cost, lateness).
    Lower,
    /// More is better (free office time, preferred staff).
    Higher,
    /// Neither (visits, contact time, breaks).
    Neither,
}

/// A figure's name and presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The key in JSON and CSV (`travel_min`).
    pub key: &'static str,
    /// Words for people (`Travel time`).
    pub label: &'static str,
    /// Unit (`min`, `km`, `miles`, `£`, `kg`, `%`, or "" for counts).
    pub unit: &'static str,
    /// Decimals shown in tables.
    pub decimals: usize,
    /// Which way is better.
    pub better: Better,
}

/// A figure's value: a number, or a number that may be undefined (a share of nothing).
pub trait Value: Copy {
    /// `self - other` (undefined if either is).
    fn minus(self, other: Self) -> Self;
    /// `self + other` (undefined if either is).
    fn plus(self, other: Self) -> Self;
    /// Rounded to 4 decimals.
    fn rounded(self) -> Self;
    /// The number, if defined.
    fn num(self) -> Option<f64>;
}

impl Value for f64 {
    fn minus(self, other: Self) -> Self {
        self - other
    }
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn rounded(self) -> Self {
        let r = (self * 1e4).round() / 1e4;
        if r == 0.0 {
            0.0 // no "-0"
        } else {
            r
        }
    }
    fn num(self) -> Option<f64> {
        Some(self)
    }
}

impl Value for Option<f64> {
    fn minus(self, other: Self) -> Self {
        Some(self? - other?)
    }
    fn plus(self, other: Self) -> Self {
        Some(self? + other?)
    }
    fn rounded(self) -> Self {
        self.map(Value::rounded)
    }
    fn num(self) -> Option<f64> {
        self
    }
}

/// `(plan - baseline) / baseline` in %, undefined when the baseline is 0 or the figure is
/// itself a percentage (its change is given in points by `delta`).
fn percent(unit: &str, base: Option<f64>, plan: Option<f64>) -> Option<f64> {
    let (b, p) = (base?, plan?);
    if unit == "%" || b == 0.0 {
        return None;
    }
    Some(((p - b) / b * 100.0).rounded())
}

macro_rules! figures {
    ($(
        $(#[doc = $doc:literal])*
        $key:ident: $ty:ty = ($label:literal, $unit:literal, $dec:literal, $better:ident);
    )*) => {
        /// One side's figures for a staff member, an organisation or the team.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
        pub struct Figures {
            $( $(#[doc = $doc])* pub $key: $ty, )*
        }

        /// The change of each figure in % of the baseline (`null` where the baseline is 0 or
        /// the figure is a percentage).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
        pub struct Percentages {
            $( $(#[doc = $doc])* pub $key: Option<f64>, )*
        }

        impl Figures {
            /// Every figure, in table order.
            pub const FIELDS: &'static [Field] = &[$(
                Field {
                    key: stringify!($key),
                    label: $label,
                    unit: $unit,
                    decimals: $dec,
                    better: Better::$better,
                },
            )*];

            /// The values in the order of [`Figures::FIELDS`].
            pub fn values(&self) -> Vec<Option<f64>> {
                vec![$( Value::num(self.$key) ),*]
            }

            /// `self - other`, figure by figure.
            pub fn minus(&self, other: &Self) -> Self {
                Figures { $( $key: Value::minus(self.$key, other.$key), )* }
            }

            /// `self + other`, figure by figure.
            pub fn plus(&self, other: &Self) -> Self {
                Figures { $( $key: Value::plus(self.$key, other.$key), )* }
            }

            /// Every figure rounded to 4 decimals.
            pub fn rounded(&self) -> Self {
                Figures { $( $key: Value::rounded(self.$key), )* }
            }

            /// The change from `base` to `plan` in % of `base`.
            pub fn percent_change(base: &Self, plan: &Self) -> Percentages {
                Percentages { $( $key: percent($unit, Value::num(base.$key), Value::num(plan.$key)), )* }
            }
        }

        impl Percentages {
            /// The values in the order of [`Figures::FIELDS`].
            pub fn values(&self) -> Vec<Option<f64>> {
                vec![$( self.$key ),*]
            }
        }
    };
}

figures! {
    /// Staff with a route in the plan (1 or 0 for one staff member).
    staff: f64 = ("Staff on duty", "", 0, Neither);
    /// Distinct visits made (a double-handed visit counts once, for each of its two staff).
    visits: f64 = ("Visits made", "", 0, Neither);
    /// Staff minutes with clients (a double-handed visit counts for both staff).
    contact_min: f64 = ("Contact time", "min", 0, Neither);
    /// Minutes driving.
    travel_min: f64 = ("Travel time", "min", 0, Lower);
    /// Kilometres driven.
    distance_km: f64 = ("Distance", "km", 1, Lower);
    /// Miles driven (`distance_km / 1.609344`).
    distance_miles: f64 = ("Distance", "miles", 1, Lower);
    /// Mileage paid: miles x the organisation's rate per mile.
    cost_gbp: f64 = ("Mileage cost", "£", 2, Lower);
    /// kg CO2e: km x the CO2 factor.
    co2_kg: f64 = ("CO2e from driving", "kg", 1, Lower);
    /// Minutes waiting for visits to start, between leaving and returning.
    wait_min: f64 = ("Waiting", "min", 0, Lower);
    /// Minutes on breaks.
    break_min: f64 = ("Breaks", "min", 0, Neither);
    /// Shift less the time out on the round (leaving to returning), never below 0 (time
    /// out past the shift end is overtime): time for office work.
    free_min: f64 = ("Free office time", "min", 0, Higher);
    /// Of the free office time, minutes at base in long gaps between visits (the stays
    /// of the plan's base steps, less breaks taken there).
    base_min: f64 = ("... of it at base between visits", "min", 0, Higher);
    /// Minutes by which free time falls short of the staff member's `admin_min`.
    admin_short_min: f64 = ("Office time short of admin_min", "min", 0, Lower);
    /// Minutes returned after the shift end.
    overtime_min: f64 = ("Overtime", "min", 0, Lower);
    /// Visits started after their window closed (allowed lateness or not).
    late_visits: f64 = ("Visits started late", "", 0, Lower);
    /// Minutes late, summed over those visits.
    late_min: f64 = ("Lateness", "min", 0, Lower);
    /// Visits started before their window opened or later than it allows: a broken rule.
    outside_window_visits: f64 = ("Visits outside their window", "", 0, Lower);
    /// Visits made that name preferred staff.
    preferred_visits: f64 = ("Visits naming preferred staff", "", 0, Neither);
    /// Of those, visits made by one of their preferred staff.
    preferred_met: f64 = ("... made by one of them", "", 0, Higher);
    /// `preferred_met / preferred_visits` in % (`null` when no visit names preferred staff).
    preferred_share_pct: Option<f64> = ("Preferred-staff share", "%", 1, Higher);
}

/// Baseline and plan side by side, with the change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// As booked.
    pub baseline: Figures,
    /// The plan.
    pub plan: Figures,
    /// `plan - baseline` (negative travel = a saving; a percentage's change is in points).
    pub delta: Figures,
    /// `delta` in % of the baseline.
    pub delta_pct: Percentages,
}

impl Comparison {
    /// The comparison of `baseline` with `plan`, rounded to 4 decimals.
    pub fn new(baseline: &Figures, plan: &Figures) -> Self {
        Comparison {
            baseline: baseline.rounded(),
            plan: plan.rounded(),
            delta: plan.minus(baseline).rounded(),
            delta_pct: Figures::percent_change(baseline, plan),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_match_serialised_keys() {
        let json = serde_json::to_value(Figures::default()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let mut fields: Vec<&str> = Figures::FIELDS.iter().map(|f| f.key).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        fields.sort_unstable();
        assert_eq!(sorted, fields);
    }

    #[test]
    fn percentages_skip_zero_baselines_and_shares() {
        let base = Figures {
            travel_min: 200.0,
            preferred_share_pct: Some(50.0),
            ..Default::default()
        };
        let plan = Figures {
            travel_min: 150.0,
            wait_min: 10.0,
            preferred_share_pct: Some(75.0),
            ..Default::default()
        };
        let c = Comparison::new(&base, &plan);
        assert_eq!(c.delta.travel_min, -50.0);
        assert_eq!(c.delta_pct.travel_min, Some(-25.0));
        assert_eq!(c.delta_pct.wait_min, None);
        assert_eq!(c.delta.preferred_share_pct, Some(25.0));
        assert_eq!(c.delta_pct.preferred_share_pct, None);
    }
}

//! A synthetic but realistic team day for booking benchmarks and tests: a market town
//! and its villages, two bases, NHS and local-authority staff with breaks and office
//! time, visits with one- to three-hour windows, skills, some double-handed visits and
//! insulin pairs tied by gaps. Deterministic for a seed.

#![allow(dead_code)]

use serde_json::{json, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn hhmm(min: f64) -> String {
    let m = min.round() as i64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A problem with `visits` visits and `staff` staff (SPEC JSON).
pub fn day(visits: usize, staff: usize, seed: u64) -> Value {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let centres = [
        (52.670, -0.727),
        (52.640, -0.600),
        (52.700, -0.650),
        (52.610, -0.700),
    ];
    let mut staff_list = Vec::new();
    for s in 0..staff {
        let nhs = s % 3 == 0;
        let (start, end) = if s % 4 == 3 {
            (420.0, 930.0)
        } else {
            (480.0, 990.0)
        };
        let mut skills = vec!["personal_care"];
        if nhs {
            skills = vec!["nursing", "insulin", "wound_care"];
        } else if s % 5 == 1 {
            skills.push("insulin");
        }
        staff_list.push(json!({
            "id": format!("s{s:03}"),
            "organisation": if nhs { "NHS" } else { "Council" },
            "skills": skills,
            "shift": {"start": hhmm(start), "end": hhmm(end)},
            "start_location": if s % 2 == 0 { "base_a" } else { "base_b" },
            "breaks": [{"earliest": "12:00", "latest": "14:00", "duration_min": 30}],
            "admin_min": 30,
        }));
    }
    let mut list: Vec<Value> = Vec::new();
    let mut v = 0;
    while v < visits {
        let c = rng.pick(&centres);
        let lat = c.0 + rng.range(-0.03, 0.03);
        let lon = c.1 + rng.range(-0.05, 0.05);
        let duration = *rng.pick(&[15.0, 20.0, 30.0, 30.0, 45.0, 60.0]);
        let open = (rng.range(480.0, 900.0) / 15.0).round() * 15.0;
        let width = *rng.pick(&[60.0, 90.0, 120.0, 180.0]);
        let r = rng.unit();
        let skills: Vec<&str> = if r < 0.25 {
            vec!["nursing"]
        } else if r < 0.35 {
            vec!["wound_care"]
        } else {
            vec!["personal_care"]
        };
        let client = format!("c{v:04}");
        if rng.unit() < 0.05 && v + 2 <= visits {
            // An insulin pair: morning and teatime, 6 to 10 hours apart.
            list.push(json!({
                "id": format!("v{v:04}"), "client": client, "location": {"lat": lat, "lon": lon},
                "duration_min": 15, "time_windows": [["08:00", "09:30"]], "skills": ["insulin"],
            }));
            list.push(json!({
                "id": format!("v{:04}", v + 1), "client": client, "location": {"lat": lat, "lon": lon},
                "duration_min": 15, "time_windows": [["14:00", "16:00"]], "skills": ["insulin"],
                "after": [{"visit": format!("v{v:04}"), "min_gap_min": 300, "max_gap_min": 480}],
            }));
            v += 2;
            continue;
        }
        let double = rng.unit() < 0.04;
        let mut visit = json!({
            "id": format!("v{v:04}"), "client": client, "location": {"lat": lat, "lon": lon},
            "duration_min": duration,
            "time_windows": [[hhmm(open), hhmm((open + width).min(960.0))]],
            "skills": if double { vec!["personal_care"] } else { skills },
        });
        if double {
            visit["staff_count"] = json!(2);
        }
        if rng.unit() < 0.2 {
            visit["preferred_staff"] = json!([format!("s{:03}", rng.next() % staff as u64)]);
        }
        list.push(visit);
        v += 1;
    }
    json!({
        "name": format!("Synthetic day, {visits} visits"),
        "locations": [
            {"id": "base_a", "lat": 52.668, "lon": -0.725},
            {"id": "base_b", "lat": 52.645, "lon": -0.610}
        ],
        "staff": staff_list,
        "visits": list,
        "options": {"time_limit_s": 2, "seed": 1, "threads": 1}
    })
}

/// A new visit to book: single-handed personal care near the town centre, any time
/// between 09:00 and 15:00 (`k` varies the place).
pub fn new_visit(k: u64) -> Value {
    let mut rng = Rng(k.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    json!({
        "id": format!("new{k}"),
        "client": "c9999",
        "location": {"lat": 52.670 + rng.range(-0.03, 0.03), "lon": -0.727 + rng.range(-0.05, 0.05)},
        "duration_min": 30,
        "time_windows": [["09:00", "15:00"]],
        "skills": ["personal_care"],
    })
}

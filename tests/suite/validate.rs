//! Bad problem documents: each must be rejected with the path of the offending field and a
//! message that says what is wrong (SPEC.md, "Errors"). Plus the shipped sample day, and a
//! property test that no input makes `parse_problem` panic.

use carerounds::model::parse_problem;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A small valid problem that exercises most fields; each test breaks one thing.
fn base() -> Value {
    json!({
        "name": "Test locality, Tuesday",
        "travel": {"mode": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
        "locations": [
            {"id": "base", "lat": 52.6708, "lon": -0.7375},
            {"id": "office", "lat": 52.6683, "lon": -0.7248}
        ],
        "staff": [
            {
                "id": "ann",
                "organisation": "NHS",
                "skills": ["nursing", "insulin"],
                "shift": {"start": "08:00", "end": "16:30"},
                "start_location": "base",
                "end_location": "base",
                "breaks": [{"earliest": "12:00", "latest": "14:00", "duration_min": 30}],
                "admin_min": 60,
                "max_travel_min": 180,
                "max_visits": 12,
                "max_overtime_min": 15
            },
            {
                "id": "bob",
                "organisation": "Rutland County Council",
                "skills": ["personal_care"],
                "shift": {"start": "07:30", "end": "15:30"},
                "start_location": {"lat": 52.5884, "lon": -0.7206}
            }
        ],
        "visits": [
            {
                "id": "v1",
                "client": "c1",
                "location": {"lat": 52.66, "lon": -0.72},
                "duration_min": 15,
                "time_windows": [["08:00", "09:30"]],
                "skills": ["insulin"],
                "priority": "required",
                "max_lateness_min": 10
            },
            {
                "id": "v2",
                "client": "c2",
                "location": "office",
                "duration_min": 30,
                "time_windows": [["09:00", "10:00"], ["13:00", 840]],
                "staff_count": 2,
                "preferred_staff": ["ann"],
                "excluded_staff": []
            },
            {
                "id": "v3",
                "client": "c1",
                "location": {"lat": 52.66, "lon": -0.72},
                "duration_min": 15,
                "skills": ["insulin"],
                "priority": "optional",
                "after": [{"visit": "v1", "min_gap_min": 360, "max_gap_min": 600}]
            }
        ],
        "baseline": {"routes": [{"staff": "ann", "visits": ["v1", "v2", "v3"]},
                                {"staff": "bob", "visits": ["v2"]}]},
        "objective": {"travel_min": 1, "preferred_staff": 5},
        "options": {"time_limit_s": 5, "seed": 1, "threads": 0}
    })
}

/// The base problem changed by `f`, as JSON text.
fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    v.to_string()
}

/// The base problem in matrix mode: two named locations, every location an id.
fn matrix_base() -> Value {
    let mut v = base();
    v["travel"] = json!({
        "mode": "matrix",
        "durations_min": [[0, 5], [6, 0]],
        "distances_km": [[0, 2.5], [3, 0]]
    });
    v["staff"][1]["start_location"] = json!("office");
    for visit in v["visits"].as_array_mut().unwrap() {
        visit["location"] = json!("base");
    }
    v
}

fn with_matrix(f: impl FnOnce(&mut Value)) -> String {
    let mut v = matrix_base();
    f(&mut v);
    v.to_string()
}

/// Asserts that `json` is rejected at `path` with a message containing every one of `words`
/// (case-insensitive), and that the error displays as `path: message`.
#[track_caller]
fn rejects(json: &str, path: &str, words: &[&str]) {
    let err = match parse_problem(json) {
        Ok(_) => panic!("accepted a bad problem; expected an error at `{path}`"),
        Err(e) => e,
    };
    assert_eq!(err.path.as_str(), path, "wrong path in: {err}");
    let message = err.message.to_lowercase();
    for w in words {
        assert!(
            message.contains(&w.to_lowercase()),
            "message does not mention {w:?}: {err}"
        );
    }
    let shown = err.to_string();
    let expected_path = if path.is_empty() { "(document)" } else { path };
    assert_eq!(shown, format!("{expected_path}: {}", err.message));
}

// ---------------------------------------------------------------------------------------
// Valid documents

#[test]
fn the_base_problem_is_valid() {
    let p = parse_problem(&base().to_string()).expect("base problem parses");
    assert_eq!(p.staff.len(), 2);
    assert_eq!(p.visits.len(), 3);
    assert!(p.baseline.is_some());
}

#[test]
fn the_matrix_base_problem_is_valid() {
    parse_problem(&matrix_base().to_string()).expect("matrix base problem parses");
}

#[test]
fn clock_hours_may_pass_midnight() {
    let json = with(|v| {
        v["staff"][1]["shift"] = json!({"start": "20:00", "end": "26:30"});
        v["visits"][2]["time_windows"] = json!([["25:00", "25:30"]]);
    });
    parse_problem(&json).expect("a horizon past midnight is valid");
}

#[test]
fn the_sample_day_parses_and_has_the_expected_shape() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");
    let text = std::fs::read_to_string(path).expect("data/sample-day.json exists");
    let p = parse_problem(&text).unwrap_or_else(|e| panic!("sample day: {e}"));
    assert!(p.staff.len() >= 12, "{} staff", p.staff.len());
    assert!(p.visits.len() >= 120, "{} visits", p.visits.len());
    let mut orgs: Vec<&str> = p.staff.iter().map(|s| s.organisation.as_str()).collect();
    orgs.sort_unstable();
    orgs.dedup();
    assert_eq!(orgs, ["NHS", "Rutland County Council"]);
    assert!(p.visits.iter().any(|v| v.staff_count.get() == 2));
    assert!(p.visits.iter().any(|v| !v.after.is_empty()));
    assert!(p.visits.iter().any(|v| !v.required));
    let baseline = p.baseline.as_ref().expect("baseline present");
    // The baseline books every visit, double-handed ones to two staff.
    let mut booked = vec![0usize; p.visits.len()];
    for r in baseline {
        for &v in &r.visits {
            booked[v] += 1;
        }
    }
    for (v, n) in p.visits.iter().zip(&booked) {
        assert_eq!(*n, v.staff_count.get(), "visit {} booked {n} times", v.id);
    }
}

// ---------------------------------------------------------------------------------------
// Not JSON, or not the right shape (serde errors with their paths)

#[test]
fn malformed_json() {
    rejects(r#"{"staff": [ "#, "staff", &["not valid json"]);
}

#[test]
fn malformed_json_in_a_visit() {
    let text = with(|_| {});
    let broken = text.replacen("\"duration_min\":15", "\"duration_min\":15,,", 1);
    assert_ne!(text, broken);
    // The key after the stray comma cannot be read: the visit is the place.
    rejects(&broken, "visits[0]", &["not valid json", "key must be a string"]);
}

#[test]
fn empty_document() {
    rejects("", "", &["not valid json"]);
}

#[test]
fn document_is_not_an_object() {
    rejects("[1, 2, 3]", "", &["must be a json object", "not an array"]);
    rejects("\"staff\"", "", &["invalid type", "expected a problem object"]);
    rejects("null", "", &["invalid type", "expected a problem object"]);
}

#[test]
fn number_too_large_for_a_double() {
    // serde_json refuses 1e999 (it would be infinity) rather than passing it on.
    let json = with(|_| {}).replacen("\"duration_min\":15", "\"duration_min\":1e999", 1);
    rejects(
        &json,
        "visits[0].duration_min",
        &["not valid json", "out of range"],
    );
}

#[test]
fn unknown_field_at_top_level() {
    rejects(
        &with(|v| v["colour"] = json!("blue")),
        "colour",
        &["unknown field `colour`"],
    );
}

#[test]
fn unknown_field_in_staff() {
    rejects(
        &with(|v| v["staff"][1]["shift_start"] = json!("08:00")),
        "staff[1].shift_start",
        &["unknown field `shift_start`"],
    );
}

#[test]
fn unknown_field_in_visit() {
    rejects(
        &with(|v| v["visits"][2]["postcode"] = json!("LE15 6HP")),
        "visits[2].postcode",
        &["unknown field `postcode`"],
    );
}

#[test]
fn unknown_field_in_shift() {
    rejects(
        &with(|v| v["staff"][0]["shift"]["finish"] = json!("17:00")),
        "staff[0].shift.finish",
        &["unknown field `finish`"],
    );
}

#[test]
fn unknown_field_in_options() {
    rejects(
        &with(|v| v["options"]["time_limit"] = json!(5)),
        "options.time_limit",
        &["unknown field `time_limit`"],
    );
}

#[test]
fn unknown_travel_mode() {
    rejects(
        &with(|v| v["travel"] = json!({"mode": "teleport"})),
        "travel.mode",
        &["unknown variant `teleport`", "haversine", "matrix"],
    );
}

#[test]
fn missing_required_field() {
    rejects(
        &with(|v| {
            v["visits"][1].as_object_mut().unwrap().remove("duration_min");
        }),
        "visits[1].duration_min",
        &["missing field `duration_min`"],
    );
}

#[test]
fn missing_staff_list() {
    rejects(
        &with(|v| {
            v.as_object_mut().unwrap().remove("staff");
        }),
        "staff",
        &["missing field `staff`"],
    );
}

#[test]
fn wrong_type_for_duration() {
    rejects(
        &with(|v| v["visits"][0]["duration_min"] = json!("thirty")),
        "visits[0].duration_min",
        &["invalid type", "string \"thirty\""],
    );
}

#[test]
fn wrong_type_for_skills() {
    rejects(
        &with(|v| v["staff"][0]["skills"] = json!("nursing")),
        "staff[0].skills",
        &["invalid type", "expected a list"],
    );
}

#[test]
fn fractional_staff_count() {
    rejects(
        &with(|v| v["visits"][1]["staff_count"] = json!(1.5)),
        "visits[1].staff_count",
        &["invalid type", "1.5"],
    );
}

#[test]
fn negative_seed() {
    rejects(
        &with(|v| v["options"]["seed"] = json!(-1)),
        "options.seed",
        &["invalid value", "-1"],
    );
}

#[test]
fn duplicate_key_in_an_object() {
    let json = with(|_| {}).replacen("\"id\":\"v1\"", "\"id\":\"v1\",\"id\":\"v9\"", 1);
    rejects(&json, "visits[0]", &["duplicate field `id`"]);
}

#[test]
fn location_that_is_neither_id_nor_point() {
    rejects(
        &with(|v| v["visits"][0]["location"] = json!({"lat": 52.6, "lng": -0.7})),
        "visits[0].location",
        &["id of an entry in `locations`", "lat"],
    );
}

#[test]
fn time_window_with_one_end() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"] = json!([["08:00"]])),
        "visits[0].time_windows[0]",
        &["invalid length 1"],
    );
}

#[test]
fn clock_of_the_wrong_type() {
    rejects(
        &with(|v| v["staff"][0]["shift"]["start"] = json!(true)),
        "staff[0].shift.start",
        &["\"HH:MM\""],
    );
}

#[test]
fn unknown_priority() {
    rejects(
        &with(|v| v["visits"][0]["priority"] = json!("urgent")),
        "visits[0].priority",
        &["unknown variant `urgent`", "required", "optional"],
    );
}

// ---------------------------------------------------------------------------------------
// Ids and references

#[test]
fn duplicate_staff_id() {
    rejects(
        &with(|v| v["staff"][1]["id"] = json!("ann")),
        "staff[1].id",
        &["duplicate id 'ann'", "staff[0]"],
    );
}

#[test]
fn duplicate_visit_id() {
    rejects(
        &with(|v| v["visits"][2]["id"] = json!("v1")),
        "visits[2].id",
        &["duplicate id 'v1'", "visits[0]"],
    );
}

#[test]
fn duplicate_location_id() {
    rejects(
        &with(|v| v["locations"][1]["id"] = json!("base")),
        "locations[1].id",
        &["duplicate id 'base'"],
    );
}

#[test]
fn empty_staff_id() {
    rejects(
        &with(|v| v["staff"][0]["id"] = json!("")),
        "staff[0].id",
        &["non-empty"],
    );
}

#[test]
fn blank_visit_id() {
    rejects(
        &with(|v| v["visits"][1]["id"] = json!("  ")),
        "visits[1].id",
        &["non-empty"],
    );
}

#[test]
fn unknown_start_location() {
    rejects(
        &with(|v| v["staff"][0]["start_location"] = json!("depot")),
        "staff[0].start_location",
        &["unknown location 'depot'"],
    );
}

#[test]
fn unknown_visit_location() {
    rejects(
        &with(|v| v["visits"][1]["location"] = json!("LE15 6HP")),
        "visits[1].location",
        &["unknown location 'LE15 6HP'"],
    );
}

#[test]
fn unknown_preferred_staff() {
    rejects(
        &with(|v| v["visits"][1]["preferred_staff"] = json!(["ann", "zoe"])),
        "visits[1].preferred_staff[1]",
        &["unknown staff id 'zoe'"],
    );
}

#[test]
fn unknown_excluded_staff() {
    rejects(
        &with(|v| v["visits"][0]["excluded_staff"] = json!(["zoe"])),
        "visits[0].excluded_staff[0]",
        &["unknown staff id 'zoe'"],
    );
}

#[test]
fn unknown_visit_in_after() {
    rejects(
        &with(|v| v["visits"][2]["after"][0]["visit"] = json!("v7")),
        "visits[2].after[0].visit",
        &["unknown visit id 'v7'"],
    );
}

#[test]
fn unknown_staff_in_baseline() {
    rejects(
        &with(|v| v["baseline"]["routes"][1]["staff"] = json!("zoe")),
        "baseline.routes[1].staff",
        &["unknown staff id 'zoe'"],
    );
}

#[test]
fn unknown_visit_in_baseline() {
    rejects(
        &with(|v| v["baseline"]["routes"][0]["visits"][1] = json!("v22")),
        "baseline.routes[0].visits[1]",
        &["unknown visit id 'v22'"],
    );
}

#[test]
fn visit_booked_twice_for_one_staff_member_in_baseline() {
    rejects(
        &with(|v| v["baseline"]["routes"][0]["visits"][2] = json!("v1")),
        "baseline.routes[0].visits[2]",
        &["booked twice", "v1"],
    );
}

// ---------------------------------------------------------------------------------------
// Coordinates

#[test]
fn latitude_out_of_range_inline() {
    rejects(
        &with(|v| v["visits"][0]["location"]["lat"] = json!(91.0)),
        "visits[0].location.lat",
        &["latitude 91", "-90..90"],
    );
}

#[test]
fn longitude_out_of_range_inline() {
    rejects(
        &with(|v| v["staff"][1]["start_location"]["lon"] = json!(-180.5)),
        "staff[1].start_location.lon",
        &["longitude -180.5", "-180..180"],
    );
}

#[test]
fn latitude_out_of_range_in_locations() {
    rejects(
        &with(|v| v["locations"][1]["lat"] = json!(-95)),
        "locations[1].lat",
        &["latitude -95"],
    );
}

#[test]
fn location_without_longitude() {
    rejects(
        &with(|v| {
            v["locations"][0].as_object_mut().unwrap().remove("lon");
        }),
        "locations[0].lon",
        &["lon is required"],
    );
}

// ---------------------------------------------------------------------------------------
// Durations and times

#[test]
fn negative_duration() {
    rejects(
        &with(|v| v["visits"][1]["duration_min"] = json!(-5)),
        "visits[1].duration_min",
        &["duration", ">= 0", "-5"],
    );
}

#[test]
fn window_end_before_start() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"] = json!([["09:00", "08:00"]])),
        "visits[0].time_windows[0]",
        &["end 08:00 is before start 09:00"],
    );
}

#[test]
fn window_outside_every_shift() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"][0] = json!(["18:00", "19:00"])),
        "visits[0].time_windows[0]",
        &["outside every shift", "18:00-19:00"],
    );
}

#[test]
fn overlapping_windows() {
    rejects(
        &with(|v| v["visits"][1]["time_windows"] = json!([["09:00", "10:00"], ["09:30", "11:00"]])),
        "visits[1].time_windows",
        &["overlap"],
    );
}

#[test]
fn empty_window_list() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"] = json!([])),
        "visits[0].time_windows",
        &["empty list"],
    );
}

#[test]
fn clock_written_9h30() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"][0][0] = json!("9h30")),
        "visits[0].time_windows[0][0]",
        &["\"9h30\"", "HH:MM"],
    );
}

#[test]
fn clock_with_61_minutes() {
    rejects(
        &with(|v| v["visits"][0]["time_windows"][0][1] = json!("25:61")),
        "visits[0].time_windows[0][1]",
        &["\"25:61\"", "HH:MM"],
    );
}

#[test]
fn negative_clock_number() {
    rejects(
        &with(|v| v["staff"][1]["shift"]["start"] = json!(-30)),
        "staff[1].shift.start",
        &["-30", "minutes"],
    );
}

#[test]
fn shift_end_before_start() {
    rejects(
        &with(|v| v["staff"][1]["shift"] = json!({"start": "15:30", "end": "07:30"})),
        "staff[1].shift.end",
        &["shift end 07:30 is before its start 15:30"],
    );
}

#[test]
fn break_latest_before_earliest() {
    rejects(
        &with(|v| v["staff"][0]["breaks"][0]["latest"] = json!("11:00")),
        "staff[0].breaks[0].latest",
        &["latest 11:00 is before earliest 12:00"],
    );
}

#[test]
fn negative_break_duration() {
    rejects(
        &with(|v| v["staff"][0]["breaks"][0]["duration_min"] = json!(-30)),
        "staff[0].breaks[0].duration_min",
        &["duration", ">= 0"],
    );
}

#[test]
fn negative_admin_min() {
    rejects(
        &with(|v| v["staff"][0]["admin_min"] = json!(-60)),
        "staff[0].admin_min",
        &["admin_min", ">= 0", "-60"],
    );
}

#[test]
fn negative_max_travel() {
    rejects(
        &with(|v| v["staff"][0]["max_travel_min"] = json!(-1)),
        "staff[0].max_travel_min",
        &["max_travel_min", ">= 0"],
    );
}

#[test]
fn negative_max_visits() {
    rejects(
        &with(|v| v["staff"][0]["max_visits"] = json!(-2)),
        "staff[0].max_visits",
        &["max_visits must be >= 0", "-2"],
    );
}

#[test]
fn negative_overtime() {
    rejects(
        &with(|v| v["staff"][0]["max_overtime_min"] = json!(-15)),
        "staff[0].max_overtime_min",
        &["max_overtime_min", ">= 0"],
    );
}

#[test]
fn empty_staff_list() {
    rejects(
        &with(|v| v["staff"] = json!([])),
        "staff",
        &["at least one staff member"],
    );
}

// ---------------------------------------------------------------------------------------
// Visits: staff count, gaps, lateness

#[test]
fn staff_count_zero() {
    rejects(
        &with(|v| v["visits"][0]["staff_count"] = json!(0)),
        "visits[0].staff_count",
        &["staff_count must be 1 or 2, got 0"],
    );
}

#[test]
fn staff_count_three() {
    rejects(
        &with(|v| v["visits"][1]["staff_count"] = json!(3)),
        "visits[1].staff_count",
        &["staff_count must be 1 or 2, got 3"],
    );
}

#[test]
fn after_cycle_of_two() {
    // v1 after v3 and v3 after v1: neither can start first.
    rejects(
        &with(|v| v["visits"][0]["after"] = json!([{"visit": "v3", "min_gap_min": 60}])),
        "visits[2].after[0].visit",
        &["cycle", "'v1'", "'v3'"],
    );
}

#[test]
fn after_cycle_of_three() {
    rejects(
        &with(|v| {
            v["visits"][0]["after"] = json!([{"visit": "v2"}]);
            v["visits"][1]["after"] = json!([{"visit": "v3"}]);
        }),
        "visits[2].after[0].visit",
        &["cycle"],
    );
}

#[test]
fn after_itself() {
    rejects(
        &with(|v| v["visits"][2]["after"][0]["visit"] = json!("v3")),
        "visits[2].after[0].visit",
        &["after itself"],
    );
}

#[test]
fn max_gap_below_min_gap() {
    rejects(
        &with(|v| v["visits"][2]["after"][0]["max_gap_min"] = json!(300)),
        "visits[2].after[0].max_gap_min",
        &["max gap 300 is below min gap 360"],
    );
}

#[test]
fn lateness_word_other_than_unbounded() {
    rejects(
        &with(|v| v["visits"][0]["max_lateness_min"] = json!("soon")),
        "visits[0].max_lateness_min",
        &["'soon' is not allowed", "unbounded"],
    );
}

#[test]
fn negative_lateness() {
    rejects(
        &with(|v| v["visits"][0]["max_lateness_min"] = json!(-10)),
        "visits[0].max_lateness_min",
        &[">= 0", "-10"],
    );
}

#[test]
fn lateness_unbounded_and_null_are_valid() {
    for value in [json!("unbounded"), Value::Null] {
        let json = with(|v| v["visits"][0]["max_lateness_min"] = value);
        parse_problem(&json).expect("unbounded or null lateness is valid");
    }
}

// ---------------------------------------------------------------------------------------
// Travel model

#[test]
fn detour_factor_below_one() {
    rejects(
        &with(|v| v["travel"]["detour_factor"] = json!(0.9)),
        "travel.detour_factor",
        &["detour factor must be >= 1", "0.9"],
    );
}

#[test]
fn zero_speed() {
    rejects(
        &with(|v| v["travel"]["speed_kmh"] = json!(0)),
        "travel.speed_kmh",
        &["speed must be > 0"],
    );
}

#[test]
fn matrix_rows_differ_from_locations() {
    rejects(
        &with_matrix(|v| v["travel"]["durations_min"] = json!([[0, 5], [6, 0], [1, 1]])),
        "travel.durations_min",
        &["3 rows", "2 entries"],
    );
}

#[test]
fn matrix_not_square() {
    rejects(
        &with_matrix(|v| v["travel"]["distances_km"][1] = json!([3])),
        "travel.distances_km[1]",
        &["square", "1 entries"],
    );
}

#[test]
fn negative_matrix_entry() {
    rejects(
        &with_matrix(|v| v["travel"]["durations_min"][0][1] = json!(-5)),
        "travel.durations_min[0][1]",
        &["matrix entry", ">= 0", "-5"],
    );
}

#[test]
fn inline_point_in_matrix_mode() {
    rejects(
        &with_matrix(|v| v["visits"][2]["location"] = json!({"lat": 52.6, "lon": -0.7})),
        "visits[2].location",
        &["matrix", "id of a `locations` entry"],
    );
}

#[test]
fn matrix_mode_locations_need_no_coordinates() {
    let json = with_matrix(|v| {
        v["locations"] = json!([{"id": "base"}, {"id": "office"}]);
    });
    parse_problem(&json).expect("coordinates are optional in matrix mode");
}

// ---------------------------------------------------------------------------------------
// Objective and options

#[test]
fn negative_objective_weight() {
    rejects(
        &with(|v| v["objective"]["travel_min"] = json!(-1)),
        "objective.travel_min",
        &["weight", ">= 0"],
    );
}

#[test]
fn negative_time_limit() {
    rejects(
        &with(|v| v["options"]["time_limit_s"] = json!(-5)),
        "options.time_limit_s",
        &["time limit", ">= 0", "-5"],
    );
}

#[test]
fn huge_time_limit() {
    // Finite, but no timer can hold it (Duration::from_secs_f64 would panic).
    rejects(
        &with(|v| v["options"]["time_limit_s"] = json!(1e300)),
        "options.time_limit_s",
        &["time limit"],
    );
}

// ---------------------------------------------------------------------------------------
// parse_problem never panics

/// Arbitrary JSON values, nested a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and infinities become null
        "[a-z0-9:_ ]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names: mostly ones the format uses, so objects get past the first unknown field.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "name",
            "travel",
            "mode",
            "locations",
            "lat",
            "lon",
            "staff",
            "visits",
            "shift",
            "start",
            "end",
            "skills",
            "location",
            "duration_min",
            "time_windows",
            "staff_count",
            "after",
            "visit",
            "min_gap_min",
            "max_gap_min",
            "baseline",
            "routes",
            "options",
            "objective",
            "start_location",
            "breaks",
            "earliest",
            "latest",
            "durations_min",
            "distances_km",
            "priority",
            "max_lateness_min",
        ])
        .prop_map(String::from),
        "[a-z_]{1,10}",
    ]
}

/// Every path (object keys and array indices) to a value inside `v`.
fn paths(v: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(PathStep::Key(k.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(PathStep::Index(i));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

/// The base problem with `n` of its values (picked by the seeds) replaced or removed.
fn mutate(picks: &[(prop::sample::Index, u8, Value)]) -> String {
    let mut doc = base();
    for (index, how, replacement) in picks {
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        let path = index.get(&all).clone();
        match (how % 3, path.split_last()) {
            (0, Some((PathStep::Key(k), parent))) => {
                if let Some(m) = at(&mut doc, parent).as_object_mut() {
                    m.remove(k);
                }
            }
            (1, Some((PathStep::Index(i), parent))) => {
                if let Some(a) = at(&mut doc, parent).as_array_mut() {
                    a.insert(*i, replacement.clone());
                }
            }
            _ => *at(&mut doc, &path) = replacement.clone(),
        }
    }
    doc.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,200}") {
        let _ = parse_problem(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_json()) {
        let _ = parse_problem(&v.to_string());
    }

    #[test]
    fn mutated_base_never_panics(
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any_json()), 1..5)
    ) {
        let json = mutate(&picks);
        if let Err(e) = parse_problem(&json) {
            // Whatever went wrong, the message is not empty.
            prop_assert!(!e.message.is_empty(), "empty message at {}", e.path);
        }
    }

    #[test]
    fn truncated_base_never_panics(cut in 0usize..2000) {
        let text = base().to_string();
        let cut = cut.min(text.len());
        prop_assert!(parse_problem(&text[..cut]).is_err() || cut == text.len());
    }
}

// ---------------------------------------------------------------------------------------
// Rules across fields: inputs that no plan could satisfy, known before any search.

#[test]
fn admin_time_longer_than_the_shift() {
    rejects(
        &with(|v| v["staff"][0]["admin_min"] = json!(600)),
        "staff[0].admin_min",
        &[
            "600 min of admin time",
            "longer than the shift",
            "lower admin_min",
        ],
    );
}

#[test]
fn admin_time_on_a_zero_minute_shift() {
    rejects(
        &with(|v| {
            v["staff"][1]["shift"] = json!({"start": "09:00", "end": "09:00"});
            v["staff"][1]["admin_min"] = json!(60);
        }),
        "staff[1].admin_min",
        &["longer than the shift 09:00-09:00 (0 min)"],
    );
}

#[test]
fn admin_and_breaks_that_fill_the_shift_are_a_warning() {
    let p = parse_problem(&with(|v| {
        v["staff"][0]["shift"] = json!({"start": "12:00", "end": "13:20"});
        v["staff"][0]["admin_min"] = json!(60);
    }))
    .expect("valid");
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_eq!(p.warnings[0].path, "staff[0].admin_min");
    assert!(p.warnings[0].message.contains("can make no visits"));
}

#[test]
fn break_window_outside_the_shift() {
    rejects(
        &with(|v| {
            v["staff"][1]["breaks"] = json!([{"earliest": "12:00", "latest": "13:00", "duration_min": 30},
                       {"earliest": "17:00", "latest": "18:00", "duration_min": 30}]);
        }),
        "staff[1].breaks[1]",
        &["cannot be taken within the shift 07:30-15:30", "move the break"],
    );
    // Starting before the shift with a window that reaches into it is fine.
    parse_problem(&with(|v| {
        v["staff"][1]["breaks"] = json!([{"earliest": "06:00", "latest": "08:00", "duration_min": 30}]);
    }))
    .expect("a break window reaching into the shift is valid");
}

#[test]
fn double_handed_visit_with_one_qualified_staff_member() {
    rejects(
        &with(|v| v["visits"][1]["skills"] = json!(["insulin"])),
        "visits[1].skills",
        &[
            "double-handed",
            "two staff members with insulin",
            "1 of the 2 staff",
            "staff_count to 1",
        ],
    );
}

#[test]
fn double_handed_visit_whose_second_qualified_person_is_excluded() {
    rejects(
        &with(|v| v["visits"][1]["excluded_staff"] = json!(["bob"])),
        "visits[1].excluded_staff",
        &["double-handed", "only 1 is not excluded"],
    );
}

#[test]
fn visit_longer_than_every_shift() {
    rejects(
        &with(|v| v["visits"][0]["duration_min"] = json!(1000)),
        "visits[0].duration_min",
        &["1000 min is longer than every shift", "check the duration"],
    );
}

#[test]
fn one_window_of_several_outside_every_shift_is_a_warning() {
    let p = parse_problem(&with(|v| {
        v["visits"][1]["time_windows"] = json!([["09:00", "10:00"], ["21:00", "22:00"]]);
    }))
    .expect("valid: the other window can be used");
    assert_eq!(p.visits[1].windows.len(), 2);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_eq!(p.warnings[0].path, "visits[1].time_windows[1]");
    assert!(p.warnings[0].message.contains("outside every shift"));
    // Every window outside is still an error.
    rejects(
        &with(|v| v["visits"][1]["time_windows"] = json!([["20:00", "21:00"], ["21:30", "22:00"]])),
        "visits[1].time_windows[0]",
        &["outside every shift"],
    );
}

#[test]
fn warnings_reach_the_plan() {
    use carerounds::solve::Solver;
    let p = parse_problem(&with(|v| {
        v["visits"][1]["time_windows"] = json!([["09:00", "10:00"], ["21:00", "22:00"]]);
    }))
    .unwrap();
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .threads(1)
        .time_limit(std::time::Duration::from_millis(100))
        .run();
    assert!(
        solved
            .plan
            .warnings
            .iter()
            .any(|w| w.starts_with("visits[1].time_windows[1]: ")),
        "{:?}",
        solved.plan.warnings
    );
}

#[test]
fn more_threads_than_cores_are_capped_and_said() {
    use carerounds::solve::{machine_threads, Solver};
    let p = parse_problem(&with(|v| v["options"]["threads"] = json!(100_000))).unwrap();
    let t0 = std::time::Instant::now();
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(std::time::Duration::from_millis(200))
        .run();
    assert!(t0.elapsed().as_secs_f64() < 5.0, "took {:?}", t0.elapsed());
    let note = solved
        .plan
        .warnings
        .iter()
        .find(|w| w.starts_with("options.threads"))
        .expect("a note on the threads");
    assert!(
        note.contains("100000") && note.contains(&format!("used {}", machine_threads())),
        "{note}"
    );
}

#[test]
fn messages_name_kinds_of_value_not_rust_types() {
    for (json, path, words) in [
        (
            with(|v| v["visits"][0]["duration_min"] = json!("thirty")),
            "visits[0].duration_min",
            "expected a number",
        ),
        (
            with(|v| v["staff"][0]["shift"] = json!("08:00-16:00")),
            "staff[0].shift",
            "expected an object with start and end",
        ),
        (
            with(|v| v["visits"][1]["staff_count"] = json!(1.5)),
            "visits[1].staff_count",
            "expected a whole number",
        ),
        (
            with(|v| v["options"]["threads"] = json!(-2)),
            "options.threads",
            "expected a whole number, 0 or more",
        ),
    ] {
        rejects(&json, path, &[words]);
        let e = parse_problem(&json).unwrap_err();
        for rust in ["f64", "u64", "usize", "u8", "struct", "Input"] {
            assert!(!e.message.contains(rust), "{e}");
        }
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{}", base());
    parse_problem(&text).expect("a UTF-8 byte-order mark before the document");
}

/// Each kind of fault is told by `InputError::kind`, not by reading the message: the HTTP
/// API writes it as `error.kind` and clients branch on it.
#[test]
fn errors_carry_their_kind() {
    use carerounds::model::InputErrorKind::{self, *};
    let cases: Vec<(String, InputErrorKind)> = vec![
        ("{\"staff\": [,]}".to_string(), Syntax),
        ("{\"staff\": [".to_string(), Syntax),
        (
            with(|v| {
                v.as_object_mut().unwrap().remove("staff");
            }),
            MissingField,
        ),
        (with(|v| v["colour"] = json!("blue")), UnknownField),
        (
            with(|v| v["visits"][0]["duration_min"] = json!("thirty")),
            WrongType,
        ),
        (with(|v| v["visits"][0]["location"] = json!(7)), WrongType),
        ("[]".to_string(), WrongType),
        (with(|v| v["travel"] = json!({"mode": "teleport"})), InvalidValue),
        (
            with(|v| v["staff"][0]["shift"]["start"] = json!("9h30")),
            InvalidValue,
        ),
        (with(|v| v["options"]["seed"] = json!(-1)), OutOfRange),
        (with(|v| v["visits"][0]["duration_min"] = json!(-5)), OutOfRange),
        (with(|v| v["locations"][0]["lat"] = json!(95)), OutOfRange),
        (
            with(|v| v["staff"][0]["start_location"] = json!("depot")),
            UnknownReference,
        ),
        (
            with(|v| v["visits"][0]["preferred_staff"] = json!(["zoe"])),
            UnknownReference,
        ),
        (with(|v| v["staff"][1]["id"] = json!("ann")), Duplicate),
        (
            with(|v| v["visits"][0]["time_windows"] = json!([["10:00", "09:00"]])),
            Conflict,
        ),
        (with(|v| v["staff"][0]["admin_min"] = json!(600)), Incoherent),
        (
            with(|v| {
                v["staff"][0]["breaks"] =
                    json!([{"earliest": "20:00", "latest": "21:00", "duration_min": 30}])
            }),
            Incoherent,
        ),
    ];
    for (json, kind) in cases {
        match parse_problem(&json) {
            Ok(_) => panic!("accepted {json}"),
            Err(e) => assert_eq!(e.kind, kind, "{e}"),
        }
    }
}

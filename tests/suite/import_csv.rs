//! `import csv`: OSGB36 → WGS84 against published points, the Code-Point Open reader (zip
//! and folder), each spreadsheet habit, each fault with its exact message, and the sample
//! export (data/export) importing as the sample day and solving.

use carerounds::formats::booking::{import, Export, ImportError, Imported, Mapping};
use carerounds::formats::codepoint;
use carerounds::formats::osgb::{grid_to_osgb36, grid_to_wgs84};
use carerounds::formats::postcode::{IndexBuilder, PostcodeIndex};
use carerounds::model::input::{LocationRef, ProblemInput};
use carerounds::model::{parse_input, validate};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Rutland sample of Code-Point Open (data/codepoint), built once without the cache.
fn rutland() -> &'static PostcodeIndex {
    static IX: OnceLock<PostcodeIndex> = OnceLock::new();
    IX.get_or_init(|| {
        let mut b = IndexBuilder::default();
        for area in ["le", "pe"] {
            b.add_area(&std::fs::read(repo().join(format!("data/codepoint/Data/CSV/{area}.csv"))).unwrap());
        }
        assert_eq!((b.without_position, b.unreadable), (0, 0));
        b.finish()
    })
}

/// Great-circle metres.
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

#[test]
fn the_os_guide_worked_example_to_the_ten_thousandth_of_a_second() {
    // OS, "A guide to coordinate systems in Great Britain", annex C: E 651409.903,
    // N 313177.270 is 52°39'27.2531"N 1°43'4.5177"E on OSGB36.
    let p = grid_to_osgb36(651_409.903, 313_177.270);
    let lat = 52.0 + 39.0 / 60.0 + 27.2531 / 3600.0;
    let lon = 1.0 + 43.0 / 60.0 + 4.5177 / 3600.0;
    assert!(((p.lat - lat) * 3600.0).abs() < 1e-4, "{p:?}");
    assert!(((p.lon - lon) * 3600.0).abs() < 1e-4, "{p:?}");
    // Helmert to WGS84 moves a point in East Anglia by some 130 m.
    let w = grid_to_wgs84(651_409.903, 313_177.270);
    let shift = metres((p.lat, p.lon), (w.lat, w.lon));
    assert!((100.0..150.0).contains(&shift), "{shift}");
}

#[test]
fn rutland_postcodes_agree_with_their_published_wgs84_within_five_metres() {
    // WGS84 positions published with the postcodes (EPSG:1314 Helmert, PROJ 9.5): the
    // extremes of Rutland north, south, east and west, and the bases of the sample day.
    let published = [
        ("LE15 6HP", 52.668256, -0.724806),
        ("LE15 6NT", 52.670802, -0.737539),
        ("LE15 9PY", 52.588368, -0.720602),
        ("LE15 7TL", 52.714140, -0.663350),
        ("LE16 8GH", 52.532027, -0.722446),
        ("LE15 7RL", 52.753281, -0.583355),
        ("LE15 9AQ", 52.596387, -0.812141),
        ("PE9 4QD", 52.685879, -0.444145),
        ("PE9 3RA", 52.628080, -0.554217),
    ];
    let ix = rutland();
    assert_eq!(ix.len(), 1273);
    for (pc, lat, lon) in published {
        let p = ix.get(pc).unwrap_or_else(|| panic!("{pc}"));
        let d = metres((p.lat, p.lon), (lat, lon));
        assert!(d < 5.0, "{pc}: {d:.2} m off");
    }
}

#[test]
fn code_point_reads_as_a_zip_a_folder_or_an_area_file_and_caches_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let le = std::fs::read(repo().join("data/codepoint/Data/CSV/le.csv")).unwrap();
    // The zip as OS ships it: area files under Data/CSV/, and CSVs under Doc/ that are not
    // postcodes (a header row) and must be passed over.
    let zip_path = dir.path().join("codepo_gb.zip");
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("Doc/Code-Point_Open_Column_Headers.csv", opts)
            .unwrap();
        z.write_all(
            b"PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\nPostcode,Positional_quality_indicator,Eastings,Northings\n",
        )
        .unwrap();
        z.start_file("Data/CSV/le.csv", opts).unwrap();
        z.write_all(&le).unwrap();
        z.start_file("Data/CSV/zz.csv", opts).unwrap();
        z.write_all(b"\"ZZ1 1AA\",90,0,0,\"\",\"\",\"\",\"\",\"\",\"\"\n")
            .unwrap();
        z.finish().unwrap();
    }
    let first = codepoint::load(&zip_path).unwrap();
    assert_eq!(first.index.len(), 1083);
    assert_eq!(
        (first.from_cache, first.without_position, first.unreadable),
        (false, 1, 0)
    );
    let cache = first.cache_file.clone().unwrap();
    assert!(
        cache.starts_with(dir.path().join(".carerounds-cache")),
        "{}",
        cache.display()
    );
    let second = codepoint::load(&zip_path).unwrap();
    assert!(second.from_cache);
    assert_eq!(second.index, first.index);
    assert_eq!(second.index, {
        let mut b = IndexBuilder::default();
        b.add_area(&le);
        b.finish()
    });
    // The unzipped folder, and one area file.
    let folder = dir.path().join("codepo_gb");
    std::fs::create_dir_all(folder.join("Data/CSV")).unwrap();
    std::fs::write(folder.join("Data/CSV/le.csv"), &le).unwrap();
    assert_eq!(codepoint::load(&folder).unwrap().index, first.index);
    assert_eq!(
        codepoint::load(&folder.join("Data/CSV/le.csv")).unwrap().index,
        first.index
    );
    // Not Code-Point at all.
    std::fs::write(dir.path().join("x.zip"), b"not a zip").unwrap();
    let e = codepoint::load(&dir.path().join("x.zip"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("x.zip is not a readable zip"), "{e}");
    let e = codepoint::load(dir.path().join("nothing").as_path())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("cannot read"), "{e}");
}

const STAFF: &str =
    "staff_id,organisation,skills,shift_start,shift_end,postcode\nann,NHS,nursing,08:00,16:00,LE15 6NT\n";

fn run(visits: &str, staff: &str, mapping: &str) -> Result<Imported, ImportError> {
    let mapping = Mapping::from_toml(mapping).unwrap();
    let export = Export {
        visits_name: "visits.csv",
        visits,
        staff_name: "staff.csv",
        staff,
    };
    import(&export, &mapping, Some(rutland()), false, "test")
}

fn ok(visits: &str, staff: &str, mapping: &str) -> ProblemInput {
    match run(visits, staff, mapping) {
        Ok(i) => i.problem,
        Err(e) => panic!("{e}"),
    }
}

/// Every message of a failed import.
fn faults(visits: &str, staff: &str, mapping: &str) -> Vec<String> {
    match run(visits, staff, mapping) {
        Ok(_) => panic!("imported"),
        Err(ImportError::Rows(r)) => r.iter().map(|e| e.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

fn windows(p: &ProblemInput) -> Vec<String> {
    p.visits
        .iter()
        .map(|v| serde_json::to_string(&v.time_windows).unwrap())
        .collect()
}

#[test]
fn spreadsheet_habits_bom_semicolons_quotes_times_durations_blank_rows() {
    let visits = "\u{feff}Visit ID;Postcode;Duration;Earliest;Latest;Skills;Note\r\n\
        v1;le156nt;30;09:00;10:30;nursing;\"a; b\"\r\n\
        v2;LE15 6HP;30m;9:00;1030;;\r\n\
        v3;\"LE15  9PY\";0:30;0900;10:30:00;;\"two\r\nlines\"\r\n\
        v4;LE15 6HP;1h30;;;;\r\n\
        ;;;;;;\r\n\r\n\r\n";
    let p = ok(visits, STAFF, "");
    let durations: Vec<f64> = p.visits.iter().map(|v| v.duration_min).collect();
    assert_eq!(durations, [30.0, 30.0, 30.0, 90.0]);
    assert_eq!(windows(&p)[..3], [r#"[["09:00","10:30"]]"#; 3]);
    assert_eq!(windows(&p)[3], "null");
    // One place per postcode, keeping the postcode; visits refer to it by id.
    let ids: Vec<&str> = p.locations.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["LE15 6NT", "LE15 6HP", "LE15 9PY"]);
    assert_eq!(p.locations[2].postcode.as_deref(), Some("LE15 9PY"));
    assert_eq!(p.visits[0].location, LocationRef::Id("LE15 6NT".into()));
    validate(&p).unwrap();
    // Comma-separated, with lat/lon columns instead of postcodes, and no mapping.
    let p = ok(
        "id,lat,lon,duration_min\nv1,52.67,-0.72,15\n",
        "id,lat,lon,shift_start,shift_end\nann,52.67,-0.73,0800,1600\n",
        "",
    );
    assert!(matches!(p.visits[0].location, LocationRef::Point(_)));
    assert!(p.locations.is_empty());
}

#[test]
fn mapped_headers_role_codes_time_bands_and_the_booked_baseline() {
    let mapping = r#"
        [visits]
        visit_id = "Visit Ref"
        postcode = "Post Code"
        duration = "Mins"
        time_band = "Band"
        skills = "Needs"
        staff = "Booked"
        order = "Seq"
        [staff]
        staff_id = "Staff No"
        role = "Role"
        shift_start = "On"
        shift_end = "Off"
        postcode = "Base"
        [roles]
        RN = ["nursing", "insulin"]
        HCA = ["personal_care"]
        [skills]
        INS = ["insulin"]
        PC = ["personal_care"]
        [time_bands]
        AM = ["07:30", "11:30"]
    "#;
    let staff = "Staff No,Role,On,Off,Base\nann,RN,7:30,15:30,LE15 6NT\nbob,HCA,7:30,15:30,LE15 6HP\ncat,HCA,7:30,15:30,LE15 6HP\n";
    let visits = "Visit Ref,Post Code,Mins,Band,Needs,Booked,Seq\n\
        v1,LE15 9PY,15,am,INS,ann,2\n\
        v2,LE15 6HP,20,AM,INS,ann,1\n\
        v3,LE15 6NT,45,,PC,bob,1\n\
        v3,LE15 6NT,45,,PC,cat,1\n";
    let p = ok(visits, staff, mapping);
    assert_eq!(p.staff[0].skills, ["insulin", "nursing"]);
    assert_eq!(windows(&p)[0], r#"[["07:30","11:30"]]"#);
    // One row per booked carer of a double-handed visit.
    assert_eq!(p.visits.len(), 3);
    assert_eq!(p.visits[2].staff_count, Some(2));
    let routes: Vec<(String, Vec<String>)> = p
        .baseline
        .unwrap()
        .routes
        .into_iter()
        .map(|r| (r.staff, r.visits))
        .collect();
    assert_eq!(
        routes,
        [
            ("ann".to_string(), vec!["v2".to_string(), "v1".to_string()]),
            ("bob".to_string(), vec!["v3".to_string()]),
            ("cat".to_string(), vec!["v3".to_string()]),
        ]
    );
}

#[test]
fn each_fault_is_named_with_row_column_value_and_what_is_expected() {
    let visits = "visit_id,postcode,duration,earliest,latest,skills,time_band,staff,after,priority\n\
        v1,LE15 6NT,30,09:00,25:70,,,,,\n\
        v2,LE15 6ZZ,half an hour,,,,,,,\n\
        v3,LE15,30,10:00,09:00,,,,,\n\
        v1,LE15 6NT,30,,,,,,,\n\
        v5,LE15 6NT,30,,,,Night,zed,v9,urgent\n\
        v6,,,,,,,,,\n\
        v7,LE15 6NT,30,09:00,,,,,,\n\
        v8,LE15 6NT,30,,,,,,,,extra\n";
    // A staff member's skills cell may name skills the [skills] map lacks; a visit's may not.
    let got = faults(visits, STAFF, "[skills]\nINS = [\"insulin\"]\n");
    let want = [
        "visits.csv row 2, column \"latest\": 25:70 is not a time (expected hours and minutes such as 09:00, 9:00 or 0900)",
        "visits.csv row 3, column \"postcode\": LE15 6ZZ is not a known postcode (did you mean LE15 0ZZ, LE15 6AZ, LE15 6BZ?)",
        "visits.csv row 3, column \"duration\": half an hour is not a duration (expected minutes such as 30, 30m, 0:30 or 1h30)",
        "visits.csv row 4, column \"postcode\": LE15 is not a postcode (expected a UK postcode such as LE15 6NT)",
        "visits.csv row 4, column \"latest\": 09:00 is before the start 10:00",
        "visits.csv row 6, column \"time_band\": Night is not in the mapping's [time_bands] (the mapping has none: add [time_bands] with e.g. AM = [\"07:30\", \"11:30\"])",
        "visits.csv row 6, column \"priority\": urgent is not a priority (expected required or optional, or map it in [priorities])",
        "visits.csv row 7, column \"postcode\": empty; expected a postcode (or lat and lon)",
        "visits.csv row 7, column \"duration\": empty; expected a duration (30, 30m, 0:30 or 1h30)",
        "visits.csv row 8, column \"latest\": empty; expected a time, since the window's other end is given",
        "visits.csv row 9: 11 cells but the header has 10 (quote a cell that holds the delimiter: \"a, b\")",
    ];
    assert_eq!(got, want);
}

/// The faults the test above does not reach: counts, coordinates, a postcode with no
/// near spelling, a code the mapping's value map does not list.
#[test]
fn counts_coordinates_far_postcodes_and_unmapped_codes_have_their_messages() {
    let got = faults(
        "visit_id,postcode,lat,lon,duration,staff_count,skills\n\
            v1,,north,-0.7,30,two,\n\
            v2,,52.6,-200,30,1,RN\n\
            v3,ZE2 9XX,,,30,1,HCA\n",
        STAFF,
        "[skills]\nRN = [\"nursing\"]\n",
    );
    let want = [
        "visits.csv row 2, column \"lat\": north is not a latitude or longitude in degrees",
        "visits.csv row 2, column \"staff_count\": two is not a whole number",
        "visits.csv row 3, column \"lon\": -200 is not a latitude or longitude in degrees",
        "visits.csv row 4, column \"postcode\": ZE2 9XX is not a known postcode (check it against the letter or the booking record)",
        "visits.csv row 4, column \"skills\": HCA is not in the mapping's [skills] (known: RN)",
    ];
    assert_eq!(got, want);
}

#[test]
fn faults_across_rows_ids_references_and_repeats() {
    let staff = format!("{STAFF}ann,NHS,nursing,08:00,16:00,LE15 6NT\n");
    let visits = "visit_id,postcode,duration,staff,after,preferred_staff\n\
        v1,LE15 6NT,30,ann,,\n\
        v1,LE15 6NT,45,bob,,\n\
        v2,LE15 6NT,30,,v9,zed\n\
        v2,LE15 6NT,30,,,\n";
    let got = faults(visits, &staff, "");
    let want = [
        "staff.csv row 3, column \"staff_id\": ann is already the id of row 2",
        "visits.csv row 3, column \"duration\": 45 differs from row 2 of the same visit (30); rows of one visit differ only in the booked staff",
        "visits.csv row 3, column \"staff\": bob is not a staff id in the staff file",
        "visits.csv row 4, column \"preferred_staff\": zed is not a staff id in the staff file",
        "visits.csv row 4, column \"after\": v9 is not a visit id in the visits file",
        "visits.csv row 5, column \"visit_id\": v2 is already the id of row 4",
    ];
    assert_eq!(got, want);
}

#[test]
fn file_faults_missing_columns_empty_files_and_mapping_keys() {
    let got = faults(
        "Ref,Where\nv1,LE15 6NT\n",
        STAFF,
        "[visits]\nvisit_id = \"Visit Ref\"\n",
    );
    assert_eq!(
        got,
        [
            "visits.csv: no column \"Visit Ref\" for visit_id (the header has \"Ref\", \"Where\"); name it in the mapping: [visits] visit_id = \"YOUR HEADER\"",
            "visits.csv: no column \"duration\" for duration (the header has \"Ref\", \"Where\"); name it in the mapping: [visits] duration = \"YOUR HEADER\"",
            "visits.csv: no column \"postcode\" for postcode (the header has \"Ref\", \"Where\"); name it in the mapping: [visits] postcode = \"YOUR HEADER\"",
        ]
    );
    assert_eq!(
        faults("\u{feff}\r\n\r\n", STAFF, ""),
        ["visits.csv: the file is empty (expected a header row, then one row per entry)"]
    );
    let e = Mapping::from_toml("[visits]\nvisit_ref = \"Visit Ref\"\n").unwrap_err();
    assert!(e.contains("line 2") && e.contains("visit_ref"), "{e}");
    let e = run("", STAFF, "[time_bands]\nAM = [\"07:30\", \"7:75\"]\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "mapping: time_bands.AM: [\"07:30\", \"7:75\"] is not a window (two times such as [\"07:30\", \"11:30\"], the first not after the second)"
    );
    // Postcodes without Code-Point Open.
    let export = Export {
        visits_name: "visits.csv",
        visits: "visit_id,postcode,duration\nv1,LE15 6NT,30\n",
        staff_name: "staff.csv",
        staff: STAFF,
    };
    let e = import(&export, &Mapping::default(), None, false, "x")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "staff.csv row 2, column \"postcode\": LE15 6NT is a postcode, but no postcode file was given"
        ),
        "{e}"
    );
}

#[test]
fn skip_bad_rows_leaves_out_the_rows_at_fault_and_those_that_depend_on_them() {
    let visits = "visit_id,postcode,duration,after\nv1,LE15 6NT,30,\nv2,LE15 6NT,x,\nv3,LE15 6NT,30,v2\nv4,LE15 6HP,30,v1\n";
    let export = Export {
        visits_name: "visits.csv",
        visits,
        staff_name: "staff.csv",
        staff: STAFF,
    };
    let i = import(&export, &Mapping::default(), Some(rutland()), true, "x").unwrap();
    let ids: Vec<&str> = i.problem.visits.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v1", "v4"]);
    let skipped: Vec<String> = i.skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        skipped,
        [
            "visits.csv row 3, column \"duration\": x is not a duration (expected minutes such as 30, 30m, 0:30 or 1h30)",
            "visits.csv row 4, column \"after\": v2 is not a visit id in the visits file",
        ]
    );
    validate(&i.problem).unwrap();
}

#[test]
fn a_problem_that_fails_validation_is_reported_on_its_row() {
    // Shift 08:00-16:00; a visit that must start before 07:00 is fine to import (the
    // solver leaves it out), but a gap after itself is not a problem carerounds accepts.
    let visits = "visit_id,postcode,duration,after\nv1,LE15 6NT,30,\nv2,LE15 6NT,30,v2\n";
    let got = faults(visits, STAFF, "");
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("visits.csv row 3: visits[1].after[0]"),
        "{got:?}"
    );
}

fn export_files() -> [PathBuf; 3] {
    let d = repo().join("data/export");
    [d.join("visits.csv"), d.join("staff.csv"), d.join("mapping.toml")]
}

#[test]
fn the_sample_export_imports_as_the_sample_day() {
    let [v, s, m] = export_files();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let export = Export {
        visits_name: "visits.csv",
        visits: &read(&v),
        staff_name: "staff.csv",
        staff: &read(&s),
    };
    let ours = import(
        &export,
        &Mapping::from_toml(&read(&m)).unwrap(),
        Some(rutland()),
        false,
        "x",
    )
    .unwrap()
    .problem;
    let day = parse_input(&read(&repo().join("data/sample-day.json"))).unwrap();
    let (a, b) = (validate(&ours).unwrap(), validate(&day).unwrap());
    assert_eq!(ours.name, day.name);
    assert_eq!(
        serde_json::to_value(&ours.baseline).unwrap(),
        serde_json::to_value(&day.baseline).unwrap()
    );
    assert_eq!((a.staff.len(), a.visits.len()), (b.staff.len(), b.visits.len()));
    for (x, y) in a.visits.iter().zip(&b.visits) {
        let (px, py) = (a.places[x.place].point.unwrap(), b.places[y.place].point.unwrap());
        assert!(metres((px.lat, px.lon), (py.lat, py.lon)) < 5.0, "{}", x.id);
        assert_eq!(
            (x.duration, &x.windows, x.staff_count, x.required, &x.after),
            (y.duration, &y.windows, y.staff_count, y.required, &y.after),
            "{}",
            x.id
        );
        assert_eq!(
            (&x.client, &x.preferred_staff, &x.excluded_staff),
            (&y.client, &y.preferred_staff, &y.excluded_staff),
            "{}",
            x.id
        );
        let mut skills = y.skills.clone();
        skills.sort();
        assert_eq!(x.skills, skills, "{}", x.id);
    }
    for (x, y) in a.staff.iter().zip(&b.staff) {
        assert_eq!(
            (
                &x.id,
                &x.organisation,
                x.shift_start,
                x.shift_end,
                &x.breaks,
                x.admin_min
            ),
            (
                &y.id,
                &y.organisation,
                y.shift_start,
                y.shift_end,
                &y.breaks,
                y.admin_min
            )
        );
        assert_eq!(
            (x.max_travel_min, x.max_visits, x.max_overtime_min),
            (y.max_travel_min, y.max_visits, y.max_overtime_min)
        );
        let (px, py) = (
            a.places[x.start_place].point.unwrap(),
            b.places[y.start_place].point.unwrap(),
        );
        assert!(metres((px.lat, px.lon), (py.lat, py.lon)) < 5.0, "{}", x.id);
    }
}

#[test]
fn cli_imports_validates_and_solves_the_sample_export() {
    let [v, s, m] = export_files();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("problem.json");
    let bin = env!("CARGO_BIN_EXE_carerounds");
    let run = Command::new(bin)
        .env("CARE_ROUNDS_CACHE_DIR", dir.path().join("cache"))
        .args(["import", "csv", "--visits"])
        .arg(&v)
        .arg("--staff")
        .arg(&s)
        .arg("--mapping")
        .arg(&m)
        .arg("--postcodes")
        .arg(repo().join("data/codepoint"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains("visits.csv: 14 staff, 122 visits, 106 places, 14 booked rounds"),
        "{err}"
    );
    let validated = Command::new(bin).arg("validate").arg(&out).output().unwrap();
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stdout)
    );
    let plan = dir.path().join("plan.json");
    let solved = Command::new(bin)
        .args(["solve", "--seconds", "1", "--threads", "1", "--out"])
        .arg(&plan)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        solved.status.success(),
        "{}",
        String::from_utf8_lossy(&solved.stderr)
    );
    let checked = Command::new(bin)
        .arg("check")
        .arg(&out)
        .arg(&plan)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );

    // Bad rows: exit 2, every fault listed, nothing written.
    let bad = dir.path().join("visits.csv");
    let text = std::fs::read_to_string(&v).unwrap();
    std::fs::write(&bad, text.replacen(";0:15;", ";0:75;", 1)).unwrap();
    let out2 = dir.path().join("bad.json");
    let run = Command::new(bin)
        .env("CARE_ROUNDS_CACHE_DIR", dir.path().join("cache"))
        .args(["import", "csv", "--visits"])
        .arg(&bad)
        .arg("--staff")
        .arg(&s)
        .arg("--mapping")
        .arg(&m)
        .arg("--postcodes")
        .arg(repo().join("data/codepoint"))
        .arg("--out")
        .arg(&out2)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("visits.csv row 2, column \"Duration\": 0:75 is not a duration"),
        "{err}"
    );
    assert!(err.contains("from the cache"), "{err}");
    assert!(!out2.exists());
}

#!/usr/bin/env python3
"""Writes data/export/{visits,staff}.csv from data/sample-day.json: the sample day's team
and visits as a booking system would export them (docs/IMPORT.md), for
`carerounds import csv` with data/export/mapping.toml.

The export looks like a real one on purpose: its own headers, `;` between cells and a
byte-order mark in the visits file (a spreadsheet saved as "CSV UTF-8" in a European
locale), CRLF line ends, role and care-need codes, time bands, durations as H:MM, shift
times as 7:30 and 0730, one row per booked carer of a double-handed visit (each with its
own sequence number in that carer's round), columns the import does not use, and a
blank trailing row.

Places become postcodes: each point of the sample day is a Code-Point Open position, so
the postcode is looked up in GEO_DIR/rutland_postcodes.csv (the file the sample day was
made from; it stays in shared/). Standard library only; deterministic.

    python3 scripts/make_sample_export.py [GEO_DIR]
"""
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "geo"

BANDS = {
    ("07:30", "09:30"): "EARLY",
    ("08:00", "10:00"): "BKFST",
    ("09:00", "13:00"): "AM",
    ("11:00", "15:00"): "MID",
    ("12:00", "14:30"): "LUNCH",
    ("14:00", "16:30"): "PM",
    ("16:00", "18:30"): "TEA",
    ("16:30", "19:00"): "EVE",
}
NEEDS = {
    "nursing": "DN",
    "insulin": "INS",
    "wound_care": "WND",
    "catheter": "CATH",
    "personal_care": "PC",
    "medication_prompt": "MED",
    "physio": "PHYS",
    "ot": "OT",
    "assessment": "SWA",
}
# Role codes and the skills each brings; what a person holds beyond it goes in
# "Competencies" (mapping.toml's [roles] and [skills] say the same).
ROLES = {
    "dn": ("RN", ["nursing", "insulin"]),
    "hca": ("HCA", ["personal_care", "medication_prompt"]),
    "physio": ("PT", ["physio"]),
    "ot": ("OT", ["ot"]),
    "cw": ("CW", ["personal_care", "medication_prompt"]),
    "sw": ("SW", ["assessment"]),
}
EMPLOYER = {"NHS": "NHS", "Rutland County Council": "Rutland County Council"}


def hmm(minutes):
    return f"{int(minutes) // 60}:{int(minutes) % 60:02d}"


def main():
    day = json.loads((ROOT / "data" / "sample-day.json").read_text())
    postcode_at = {}
    with open(GEO / "rutland_postcodes.csv", newline="") as f:
        for r in csv.DictReader(f):
            postcode_at.setdefault((float(r["lat"]), float(r["lon"])), r["postcode"])
    named = {l["id"]: (l["lat"], l["lon"]) for l in day["locations"]}

    def postcode(loc):
        lat, lon = named[loc] if isinstance(loc, str) else (loc["lat"], loc["lon"])
        return postcode_at[(lat, lon)]

    booked = {}
    for r in day["baseline"]["routes"]:
        for seq, v in enumerate(r["visits"], 1):
            booked.setdefault(v, []).append((r["staff"], seq))

    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Visit Ref", "Client No", "Post Code", "Visit Date", "Time Band", "Window From",
                "Window To", "Duration", "Care Needs", "Carers Req", "Priority", "Preferred Carer",
                "Do Not Send", "Follows Visit", "Min Gap", "Max Gap", "Booked Carer", "Seq", "Notes"])
    for v in day["visits"]:
        win = v.get("time_windows", [])
        band = BANDS.get(tuple(win[0])) if win else None
        frm, to = ("", "") if band or not win else win[0]
        after = v.get("after", [{}])[0] if v.get("after") else {}
        base = [v["id"], v["client"], postcode(v["location"]).lower().replace(" ", "") if v["id"] == "v003" else postcode(v["location"]),
                "2026-11-24", band or "", frm, to, hmm(v["duration_min"]),
                "+".join(NEEDS[s] for s in v.get("skills", [])), v.get("staff_count", 1),
                "Flexible" if v.get("priority") == "optional" else "Essential",
                ", ".join(v.get("preferred_staff", [])), ", ".join(v.get("excluded_staff", [])),
                after.get("visit", ""), after.get("min_gap_min", ""), after.get("max_gap_min", "")]
        for staff, seq in booked.get(v["id"], [("", "")]):
            note = "key safe; ring first" if v["id"] == "v001" else ""
            w.writerow(base + [staff, seq, note])
    w.writerow([""] * 19)
    (ROOT / "data" / "export").mkdir(exist_ok=True)
    (ROOT / "data" / "export" / "visits.csv").write_bytes(("\ufeff" + out.getvalue()).encode())

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    w.writerow(["Staff Code", "Employer", "Role", "Competencies", "Start", "Finish", "Base Postcode",
                "Break From", "Break To", "Break Mins", "Admin Mins", "Max Drive Mins", "Max Calls",
                "OT Allowed", "Contracted Hrs"])
    for i, s in enumerate(day["staff"]):
        code, brings = ROLES[s["id"].split("_")[0]]
        extra = [NEEDS[k] for k in s["skills"] if k not in brings]
        b = s["breaks"][0]
        start, end = s["shift"]["start"], s["shift"]["end"]
        if i % 2:  # half the rota in 0730 form, half in 7:30
            start, end = start.replace(":", ""), end.replace(":", "")
        else:
            start, end = start.lstrip("0"), end.lstrip("0")
        w.writerow([s["id"], EMPLOYER[s["organisation"]], code, ";".join(extra), start, end,
                    postcode(s["start_location"]), b["earliest"], b["latest"], b["duration_min"],
                    s.get("admin_min", ""), s.get("max_travel_min", ""), s.get("max_visits", ""),
                    s.get("max_overtime_min", ""), "37.5"])
    (ROOT / "data" / "export" / "staff.csv").write_bytes(out.getvalue().encode())


if __name__ == "__main__":
    main()

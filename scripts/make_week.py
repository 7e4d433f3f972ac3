#!/usr/bin/env python3
"""Week problems (docs/WEEK.md) for carerounds: the sample week, and generated weeks.

    python3 scripts/make_week.py sample [-o data/sample-week.json]
    python3 scripts/make_week.py generate --clients 120 --staff 24 --seed 1 [-o FILE]

`sample` turns data/sample-day.json (the Rutland team's Tuesday) into its week, Monday to
Sunday: the 14 staff and four relief staff on a rota (two days off
each, contracted hours, two part-timers with at most four days), and the same 100 clients with care packages made from their Tuesday
visits. Calls that belong to a daily routine (insulin, medication prompts, personal care,
double-handed calls and visits tied by gaps) happen every day; nursing calls (dressings,
catheter care) on two or three set days; therapy and social work assessments on one or
two weekdays; the remaining short checks three days a week. Sunday's morning insulin
calls open an hour later (`day_windows`).

`generate` makes a week of the given size on the same geography (points in Rutland's
bounding box, the two Oakham bases): carers on early and late shifts, nurses, a few
healthcare assistants; clients with packages of four daily calls, two daily calls, a
daily insulin call, dressings twice a week and welfare checks three times a week. About
seven visits a client a week: 100 clients give about 700, 150 about 1,050.

Only the Python 3 standard library is used; the output depends only on the arguments.
"""

import argparse
import json
import random
import sys

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = DAYS[:5]
BASES = [
    {"id": "oakham_health_centre", "lat": 52.670802, "lon": -0.737539},
    {"id": "rutland_council_offices", "lat": 52.668256, "lon": -0.724806},
]
FULL_TIME_MIN = 2250  # 37.5 hours
PART_TIME_MIN = 1200  # 20 hours


def daily(v):
    skills = set(v.get("skills", []))
    return (
        skills & {"insulin", "medication_prompt", "personal_care"}
        or v.get("staff_count", 1) == 2
        or v.get("after")
    )


def sample(args):
    day = json.load(open(args.day))
    rng = random.Random(18)
    linked = set()
    for v in day["visits"]:
        for a in v.get("after", []):
            linked.add(a["visit"])
            linked.add(v["id"])
    # Four relief staff join the Tuesday team, so that with two days off each every day
    # keeps each skill and shift covered (weekends carry the daily calls only).
    by_id = {s["id"]: s for s in day["staff"]}
    relief = [("dn_iris", "dn_helen"), ("cw_faye", "cw_anna"), ("cw_ivy", "cw_ben"), ("cw_gus", "cw_dev")]
    team = list(day["staff"])
    for new, like in relief:
        s = dict(by_id[like], id=new)
        s["start_location"] = "rutland_council_offices" if new.startswith("cw") else "oakham_health_centre"
        team.append(s)
    off = {
        "dn_sarah": ["sat", "sun"], "dn_tom": ["sun", "mon"], "dn_priya": ["wed", "thu"],
        "dn_gareth": ["fri", "sat"], "dn_helen": ["tue", "wed"], "dn_iris": ["thu", "sun"],
        "hca_jo": ["thu", "fri"], "physio_mark": ["sat", "sun"], "ot_claire": ["sat", "sun"],
        "sw_fiona": ["sat", "sun"], "cw_anna": ["sat", "sun"], "cw_ben": ["mon", "tue"],
        "cw_chloe": ["wed", "thu"], "cw_faye": ["fri", "sat"], "cw_ivy": ["sun", "mon"],
        "cw_dev": ["fri", "sat"], "cw_emma": ["sun", "mon"], "cw_gus": ["tue", "wed"],
    }
    part_time = {"cw_chloe", "physio_mark"}
    staff = []
    for s in team:
        s = dict(s)
        s["rota"] = {d: "off" for d in off[s["id"]]}
        if s["id"] in part_time:
            s["max_week_min"], s["max_days"] = PART_TIME_MIN, 4
        else:
            s["max_week_min"] = FULL_TIME_MIN
        staff.append(s)
    set_days = [["mon", "thu"], ["tue", "fri"], ["mon", "wed", "fri"], ["tue", "thu", "sat"]]
    visits = []
    for v in day["visits"]:
        v = dict(v)
        skills = set(v.get("skills", []))
        if daily(v) or v["id"] in linked:
            pass  # every day
        elif skills & {"nursing", "wound_care", "catheter"}:
            v["days"] = rng.choice(set_days[:2] + set_days[2:3])
        elif skills & {"physio", "ot", "assessment"}:
            v["days"] = sorted(rng.sample(WEEKDAYS, rng.choice([1, 2])), key=DAYS.index)
        else:
            v["days"] = rng.choice(set_days)
        windows = v.get("time_windows")
        if "insulin" in skills and windows and windows[0][0] < "10:00" and not v.get("after"):
            (a, b), = windows[:1]
            v["day_windows"] = {"sun": [[later(a), later(b)]]}
        visits.append(v)
    week = {
        "name": "Rutland integrated team, week",
        "days": DAYS,
        "travel": day["travel"],
        "locations": day["locations"],
        "staff": staff,
        "visits": visits,
        "continuity": {"per_extra_staff": 30, "target_staff": 1},
        "options": {"time_limit_s": 30, "seed": 1, "threads": 0},
    }
    if "sources" in day:
        week["sources"] = day["sources"]
    return week


def later(clock, hours=1):
    h, m = clock.split(":")
    return f"{int(h) + hours:02d}:{m}"


def generate(args):
    rng = random.Random(args.seed)
    lat0, lat1, lon0, lon1 = 52.55, 52.75, -0.80, -0.47
    point = lambda: {"lat": round(rng.uniform(lat0, lat1), 6), "lon": round(rng.uniform(lon0, lon1), 6)}
    staff = []
    n_nurse = max(2, round(args.staff * 0.25))
    n_hca = max(1, round(args.staff * 0.1))
    for i in range(args.staff):
        if i < n_nurse:
            sid, org = f"dn_{i:02d}", "NHS"
            skills, shift = ["nursing", "insulin", "wound_care"], ["08:00", "16:00"]
            brk = ["12:00", "14:00"]
        elif i < n_nurse + n_hca:
            sid, org = f"hca_{i:02d}", "NHS"
            skills, shift = ["insulin", "personal_care", "medication_prompt"], ["07:30", "15:00"]
            brk = ["11:30", "13:30"]
        else:
            early = (i - n_nurse - n_hca) % 2 == 0
            sid, org = f"cw_{i:02d}", "Council"
            skills = ["personal_care", "medication_prompt"]
            shift = ["07:00", "14:30"] if early else ["14:00", "22:00"]
            brk = ["11:00", "13:00"] if early else ["17:00", "19:00"]
        start = BASES[0]["id"] if org == "NHS" else (BASES[1]["id"] if rng.random() < 0.5 else point())
        first_off = i % 7
        s = {
            "id": sid, "organisation": org, "skills": skills,
            "shift": {"start": shift[0], "end": shift[1]}, "start_location": start,
            "breaks": [{"earliest": brk[0], "latest": brk[1], "duration_min": 30}],
            "rota": {DAYS[first_off]: "off", DAYS[(first_off + 1) % 7]: "off"},
        }
        if rng.random() < 0.3:
            s["max_week_min"], s["max_days"] = PART_TIME_MIN, 4
        else:
            s["max_week_min"] = FULL_TIME_MIN
        staff.append(s)
    visits = []
    for c in range(args.clients):
        cid = f"c{c:03d}"
        loc = point()
        r = rng.random()
        def add(name, dur, window, skills, days=None, **extra):
            v = {"id": f"{cid}_{name}", "client": cid, "location": loc, "duration_min": dur,
                 "time_windows": [window], "skills": skills}
            if days:
                v["days"] = days
            v.update(extra)
            visits.append(v)
        if r < 0.08:
            double = rng.random() < 0.25
            add("am", rng.choice([30, 45]), ["07:30", "09:30"], ["personal_care"],
                **({"staff_count": 2} if double else {}))
            add("lunch", 30, ["12:00", "13:30"], ["personal_care"])
            add("tea", 30, ["16:30", "18:00"], ["personal_care"])
            add("bed", 30, ["19:00", "21:30"], ["personal_care"])
        elif r < 0.23:
            add("am", 30, ["07:30", "10:30"], ["personal_care"])
            add("bed", 30, ["19:00", "21:30"], ["personal_care"])
        elif r < 0.40:
            add("insulin", 15, ["08:00", "10:00"], ["insulin"], day_windows={"sun": [["09:00", "11:00"]]})
        elif r < 0.65:
            add("dressing", 30, ["09:00", "15:00"], ["wound_care"], days=rng.choice([["mon", "thu"], ["tue", "fri"], ["wed", "sat"]]))
        else:
            add("welfare", 15, ["10:00", "12:30"], ["medication_prompt"], days=rng.choice([["mon", "wed", "fri"], ["tue", "thu", "sat"]]))
    return {
        "name": f"Generated week: {args.clients} clients, {args.staff} staff (seed {args.seed})",
        "days": DAYS,
        "travel": {"mode": "haversine", "speed_kmh": 30.0, "detour_factor": 1.3},
        "locations": BASES,
        "staff": staff,
        "visits": visits,
        "continuity": {"per_extra_staff": 30, "target_staff": 1},
        "options": {"time_limit_s": 60, "seed": 1, "threads": 0},
    }


def write(doc, out):
    lines = ["{"]
    items = list(doc.items())
    for n, (k, v) in enumerate(items):
        comma = "," if n + 1 < len(items) else ""
        if isinstance(v, list) and v and isinstance(v[0], dict):
            rows = ",\n".join("    " + json.dumps(x) for x in v)
            lines.append(f'  "{k}": [\n{rows}\n  ]{comma}')
        else:
            lines.append(f'  "{k}": {json.dumps(v)}{comma}')
    lines.append("}")
    text = "\n".join(lines) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        open(out, "w").write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--day", default="data/sample-day.json")
    s.add_argument("-o", "--out", default="data/sample-week.json")
    g = sub.add_parser("generate")
    g.add_argument("--clients", type=int, default=120)
    g.add_argument("--staff", type=int, default=24)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("-o", "--out", default="-")
    args = p.parse_args()
    write(sample(args) if args.cmd == "sample" else generate(args), args.out)


if __name__ == "__main__":
    main()

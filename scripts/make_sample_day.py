#!/usr/bin/env python3
"""Builds data/sample-day.json: one weekday of an integrated older-people's team in Rutland.

The team is 14 staff from two employers. The NHS sends district nurses, a physiotherapist,
an occupational therapist and a healthcare assistant; Rutland County Council sends social
care workers and a social worker. They make 122 visits to 100 clients at real Rutland
postcodes (OS Code-Point Open, read from shared/data/geo). The file is a SPEC v1 problem
with a `baseline`: the day as the booking desk made it, in the order the requests came in,
taking no account of where the clients live.

Usage (from the repository root):
    python3 scripts/make_sample_day.py [GEO_DIR] [-o data/sample-day.json]

GEO_DIR holds rutland_postcodes.csv and places.csv (default: ../shared/data/geo, relative
to the repository root). Only the Python 3 standard library is used. The output depends
only on SEED and the input files, so running the script twice gives the same bytes.

Before it writes anything, the script plans the day with a simple greedy insertion
heuristic (`witness`). That heuristic must place every visit without breaking a hard rule,
so a good planner certainly can. Its figures and the baseline's go to stderr.
"""

import argparse
import csv
import json
import math
import os
import random
import sys

SEED = 20250422
EARTH_RADIUS_KM = 6371.0088
SPEED_KMH = 30.0
DETOUR = 1.3
NAME = "Rutland integrated team, Tuesday"
WELFARE = 28

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Bases: real Oakham postcodes. LE15 6NT is Cold Overton Road (Rutland Memorial Hospital
# and the Oakham health centre); LE15 6HP is Catmose, the council offices.
BASES = [
    ("oakham_health_centre", "LE15 6NT"),
    ("rutland_council_offices", "LE15 6HP"),
]

LUNCH = {"earliest": "12:00", "latest": "14:00", "duration_min": 30}
LATE_LUNCH = {"earliest": "13:00", "latest": "15:00", "duration_min": 30}
TEA = {"earliest": "17:30", "latest": "19:30", "duration_min": 30}

NURSE = ["nursing", "insulin", "wound_care", "catheter"]
CARE = ["personal_care", "medication_prompt"]

# id, organisation, skills, shift, start (base id or "home:<village>"), break, extras.
STAFF = [
    ("dn_sarah", "NHS", NURSE, ("07:30", "15:30"), "oakham_health_centre", LUNCH,
     {"admin_min": 45, "max_overtime_min": 15}),
    ("dn_tom", "NHS", ["nursing", "insulin", "wound_care"], ("07:30", "15:30"), "home:Morcott",
     LUNCH, {"admin_min": 45, "max_travel_min": 150, "max_overtime_min": 15}),
    ("dn_priya", "NHS", NURSE, ("08:00", "16:30"), "oakham_health_centre", LUNCH,
     {"admin_min": 45, "max_overtime_min": 15}),
    ("dn_gareth", "NHS", NURSE, ("10:30", "19:00"), "oakham_health_centre", LATE_LUNCH,
     {"admin_min": 45, "max_overtime_min": 15}),
    ("dn_helen", "NHS", ["nursing", "insulin", "catheter"], ("14:00", "22:00"),
     "home:Cottesmore", TEA, {"admin_min": 30, "max_overtime_min": 15}),
    ("hca_jo", "NHS", ["insulin", "personal_care", "medication_prompt"], ("07:30", "15:30"),
     "oakham_health_centre", LUNCH, {"max_visits": 14}),
    ("physio_mark", "NHS", ["physio"], ("09:00", "17:00"), "oakham_health_centre", LUNCH,
     {"admin_min": 60, "max_travel_min": 150}),
    ("ot_claire", "NHS", ["ot"], ("09:00", "17:00"), "oakham_health_centre", LUNCH,
     {"admin_min": 60, "max_travel_min": 150}),
    ("cw_anna", "Rutland County Council", CARE, ("07:00", "15:00"), "rutland_council_offices",
     LUNCH, {}),
    ("cw_ben", "Rutland County Council", CARE, ("07:30", "15:30"), "rutland_council_offices",
     LUNCH, {}),
    ("cw_chloe", "Rutland County Council", CARE, ("07:30", "15:30"), "rutland_council_offices",
     LUNCH, {"max_travel_min": 180}),
    ("cw_dev", "Rutland County Council", CARE, ("14:00", "22:00"), "home:Ketton", TEA,
     {"max_overtime_min": 15}),
    ("cw_emma", "Rutland County Council", CARE, ("14:00", "22:00"), "home:Langham", TEA,
     {"max_overtime_min": 15}),
    ("sw_fiona", "Rutland County Council", ["assessment"], ("09:00", "17:00"),
     "rutland_council_offices", LUNCH, {"admin_min": 60, "max_travel_min": 120}),
]


def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def fmt(m):
    return "%02d:%02d" % (m // 60, m % 60)


def haversine_km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def road_km(a, b):
    return haversine_km(a, b) * DETOUR


def travel_min(a, b):
    return road_km(a, b) / SPEED_KMH * 60.0


def read_geo(geo_dir):
    with open(os.path.join(geo_dir, "rutland_postcodes.csv"), newline="") as f:
        postcodes = {r["postcode"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}
    with open(os.path.join(geo_dir, "places.csv"), newline="") as f:
        places = {r["name"]: r for r in csv.DictReader(f) if r["area"] == "rutland"}
    return postcodes, places


class Builder:
    """Collects clients and visits; visits get ids v001.. in the order they are added."""

    def __init__(self, free_postcodes):
        self.free = free_postcodes  # shuffled (postcode, point) pairs not used yet
        self.clients = []  # (client id, postcode, point)
        self.visits = []

    def client(self):
        postcode, point = self.free.pop()
        cid = "c%03d" % (len(self.clients) + 1)
        self.clients.append((cid, postcode, point))
        return cid, point

    def visit(self, client, point, duration, windows=None, skills=(), **extra):
        vid = "v%03d" % (len(self.visits) + 1)
        v = {"id": vid, "client": client, "location": {"lat": point[0], "lon": point[1]},
             "duration_min": duration}
        if windows:
            v["time_windows"] = [[a, b] for a, b in windows]
        if skills:
            v["skills"] = list(skills)
        for k, val in extra.items():
            if val is not None:
                v[k] = val
        self.visits.append(v)
        return vid


def make_visits(free):
    """The day's visits, section by section; each section draws from its own random stream."""
    b = Builder(free)

    def rng(section):
        return random.Random("%d-%s" % (SEED, section))

    # Insulin twice a day: breakfast and teatime doses 6 to 10 hours apart.
    r = rng("insulin")
    insulin_pref = ["dn_sarah", None, None, "dn_tom", None, "dn_priya", None, None]
    for k in range(8):
        c, p = b.client()
        dur = 20 if k in (2, 5) else 15  # with a blood glucose check
        am = b.visit(c, p, dur, [r.choice([("07:30", "09:30"), ("07:30", "09:00"), ("08:00", "10:00")])],
                     ["insulin"], preferred_staff=[insulin_pref[k]] if insulin_pref[k] else None)
        b.visit(c, p, dur, [("16:00", "18:30")], ["insulin"],
                preferred_staff=["dn_helen"] if k % 3 == 0 else None,
                after=[{"visit": am, "min_gap_min": 360, "max_gap_min": 600}])

    # Double-handed personal care (hoist transfers) in fixed half-hour slots:
    #   per client, (slot start, minutes) of the morning, lunch and evening calls.
    dh_calls = [
        (("07:30", 45), None, ("19:00", 30)),
        (("08:15", 30), ("12:30", 30), None),
        (("09:15", 45), None, ("20:30", 30)),
        (("10:15", 30), None, None),
        (None, ("13:15", 30), None),
        (("11:00", 30), None, None),
    ]
    # (client, call) of the double-ups that need one nurse and one carer (`staff_skills`).
    MIXED = {(2, 0), (5, 0)}
    dh_homes = []
    for k, calls in enumerate(dh_calls):
        c, p = b.client()
        dh_homes.append((c, p))
        for j, call in enumerate(calls):
            if call:
                slot, dur = call
                pref = {(0, 0): ["cw_anna", "cw_ben"], (0, 2): ["cw_dev", "cw_emma"]}.get((k, j))
                if (k, j) in MIXED:
                    # The integrated team's usual double-up: a nurse dresses the pressure
                    # sore while a carer helps with the transfer and personal care.
                    b.visit(c, p, dur, [(slot, fmt(hm(slot) + 30))], staff_count=2,
                            staff_skills=[["wound_care"], ["personal_care"]])
                else:
                    b.visit(c, p, dur, [(slot, fmt(hm(slot) + 30))], ["personal_care"], staff_count=2,
                            preferred_staff=pref)
    # Two of those clients also have a catheter.
    for c, p in dh_homes[1:3]:
        b.visit(c, p, 30, [("10:00", "16:00")], ["catheter"])

    # Single-handed personal care: (morning, lunch, tea, bed) calls per client.
    r = rng("personal_care")
    calls = [(1, 1, 1, 1), (1, 1, 0, 0), (1, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 0)]
    for k, (morning, lunch, tea, bed) in enumerate(calls):
        c, p = b.client()
        excluded = ["cw_ben", "cw_dev"] if k == 3 else None  # asks for female carers only
        if morning:
            w = r.choice([("07:30", "09:30"), ("08:00", "10:00"), ("08:30", "10:30"), ("09:00", "11:00")])
            b.visit(c, p, 45 if k == 0 else 30, [w], ["personal_care"], excluded_staff=excluded,
                    preferred_staff=["cw_chloe"] if k == 1 else None)
        if lunch:
            b.visit(c, p, 30, [("12:00", "13:30")], ["personal_care"], excluded_staff=excluded)
        if tea:
            b.visit(c, p, 30, [("16:30", "18:00")], ["personal_care"], excluded_staff=excluded)
        if bed:
            b.visit(c, p, 30, [("19:30", "21:30")], ["personal_care"], excluded_staff=excluded)

    # Medication prompts, 15 minutes: (breakfast, lunch, afternoon, tea) per client. A
    # lunchtime dose comes at least four hours after the breakfast one.
    r = rng("medication")
    meds = [(1, 1, 0, 0), (1, 1, 0, 0), (1, 0, 0, 1), (1, 0, 0, 0), (0, 1, 0, 0), (0, 1, 0, 0),
            (0, 1, 0, 0), (0, 1, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 1, 0), (0, 0, 1, 0),
            (0, 0, 1, 0), (0, 0, 1, 1), (0, 0, 0, 1), (0, 0, 0, 1)]
    for am, lunch, pm, tea in meds:
        c, p = b.client()
        first = None
        if am:
            first = b.visit(c, p, 15, [r.choice([("08:00", "10:30"), ("08:30", "11:00")])],
                            ["medication_prompt"])
        if lunch:
            b.visit(c, p, 15, [("12:00", "14:30")], ["medication_prompt"],
                    after=[{"visit": first, "min_gap_min": 240}] if first else None)
        if pm:
            b.visit(c, p, 15, [("14:00", "16:30")], ["medication_prompt"])
        if tea:
            b.visit(c, p, 15, [("16:30", "19:00")], ["medication_prompt"])

    # Wound care: leg ulcers, pressure sores, compression bandaging (continuity matters).
    r = rng("wound_care")
    wound_pref = ["dn_sarah", "dn_priya", None, "dn_tom", None, "dn_gareth", None, None, "dn_sarah", None]
    for k in range(10):
        c, p = b.client()
        w = r.choice([("09:00", "13:00"), ("09:00", "13:00"), ("09:00", "12:00"), ("10:00", "14:00"),
                      ("11:00", "15:00")])
        b.visit(c, p, r.choice([30, 30, 30, 45]), [w], ["wound_care"],
                preferred_staff=[wound_pref[k]] if wound_pref[k] else None,
                excluded_staff=["dn_gareth"] if k == 9 else None)  # asked not to see him again
    c, p = b.client()  # a leg ulcer (Doppler) assessment
    b.visit(c, p, 45, [("13:00", "16:00")], ["wound_care"])

    # Catheter care at another home.
    c, p = b.client()
    b.visit(c, p, 30, None, ["catheter"])

    # Other nursing: bloods before the lab courier, B12 injections, reviews, palliative care.
    nursing = [
        (15, ("08:00", "11:00"), None), (15, ("08:00", "11:00"), None),
        (15, None, None), (15, None, None), (15, None, None), (15, None, None), (15, None, None),
        (15, None, None), (30, ("10:00", "15:00"), None),
        (20, ("13:00", "17:00"), None), (20, ("14:00", "16:30"), None),
        (45, ("11:00", "15:00"), ["dn_priya"]),  # palliative care review
        (30, ("18:00", "21:00"), ["dn_helen"]),  # end-of-life evening visit
    ]
    for dur, w, pref in nursing:
        c, p = b.client()
        b.visit(c, p, dur, [w] if w else None, ["nursing"], preferred_staff=pref)

    # Therapy after discharge from hospital: physiotherapy and OT assessments.
    r = rng("therapy")
    for k, w in enumerate([("09:30", "16:00"), ("09:30", "12:00"), ("13:00", "16:00"),
                           ("09:30", "16:00")]):
        c, p = b.client()
        b.visit(c, p, r.choice([45, 45, 60]), [w], ["physio"], priority="optional" if k == 3 else None)
    for k, w in enumerate([("09:30", "15:30"), ("13:00", "16:00"), ("09:30", "12:30"),
                           ("09:30", "15:30")]):
        c, p = b.client()
        b.visit(c, p, r.choice([45, 45, 60]), [w], ["ot"], priority="optional" if k == 3 else None)

    # Social work: care needs assessments with the family present, and a review.
    for dur, w in [(90, ("10:00", "11:30")), (60, ("13:30", "15:00")), (30, None), (45, None)]:
        c, p = b.client()
        b.visit(c, p, dur, [w] if w else None, ["assessment"])

    # Welfare checks after discharge from hospital: anyone may go, at any time.
    r = rng("welfare")
    for k in range(WELFARE):
        c, p = b.client()
        b.visit(c, p, r.choice([15, 15, 20]), None, priority="optional" if k % 4 == 0 else None)

    return b.clients, b.visits


def make_staff(postcodes, places, home_points):
    staff = []
    for sid, org, skills, (start, end), where, brk, extra in STAFF:
        s = {"id": sid, "organisation": org, "skills": list(skills),
             "shift": {"start": start, "end": end}}
        if where.startswith("home:"):
            pc = places[where[5:]]["nearest_postcode"]
            home_points[sid] = (pc, postcodes[pc])
            s["start_location"] = {"lat": postcodes[pc][0], "lon": postcodes[pc][1]}
        else:
            s["start_location"] = where
        s["breaks"] = [dict(brk)]
        s.update(extra)
        staff.append(s)
    return staff


# ---------------------------------------------------------------------------------------
# Shared helpers for the baseline and the witness plan.

class Day:
    """Index-based view of the problem: points, minutes, eligibility."""

    def __init__(self, staff, visits, base_points):
        self.staff = staff
        self.visits = visits
        self.vix = {v["id"]: i for i, v in enumerate(visits)}

        def point(loc):
            return base_points[loc] if isinstance(loc, str) else (loc["lat"], loc["lon"])

        self.spoint = [point(s["start_location"]) for s in staff]
        self.vpoint = [point(v["location"]) for v in visits]
        self.shift = [(hm(s["shift"]["start"]), hm(s["shift"]["end"])) for s in staff]
        self.windows = [[(hm(a), hm(b)) for a, b in v.get("time_windows", [])] for v in visits]

    def eligible(self, si, vi):
        s, v = self.staff[si], self.visits[vi]
        if not set(v.get("skills", [])) <= set(s["skills"]):
            return False
        if v.get("staff_skills") and not any(set(r) <= set(s["skills"]) for r in v["staff_skills"]):
            return False
        if s["id"] in v.get("excluded_staff", []):
            return False
        a, b = self.shift[si]
        ws = self.windows[vi] or [(a, b)]
        return any(ws0 <= b - v["duration_min"] and we >= a for ws0, we in ws)

    def pair(self, s1, s2, vi):
        """Whether s1 and s2 together cover a mixed double-up's two people (one each)."""
        roles = self.visits[vi].get("staff_skills")
        if not roles:
            return True
        has = lambda si, r: set(r) <= set(self.staff[si]["skills"])
        return (has(s1, roles[0]) and has(s2, roles[1])) or (has(s2, roles[0]) and has(s1, roles[1]))

    def route_travel(self, si, seq):
        """Travel minutes and road km of start -> seq -> start (end = start here)."""
        pts = [self.spoint[si]] + [self.vpoint[i] for i in seq] + [self.spoint[si]]
        km = sum(road_km(pts[k], pts[k + 1]) for k in range(len(pts) - 1))
        return km / SPEED_KMH * 60.0, km, len(pts) - 1


def make_baseline(rng, day):
    """The day as booked: requests in (shuffled) arrival order, each given to whoever
    eligible has the most diary time left, with no thought for where anyone is."""
    n = len(day.staff)
    arrival = list(range(len(day.visits)))
    rng.shuffle(arrival)
    booked = [[] for _ in range(n)]
    diary = [b - a - sum(x["duration_min"] for x in s["breaks"]) - s.get("admin_min", 0)
             for s, (a, b) in zip(day.staff, day.shift)]
    last = [-1] * n  # when each was last booked: ties go round-robin
    for t, vi in enumerate(arrival):
        v = day.visits[vi]
        need = v.get("staff_count", 1)
        # The desk honours a client's preferred staff member when the shift allows it.
        chosen = [si for si, s in enumerate(day.staff)
                  if s["id"] in v.get("preferred_staff", []) and day.eligible(si, vi)][:need]
        others = [si for si in range(n) if si not in chosen and day.eligible(si, vi)]
        others.sort(key=lambda si: (-diary[si], last[si], si))
        for si in others:  # a mixed double-up: the second covers the other person
            if len(chosen) < need and (not chosen or day.pair(chosen[0], si, vi)):
                chosen.append(si)
        if len(chosen) < need:
            sys.exit("baseline: nobody can take %s" % v["id"])
        for si in chosen:
            booked[si].append(vi)
            diary[si] -= v["duration_min"]
            last[si] = t

    def key(si, vi):
        ws = day.windows[vi]
        a, b = day.shift[si]
        return ws[0][0] if ws else (a + b) / 2  # no window: fitted in mid-shift

    routes = []
    for si in range(n):
        seq = sorted(booked[si], key=lambda vi: key(si, vi))  # stable: ties keep arrival order
        if seq:
            routes.append({"staff": day.staff[si]["id"], "visits": [day.visits[vi]["id"] for vi in seq]})
    return routes, booked


# ---------------------------------------------------------------------------------------
# Witness: a greedy insertion plan that obeys every hard rule of SPEC.md, so the instance is
# known to be feasible.

class Witness:
    """Routes are sequences of visit indices; times follow from them. Each visit starts as
    early as arrival, windows, `after` gaps and (double-handed) the partner's arrival
    allow, iterated to a fixed point over all routes. No overtime is used."""

    def __init__(self, day):
        self.day = day
        self.routes = [[] for _ in day.staff]

    def schedule(self, routes):
        """(visit starts, travel per route) if every hard rule holds, else None."""
        day = self.day
        lb = {}
        for _ in range(20):
            starts, travels = {}, []
            for si, items in enumerate(routes):
                res = self._route(si, items, lb, starts)
                if res is None:
                    return None
                travels.append(res)
            changed = False
            for vi, st in starts.items():
                if st > lb.get(vi, -math.inf) + 1e-9:
                    lb[vi] = st
                    changed = True
            # `after` lower bounds for the next pass.
            for vi in starts:
                for g in day.visits[vi].get("after", []):
                    p = day.vix[g["visit"]]
                    if p in starts:
                        need = starts[p] + g.get("min_gap_min", 0)
                        if need > lb.get(vi, -math.inf) + 1e-9:
                            lb[vi] = need
                            changed = True
            if not changed:
                break
        else:
            return None
        for vi, st in starts.items():  # double-handed starts agree, gaps hold
            if abs(st - lb[vi]) > 1e-6:
                return None
            for g in day.visits[vi].get("after", []):
                p = day.vix[g["visit"]]
                if p in starts:
                    gap = st - starts[p]
                    if gap < g.get("min_gap_min", 0) - 1e-6 or gap > g.get("max_gap_min", math.inf) + 1e-6:
                        return None
        return starts, travels

    def _route(self, si, items, lb, starts, log=None):
        """Times one route; records visit starts in `starts`. Returns its travel or None.

        A break is taken where it costs nothing (in waiting time, before leaving or at the
        client's door), otherwise as late as it may start, just before the visit that
        would end after its latest start. `log`, if given, receives the route's events:
        ("break", start, end, "here" or "there"), ("visit", x, start) and ("done", leave,
        back) for writing the plan."""
        log = [] if log is None else log
        day, s = self.day, self.day.staff[si]
        a, b = day.shift[si]
        breaks = sorted((hm(x["earliest"]), hm(x["latest"]), x["duration_min"]) for x in s["breaks"])
        t, loc, travel, nvis, busy_from = a, day.spoint[si], 0.0, 0, None

        def start_at(x, arr):
            st = max(arr, lb.get(x, -math.inf))
            for ws, we in day.windows[x] or [(-math.inf, math.inf)]:
                if st <= we + 1e-9:
                    return max(st, ws)
            return None

        for x in items:
            tt = travel_min(loc, day.vpoint[x])
            st = start_at(x, t + tt)
            while breaks and st is not None:
                e, l, d = breaks[0]
                here, there = max(t, e), max(t + tt, e)  # break before leaving / at the door
                free_here = here <= l + 1e-9 and here + d + tt <= st + 1e-9
                free_there = there <= l + 1e-9 and there + d <= st + 1e-9
                must = st + day.visits[x]["duration_min"] > l
                if not (free_here or free_there or must):
                    break
                breaks.pop(0)
                if free_there:  # x starts when it would have anyway
                    busy_from = there - tt if busy_from is None else busy_from
                    log.append(("break", there, there + d, "there"))
                elif free_here:
                    busy_from = here if busy_from is None else busy_from
                    log.append(("break", here, here + d, "here"))
                else:
                    if here > l + 1e-9:
                        return None
                    busy_from = here if busy_from is None else busy_from
                    log.append(("break", here, here + d, "here"))
                    t = here + d
                    st = start_at(x, t + tt)
            if st is None:
                return None
            if busy_from is None:
                busy_from = st - tt  # leave just in time for the first visit
            starts[x] = max(starts.get(x, -math.inf), st)
            log.append(("visit", x, st))
            travel += tt
            nvis += 1
            t = st + day.visits[x]["duration_min"]
            loc = day.vpoint[x]
        if nvis == 0:
            return 0.0
        for e, l, d in breaks:  # still to take: after the last visit
            if max(t, e) > l + 1e-9:
                return None
            log.append(("break", max(t, e), max(t, e) + d, "here"))
            t = max(t, e) + d
        tt = travel_min(loc, day.spoint[si])
        travel += tt
        ret = t + tt
        if ret > b + 1e-9:  # the witness uses no overtime
            return None
        if travel > s.get("max_travel_min", math.inf) or nvis > s.get("max_visits", math.inf):
            return None
        # Time from leaving to coming back counts as busy (waits included): admin is the rest.
        if (b - a) - (ret - busy_from) < s.get("admin_min", 0) - 1e-9:
            return None
        log.append(("done", busy_from, ret))
        return travel

    def place(self, vi):
        day = self.day
        v = day.visits[vi]
        cand = [si for si in range(len(day.staff)) if day.eligible(si, vi)]
        now = self.schedule(self.routes)
        base = sum(now[1])
        best = None

        def consider(changes):
            nonlocal best
            trial = list(self.routes)
            for si, new in changes:
                trial[si] = new
            res = self.schedule(trial)
            if res is not None:
                cost = (sum(res[1]) - base, res[0][vi])
                if best is None or cost < best[0]:
                    best = (cost, trial)

        ins = lambda r, p: r[:p] + [vi] + r[p:]
        if v.get("staff_count", 1) == 1:
            for si in cand:
                for p in range(len(self.routes[si]) + 1):
                    consider([(si, ins(self.routes[si], p))])
        else:
            for i, s1 in enumerate(cand):
                for s2 in cand[i + 1:]:
                    if not day.pair(s1, s2, vi):
                        continue
                    for p1 in range(len(self.routes[s1]) + 1):
                        for p2 in range(len(self.routes[s2]) + 1):
                            consider([(s1, ins(self.routes[s1], p1)), (s2, ins(self.routes[s2], p2))])
        if best is None:
            return False
        self.routes = best[1]
        return True

    def run(self, key):
        """Places the visits in the order of `key`; returns the visits it could not place."""
        day = self.day
        todo = sorted(range(len(day.visits)), key=key)
        placed, failed = set(), []
        while todo:
            # Take the first visit whose `after` predecessors are placed (or failed).
            for k, vi in enumerate(todo):
                preds = [day.vix[g["visit"]] for g in day.visits[vi].get("after", [])]
                if all(p in placed or p in failed for p in preds):
                    break
            vi = todo.pop(k)
            preds = [day.vix[g["visit"]] for g in day.visits[vi].get("after", [])]
            if not any(p in failed for p in preds) and self.place(vi):
                placed.add(vi)
            else:
                failed.append(vi)
        # Repair: make room for a visit left out by moving one single-handed visit elsewhere.
        for vi in list(failed):
            if any(p in failed for p in [day.vix[g["visit"]] for g in day.visits[vi].get("after", [])]):
                continue
            able = {si for si in range(len(day.staff)) if day.eligible(si, vi)}
            for u in sorted(placed):
                if day.visits[u].get("staff_count", 1) != 1 or not self.movable(u):
                    continue
                if not any(u in self.routes[si] for si in able):
                    continue
                saved = self.routes
                self.routes = [[it for it in r if it != u] for r in saved]
                # (Taking a visit out moves later ones earlier, which can stretch a gap.)
                if self.schedule(self.routes) and self.place(vi) and self.place(u):
                    failed.remove(vi)
                    placed.add(vi)
                    break
                self.routes = saved
        return failed

    def movable(self, u):
        """Whether u has no `after` link either way (moving it could break a gap)."""
        v = self.day.visits[u]
        return not v.get("after") and not any(
            g["visit"] == v["id"] for w in self.day.visits for g in w.get("after", []))

    def sequences(self):
        return [list(r) for r in self.routes]


def witness_plan(day, w):
    """The witness as a SPEC plan, for `carerounds check` (times rounded to the second)."""
    starts, _ = w.schedule(w.routes)

    def clock(m):
        sec = round(m * 60)
        return "%02d:%02d:%02d" % (sec // 3600, sec // 60 % 60, sec % 60)

    routes, objective, total = [], 0.0, {"travel_min": 0.0, "distance_km": 0.0, "free_min": 0.0}
    for si, seq in enumerate(w.routes):
        s = day.staff[si]
        a, b = day.shift[si]
        home = s["start_location"]
        if not seq:
            brk = sum(x["duration_min"] for x in s["breaks"])
            steps = [{"type": "start", "location": home, "time": clock(a)},
                     {"type": "end", "location": home, "arrival": clock(a), "travel_min": 0,
                      "distance_km": 0}]
            fig = {"travel_min": 0, "distance_km": 0, "visit_min": 0, "wait_min": 0,
                   "break_min": brk, "free_min": b - a - brk}
        else:
            log = []
            w._route(si, seq, {vi: starts[vi] for vi in starts}, {}, log)
            leave, back = log[-1][1:]
            steps = [{"type": "start", "location": home, "time": clock(leave)}]
            t, loc, travel, km, visit_min, brk = leave, day.spoint[si], 0.0, 0.0, 0.0, 0.0
            for ev in log[:-1]:
                if ev[0] == "break":
                    steps.append({"type": "break", "start": clock(ev[1]), "end": clock(ev[2])})
                    brk += ev[2] - ev[1]
                    if ev[3] == "here":
                        t = max(t, ev[2])
                    continue
                x, st = ev[1], ev[2]
                tt, dk = travel_min(loc, day.vpoint[x]), road_km(loc, day.vpoint[x])
                arrival = t + tt
                on_break = sum(max(0.0, min(e[2], st) - max(e[1], arrival)) for e in log
                               if e[0] == "break" and e[3] == "there")
                dur = day.visits[x]["duration_min"]
                steps.append({"type": "visit", "visit": day.visits[x]["id"], "arrival": clock(arrival),
                              "start": clock(st), "end": clock(st + dur), "travel_min": tt,
                              "distance_km": dk, "wait_min": st - arrival - on_break, "late_min": 0})
                travel, km, visit_min = travel + tt, km + dk, visit_min + dur
                t, loc = st + dur, day.vpoint[x]
            tt, dk = travel_min(loc, day.spoint[si]), road_km(loc, day.spoint[si])
            travel, km = travel + tt, km + dk
            steps.append({"type": "end", "location": home, "arrival": clock(back), "travel_min": tt,
                          "distance_km": dk})
            span = back - leave
            fig = {"travel_min": travel, "distance_km": km, "visit_min": visit_min,
                   "wait_min": span - travel - visit_min - brk, "break_min": brk,
                   "free_min": (b - a) - span}
        routes.append(dict({"staff": s["id"], "steps": steps}, **fig))
        for k in total:
            total[k] += fig[k]
    served = {}
    for si, seq in enumerate(w.routes):
        for x in seq:
            served.setdefault(x, set()).add(day.staff[si]["id"])
    missed = sum(1 for x, who in served.items()
                 if day.visits[x].get("preferred_staff") and not who & set(day.visits[x]["preferred_staff"]))
    objective = total["travel_min"] + 5 * missed  # default weights; no lateness or overtime
    summary = dict(total, visits_assigned=len(served), visits_unassigned=0, overtime_min=0,
                   lateness_min=0, max_lateness_min=0, objective=objective)
    unassigned = [{"visit": v["id"], "reason": "the witness heuristic found no place"}
                  for i, v in enumerate(day.visits) if i not in served]
    summary["visits_unassigned"] = len(unassigned)
    return {"routes": routes, "unassigned": unassigned, "summary": summary}


def witness(day):
    """The first greedy plan, over a few visit orders, that places every visit."""

    def window(vi):
        ws = day.windows[vi]
        return (ws[0][0], ws[-1][1]) if ws else (0, 24 * 60)

    def first(vi):  # double-handed visits first, visits anyone can make last
        v = day.visits[vi]
        return (-v.get("staff_count", 1), not v.get("skills"))

    orders = [
        lambda vi: (first(vi), window(vi)[1] - window(vi)[0], -day.visits[vi]["duration_min"]),
        lambda vi: (first(vi), window(vi)[1], window(vi)[0]),
        lambda vi: (first(vi), window(vi)[0], window(vi)[1]),
        lambda vi: (first(vi)[1], window(vi)[1], first(vi)),
    ]
    best = None
    for key in orders:
        w = Witness(day)
        failed = w.run(key)
        if best is None or len(failed) < len(best[1]):
            best = (w, failed)
        if not failed:
            break
    return best


def stats(day, label, seqs):
    travel = km = hops = 0.0
    for si, seq in enumerate(seqs):
        if seq:
            t, k, h = day.route_travel(si, seq)
            travel, km, hops = travel + t, km + k, hops + h
    print("%-9s travel %6.0f min, %6.0f km, %3d legs, %.1f km a leg"
          % (label, travel, km, hops, km / max(hops, 1)), file=sys.stderr)
    return travel


SOURCES = [
    {
        "source": "OS Code-Point Open",
        "used_for": "coordinates of bases, staff homes and clients' homes (postcode centres)",
        "licence": "Open Government Licence v3.0",
        "attribution": [
            "Contains Ordnance Survey data © Crown copyright and database right 2025.",
            "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
            "Contains National Statistics data © Crown copyright and database right 2025."
        ]
    },
    {
        "source": "GeoNames",
        "used_for": "the villages four staff members live in",
        "licence": "CC BY 4.0",
        "attribution": [
            "Place names: GeoNames (www.geonames.org), CC BY 4.0."
        ]
    }
]


def dump(problem):
    """JSON with one staff member, visit or route per line, for readable diffs."""
    out = ["{"]
    keys = list(problem)
    for i, k in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        val = problem[k]
        if isinstance(val, list) or (k == "baseline"):
            items = val if isinstance(val, list) else val["routes"]
            head = '  "%s": [' % k if isinstance(val, list) else '  "%s": {"routes": [' % k
            tail = "  ]" if isinstance(val, list) else "  ]}"
            out.append(head)
            for j, it in enumerate(items):
                sep = "," if j < len(items) - 1 else ""
                out.append("    " + json.dumps(it, separators=(", ", ": ")) + sep)
            out.append(tail + comma)
        else:
            out.append('  "%s": %s%s' % (k, json.dumps(val, separators=(", ", ": ")), comma))
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("geo_dir", nargs="?", default=os.path.join(REPO, "..", "shared", "data", "geo"))
    ap.add_argument("-o", "--output", default=os.path.join(REPO, "data", "sample-day.json"))
    ap.add_argument("--witness-plan", metavar="PATH",
                    help="also write the witness plan (SPEC plan format) for `carerounds check`")
    args = ap.parse_args()

    postcodes, places = read_geo(args.geo_dir)
    rng = random.Random(SEED)

    base_points = {bid: postcodes[pc] for bid, pc in BASES}
    home_points = {}
    staff = make_staff(postcodes, places, home_points)

    # Clients live at distinct postcodes with distinct points, none at a base or a home.
    taken = set(base_points.values()) | {pt for _, pt in home_points.values()}
    seen, free = set(taken), []
    for pc in sorted(postcodes):
        pt = postcodes[pc]
        if pt not in seen:
            seen.add(pt)
            free.append((pc, pt))
    rng.shuffle(free)
    clients, visits = make_visits(free)

    day = Day(staff, visits, base_points)
    routes, booked = make_baseline(rng, day)

    witness_found, failed = witness(day)
    if failed:
        sys.exit("the witness plan leaves %d visits out, so the day may be infeasible:\n%s" % (
            len(failed), "\n".join("  %s skills %s windows %s staff_count %d" % (
                visits[vi]["id"], visits[vi].get("skills"), visits[vi].get("time_windows"),
                visits[vi].get("staff_count", 1)) for vi in failed)))
    witness_seqs = witness_found.sequences()

    problem = {
        "name": NAME,
        "travel": {"mode": "haversine", "speed_kmh": SPEED_KMH, "detour_factor": DETOUR},
        "locations": [{"id": bid, "lat": pt[0], "lon": pt[1]} for bid, pt in base_points.items()],
        "staff": staff,
        "visits": visits,
        "baseline": {"routes": routes},
        "options": {"time_limit_s": 10, "seed": 1, "threads": 0},
        # Extension `sources` (docs/EXTENSIONS.md): the places are plain lat/lon, so the
        # report can only credit the data they came from if the problem says so.
        "sources": SOURCES,
    }
    text = dump(problem)
    json.loads(text)  # the hand-rolled layout must still be JSON
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        f.write(text)

    if args.witness_plan:
        with open(args.witness_plan, "w") as f:
            json.dump(witness_plan(day, witness_found), f, indent=1)
            f.write("\n")

    # Figures for the README and for whoever changes the mix above.
    shift_min = sum(b - a for a, b in day.shift)
    capacity = shift_min - sum(x["duration_min"] for s in staff for x in s["breaks"]) \
        - sum(s.get("admin_min", 0) for s in staff)
    visit_min = sum(v["duration_min"] * v.get("staff_count", 1) for v in visits)
    print("%s: %d staff, %d visits (%d clients), %d double-handed, %d after links, %d optional,"
          " %d with preferred staff, %d with excluded staff"
          % (os.path.relpath(args.output), len(staff), len(visits), len(clients),
             sum(v.get("staff_count", 1) == 2 for v in visits),
             sum(len(v.get("after", [])) for v in visits),
             sum(v.get("priority") == "optional" for v in visits),
             sum(bool(v.get("preferred_staff")) for v in visits),
             sum(bool(v.get("excluded_staff")) for v in visits)), file=sys.stderr)
    print("shift %d min, capacity %d min (less breaks and admin), visits %d staff-min"
          % (shift_min, capacity, visit_min), file=sys.stderr)
    bt = stats(day, "baseline", booked)
    wt = stats(day, "witness", witness_seqs)
    for label, t in [("baseline", bt), ("witness", wt)]:
        print("%-9s visits+travel = %.0f%% of shift time, %.0f%% of it less breaks and admin"
              % (label, 100 * (visit_min + t) / shift_min, 100 * (visit_min + t) / capacity),
              file=sys.stderr)


if __name__ == "__main__":
    main()

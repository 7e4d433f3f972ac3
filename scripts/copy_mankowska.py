#!/usr/bin/env python3
"""Builds data/mankowska/ from shared/data/hhc/mankowska/ (the Mankowska et al. 2014 HHCRSP
instances as published by iolab-uniud/hhcrsp).

Usage (from the repository root):
    python3 scripts/copy_mankowska.py [SRC_DIR] [-o data/mankowska]

SRC_DIR defaults to ../shared/data/hhc/mankowska. Only the Python 3 standard library is
used, and the output depends only on the input files.

What it writes:
- `<instance>.json` for all 70 instances: the same JSON values, written compactly (the
  published files are indented, one number per line). The `distances` matrix, nearly all
  of the 33 MB, is left out wherever it equals the Euclidean distances between the
  `location`s rounded to 3 decimals, entry for entry, because `carerounds` recomputes a
  missing matrix that way. That holds for sets E-G. In most of sets A-D some entries were
  rounded twice (from the six decimals of the original text files), so those files keep
  their matrix.
- `bks.csv`, `LICENSE.iolab-hhcrsp` and `SOURCE.md` (the source folder's README.md).
- `spec/`: the reference SPEC conversions of A1, B1 and C1, compact as published.
- `solutions/`: the published best solutions of sets A and B.
"""

import argparse
import json
import math
import os
import shutil

REFERENCE_SPECS = ["InstanzCPLEX_HCSRP_10_1", "InstanzCPLEX_HCSRP_25_1", "InstanzCPLEX_HCSRP_50_1"]
SOLUTION_PREFIXES = ["sol-InstanzCPLEX_HCSRP_10_", "sol-InstanzCPLEX_HCSRP_25_"]


def recomputed(instance):
    points = [instance["central_offices"][0]["location"]] + [p["location"] for p in instance["patients"]]
    return [[round(math.dist(a, b), 3) for b in points] for a in points]


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", nargs="?", default=os.path.join(here, "..", "shared", "data", "hhc", "mankowska"))
    ap.add_argument("-o", "--out", default=os.path.join(here, "data", "mankowska"))
    args = ap.parse_args()
    src_instances = os.path.join(args.src, "instances")
    os.makedirs(os.path.join(args.out, "spec"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "solutions"), exist_ok=True)
    for name in sorted(os.listdir(src_instances)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src_instances, name)) as f:
            instance = json.load(f)
        if instance["distances"] == recomputed(instance):
            del instance["distances"]
        with open(os.path.join(args.out, name), "w") as f:
            json.dump(instance, f, separators=(",", ":"))
            f.write("\n")
    for name in ["bks.csv", "LICENSE.iolab-hhcrsp"]:
        shutil.copyfile(os.path.join(args.src, name), os.path.join(args.out, name))
    shutil.copyfile(os.path.join(args.src, "README.md"), os.path.join(args.out, "SOURCE.md"))
    for stem in REFERENCE_SPECS:
        shutil.copyfile(os.path.join(args.src, "spec", stem + ".json"), os.path.join(args.out, "spec", stem + ".json"))
    for name in sorted(os.listdir(os.path.join(args.src, "solutions"))):
        if any(name.startswith(p) for p in SOLUTION_PREFIXES):
            shutil.copyfile(os.path.join(args.src, "solutions", name), os.path.join(args.out, "solutions", name))


if __name__ == "__main__":
    main()

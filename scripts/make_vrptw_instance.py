#!/usr/bin/env python3
"""Writes a random Solomon-format VRPTW instance (R1-like: uniform customers, 100-250
time-unit windows) for size and memory tests, e.g. 1,000 customers:

    python3 scripts/make_vrptw_instance.py 1000 > /tmp/R1_1000.txt
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rng = random.Random(seed)
side, horizon, capacity = 500, 2500, 200
print(f"RAND{n}\n\nVEHICLE\nNUMBER     CAPACITY\n  {n // 4}        {capacity}\n")
print("CUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n")
print(f"    0      {side // 2}         {side // 2}          0          0       {horizon}          0")
for i in range(1, n + 1):
    x, y = rng.randint(0, side), rng.randint(0, side)
    d = int(((x - side / 2) ** 2 + (y - side / 2) ** 2) ** 0.5) + 1
    width = rng.randint(100, 250)
    ready = rng.randint(d, max(d, horizon - d - 10 - width))
    print(f"{i:5d} {x:6d} {y:6d} {rng.randint(1, 40):6d} {ready:8d} {ready + width:8d} {10:6d}")

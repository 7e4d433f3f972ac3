#!/usr/bin/env bash
# Installs OSRM (the programs inside the PyPI wheel osrm-bindings) and prepares the Rutland
# extract for both of its routing algorithms: MLD (osrm-partition + osrm-customize) and CH
# (osrm-contract), with OSRM's stock car profile.
#
#   bash scripts/osrm/setup.sh [PBF]          # default data/rutland-latest.osm.pbf
#
# Everything goes to scripts/osrm/work/ (git-ignored). A second run with the same extract
# does nothing. Needs python3 with pip; exits non-zero, saying why, if anything fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=26.10.0
WORK=scripts/osrm/work
PBF=${1:-data/rutland-latest.osm.pbf}
mkdir -p "$WORK"

if [ ! -x "$WORK/osrm/bin/osrm-routed" ]; then
  echo "osrm: downloading osrm-bindings==$VERSION from PyPI"
  rm -rf "$WORK/wheel" && mkdir -p "$WORK/wheel"
  if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
      --platform manylinux_2_28_x86_64 "osrm-bindings==$VERSION" -d "$WORK/wheel"; then
    echo "osrm: pip download of osrm-bindings==$VERSION failed (no network or no pip?)" >&2
    exit 1
  fi
  python3 -m zipfile -e "$WORK"/wheel/osrm_bindings-*.whl "$WORK/wheel/x"
  rm -rf "$WORK/osrm" && mv "$WORK/wheel/x/osrm" "$WORK/osrm"
  rm -rf "$WORK/wheel"
  chmod +x "$WORK"/osrm/bin/*
fi
BIN=$WORK/osrm/bin
if ! "$BIN/osrm-extract" --version >/dev/null 2>&1; then
  echo "osrm: $BIN/osrm-extract does not run on this machine (needs x86_64 Linux, glibc 2.28+)" >&2
  exit 1
fi

SUM=$(sha256sum "$PBF" | cut -d' ' -f1)
DATA=$WORK/data
if [ -f "$DATA/ready" ] && [ "$(cat "$DATA/ready")" = "$SUM" ]; then
  echo "osrm: $PBF already prepared in $DATA"
  exit 0
fi
rm -rf "$DATA" && mkdir -p "$DATA"
cp "$PBF" "$DATA/map.osm.pbf"
T=$(nproc)
echo "osrm: extracting $PBF (car profile)"
"$BIN/osrm-extract" -t "$T" -p "$WORK/osrm/share/profiles/car.lua" "$DATA/map.osm.pbf" >"$DATA/extract.log" 2>&1 \
  || { tail -5 "$DATA/extract.log" >&2; exit 1; }
echo "osrm: MLD (partition, customize) and CH (contract)"
"$BIN/osrm-partition" -t "$T" "$DATA/map.osrm" >"$DATA/partition.log" 2>&1 || { tail -5 "$DATA/partition.log" >&2; exit 1; }
"$BIN/osrm-customize" -t "$T" "$DATA/map.osrm" >"$DATA/customize.log" 2>&1 || { tail -5 "$DATA/customize.log" >&2; exit 1; }
"$BIN/osrm-contract" -t "$T" "$DATA/map.osrm" >"$DATA/contract.log" 2>&1 || { tail -5 "$DATA/contract.log" >&2; exit 1; }
echo "$SUM" >"$DATA/ready"
echo "osrm: ready ($DATA/map.osrm)"

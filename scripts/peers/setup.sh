#!/usr/bin/env bash
# Creates scripts/peers/.venv with the peer solvers (PyVRP, VROOM via pyvroom, vrplib)
# pinned in scripts/peers/requirements.txt. Benchmark aid only: nothing in the carerounds
# crate depends on it, and the venv is git-ignored (/scripts/peers/.venv/).
#
#   bash scripts/peers/setup.sh            # create or update the venv (idempotent)
#   bash scripts/peers/setup.sh --refresh  # install the latest pyvrp/pyvroom/vrplib
#                                          # and rewrite requirements.txt from pip freeze
#
# PYTHON=python3.12 bash scripts/peers/setup.sh  picks another interpreter (>= 3.10).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

refresh=0
case "${1:-}" in
  --refresh) refresh=1 ;;
  "") ;;
  *) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating $venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi

if (( refresh )); then
  "$venv/bin/python" -m pip install --quiet --upgrade pyvrp pyvroom vrplib
  {
    echo "# Peer solvers for the side-by-side benchmark (scripts/peers/). Not a dependency of carerounds."
    echo "# Pinned from 'pip freeze' after 'pip install pyvrp pyvroom vrplib' ($("$venv/bin/python" -c 'import platform; print("Python", platform.python_version() + ",", platform.machine(), platform.system())'))."
    echo "# Regenerate with: bash scripts/peers/setup.sh --refresh"
    "$venv/bin/python" -m pip freeze
  } > "$req"
  echo "rewrote $req"
fi

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
  "$venv/bin/python" -m pip install --quiet -r "$req"
  echo "$want" > "$stamp"
fi

"$venv/bin/python" - <<'EOF'
from importlib.metadata import version
import pyvrp, vroom, vrplib  # noqa: F401  (fails loudly if an import is broken)
print("peers ready:", ", ".join(f"{p} {version(p)}" for p in ("pyvrp", "pyvroom", "vrplib")))
EOF

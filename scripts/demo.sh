#!/usr/bin/env bash
# Installs Gromada into .venv and starts the offline demo (no Discord token needed).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/gromada demo "$@"

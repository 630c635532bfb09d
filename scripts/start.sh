#!/usr/bin/env bash
# Sets up what is missing and starts PackWitness on its defaults: the desktop window where the
# Electron binary exists, otherwise the same station served to a browser (door 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm run --silent start -- "$@"

#!/usr/bin/env bash
# Sets up what is missing (system packages included) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec npm test

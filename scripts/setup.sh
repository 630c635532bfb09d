#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for PackWitness, then the npm packages and the
# build. Safe to run again: it only installs what is missing. Used by start.sh, test.sh and CI.
#   scripts/setup.sh          app only (npm packages, build)
#   scripts/setup.sh --test   also the system packages the tests use (Chromium, ffmpeg, OCR, QR)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "$want_test" = 1 ]; then
  # chromium: the e2e tests drive the real station page; ffmpeg/ffprobe: test media and checks;
  # tesseract: reads the burned-in order code; zbar-tools: decodes QR codes; xvfb: headed runs;
  # fonts: the overlay and evidence sheets draw Latin and CJK text; poppler-utils: pdftotext reads
  # the evidence sheet PDF's text back.
  pkgs=(chromium ffmpeg tesseract-ocr zbar-tools xvfb openssl fonts-dejavu-core fonts-noto-cjk poppler-utils)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if ! command -v npm >/dev/null; then
  echo "setup: npm is missing; install Node.js (any version >= 18 with npm; the project brings its own Node 22)" >&2
  exit 1
fi

# The Electron binary comes from a download site, not the npm registry: skip it here and try it
# separately below, so a machine without that access still gets a working station (door 2).
stamp=node_modules/.packwitness-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

if [ "${PACKWITNESS_ELECTRON:-auto}" != "no" ] && [ ! -e node_modules/electron/path.txt ] && [ "$want_test" = 0 ]; then
  # Best effort: fetch the Electron binary for the desktop window. Fails fast without access.
  timeout 120 node_modules/.bin/node node_modules/electron/install.js >/dev/null 2>&1 \
    && echo "setup: Electron binary installed" \
    || echo "setup: Electron binary not available on this machine (the station runs in a browser instead)"
fi

echo "setup: build"
npm run --silent build

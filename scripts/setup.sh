#!/usr/bin/env bash
# Set up vab-gym on a Debian/Ubuntu machine (root or sudo): a Chromium, and a virtualenv
# in .venv with the package and its test tools, and for VAB-Mobile's backend "appium" the
# Chromium driver (apt chromium-driver), Node.js and Appium 3 with its Chromium driver
# (npm, into .appium/, the APPIUM_HOME the env uses). Safe to run again.
#
# Browser: $VAB_CHROMIUM if set; else the system `chromium` (installed with apt when it is
# missing and apt is there); else Playwright's own Chromium (`playwright install chromium`).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PYTHON="${PYTHON:-python3}"

apt_install() {
  command -v apt-get >/dev/null || return 1
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv && "$PYTHON" -m venv .venv; }
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch first, pinned: on this project's machines 2.13.0 is a CPU wheel already on disk; any
# other spec may pull a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e '.[dev]'

if [ -n "${VAB_CHROMIUM:-}" ]; then
  echo "browser: VAB_CHROMIUM=$VAB_CHROMIUM"
elif command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  echo "browser: $(command -v chromium || command -v chromium-browser)"
elif apt_install chromium fonts-dejavu-core fonts-liberation; then
  echo "browser: $(command -v chromium) (installed with apt)"
else
  echo "browser: Playwright's Chromium"
  .venv/bin/playwright install --with-deps chromium
fi
# Pages are rendered with these fonts; the shipped tasks were made with them.
if command -v fc-list >/dev/null && ! fc-list | grep -q "Liberation Sans"; then
  apt_install fonts-dejavu-core fonts-liberation || echo "warning: fonts-liberation missing"
fi

# VAB-Mobile's backend "appium": chromedriver matching the system Chromium, Node.js >= 20.19
# (Appium 3's), and Appium 3 + appium-chromium-driver in the project's .appium/.
if ! command -v chromedriver >/dev/null; then
  apt_install chromium-driver || echo "warning: no chromedriver (backend appium unavailable)"
fi
if ! command -v npm >/dev/null; then
  apt_install nodejs npm || echo "warning: no Node.js (backend appium unavailable)"
fi
if command -v npm >/dev/null && [ ! -d .appium/node_modules/appium-chromium-driver ]; then
  mkdir -p .appium
  (cd .appium && npm install --no-audit --no-fund --loglevel=error \
      appium@3 appium-chromium-driver@3) || echo "warning: Appium install failed"
fi
[ -d .appium/node_modules/appium ] && echo "appium: $(node .appium/node_modules/appium/index.js --version)"
echo "vab-gym is set up: .venv/bin/vab-gym list"

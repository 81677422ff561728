#!/usr/bin/env bash
# Sourced by ./run and ./test: make this checkout runnable on a fresh Debian machine.
#  - system packages with apt-get when we are root (fonts for Chinese, Qt's runtime libraries,
#    libpulse0 for the virtual keyboard plugin; chromium and chromium-driver for the tests of
#    the platform's web pages in a real browser; systemd's systemd-analyze and cage, so the
#    tests of deploy/ can verify the unit files as Debian will load them; espeak-ng, the voice
#    guidance's Mandarin voice; xvfb and xauth, so `xvfb-run ./run` opens a real window, with
#    the xcb libraries Qt 6's xcb platform links (ldd of libqxcb.so, libQt6XcbQpa.so) and
#    Mesa's software GL for Qt Quick on Xvfb); skipped when present;
#  - a virtual environment in .venv with the package and its test extras, editable.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KIOSK_VENV:-$ROOT/.venv}"
SYSTEM_PACKAGES=(fonts-noto-cjk libpulse0 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0
                 libfontconfig1 libdbus-1-3 libglib2.0-0 chromium chromium-driver systemd cage
                 espeak-ng xvfb xauth libgl1-mesa-dri libx11-xcb1 libxcb-cursor0 libxcb-glx0
                 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
                 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
                 libxcb-xfixes0 libxcb-xkb1)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: please install these system packages (as root): ${missing[*]}" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.kiosk-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "bootstrap: installing Python packages (first run takes a few minutes)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[test]"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"

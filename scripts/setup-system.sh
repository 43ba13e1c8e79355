#!/usr/bin/env bash
# System packages ispdesk needs on Debian/Ubuntu: Qt's shared libraries, fonts, and — with
# `--test` — PostgreSQL server, poppler (PDF → PNG), binutils (PyInstaller), openssl (test certificates) and
# FreeRADIUS 3.2 with its PostgreSQL driver and radtest/radclient (tests/radius/test_freeradius.py).
# Installs only what is missing; runs apt-get update only when something is.
set -euo pipefail
pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6
      libasound2 fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(postgresql poppler-utils binutils openssl freeradius freeradius-postgresql freeradius-utils)
fi
command -v dpkg-query >/dev/null 2>&1 || { echo "Sem dpkg: instale as bibliotecas do Qt manualmente." >&2; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Instalando pacotes do sistema: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts a cluster on install; the tests use their own throw-away server.
if [ "${1:-}" = "--test" ] && command -v service >/dev/null 2>&1; then $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
# …and the FreeRADIUS daemon: the tests start their own on a free loopback port.
if [ "${1:-}" = "--test" ] && command -v service >/dev/null 2>&1; then $SUDO service freeradius stop >/dev/null 2>&1 || true; fi

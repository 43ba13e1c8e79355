#!/usr/bin/env bash
# Create .venv with Python >= 3.11 and install ispdesk (`scripts/venv.sh` or `scripts/venv.sh test`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${ISPDESK_PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY=$candidate; break
    fi
  done
fi
[ -n "$PY" ] || { echo "Python 3.11 ou mais novo é necessário." >&2; exit 1; }
say() { [ -n "${ISPDESK_QUIET:-}" ] || echo "ispdesk: $*" >&2; }
[ -x .venv/bin/python ] || { say "criando o ambiente Python em .venv (só na primeira vez)…"; "$PY" -m venv .venv; }
extra=""; [ "${1:-}" = "test" ] && extra="[test]"
stamp=".venv/.installed$extra"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "instalando o ispdesk e as bibliotecas (Qt, banco de dados, PDF): cerca de 1 minuto na primeira vez…"
  pip=(.venv/bin/python -m pip install -q --disable-pip-version-check --no-warn-script-location
       --root-user-action=ignore)
  "${pip[@]}" --upgrade pip
  "${pip[@]}" -e ".$extra"
  touch "$stamp"
  say "instalação concluída."
fi
# Qt Designer forms (ui/*.ui) → ispdesk/ui/forms/ui_*.py with the pinned pyside6-uic
if [ -f scripts/build_forms.py ]; then .venv/bin/python scripts/build_forms.py; fi

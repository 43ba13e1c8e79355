#!/usr/bin/env bash
# Regenerate the initial migration from the models. Only while ispdesk is unreleased: once a
# database exists in the field, add new revisions instead (alembic revision --autogenerate).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
rm -f ispdesk/db/migrations/versions/0001_initial.py
tmp=$(mktemp -d)
"$PY" - "$tmp" <<'PY'
import sys
from alembic import command
from ispdesk.db.engine import make_engine
from ispdesk.db.migrate import alembic_config
engine = make_engine(f"sqlite:///{sys.argv[1]}/empty.sqlite3")
cfg = alembic_config()
with engine.begin() as conn:
    cfg.attributes["connection"] = conn
    cfg.set_main_option("file_template", "%%(rev)s")
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001_initial")
PY
rm -rf "$tmp"
f=ispdesk/db/migrations/versions/0001_initial.py
# portable types: the generic variant renders as plain sa.String with a PostgreSQL variant
"$PY" - "$f" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("import ispdesk.db.base\n", "import ispdesk.db.base\nfrom ispdesk.db.base import DecimalText, Money, UTCDateTime\n")
s = re.sub(r"ispdesk\.db\.base\.(Money|DecimalText|UTCDateTime)\(\)", r"\1()", s)
s = re.sub(r"ispdesk\.db\.base\.(Money|DecimalText|UTCDateTime)\([^)]*\)", r"\1()", s)
open(p, "w").write(s)
PY
.venv/bin/ruff format -q "$f" 2>/dev/null || true
echo "regenerated $f"

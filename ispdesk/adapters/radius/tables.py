"""The FreeRADIUS rlm_sql tables, created from the schema files FreeRADIUS 3.2 ships.

``schema_postgresql.sql`` and ``schema_sqlite.sql`` are copied unchanged from Debian's
``freeradius`` 3.2.1 package (``/etc/freeradius/3.0/mods-config/sql/main/<driver>/schema.sql``).
On PostgreSQL the tables live in the ``radius`` schema of the ispdesk database; on SQLite in the
same file (FreeRADIUS reads it with its ``sqlite`` driver). `tables_for(dialect)` gives the Core
tables (only the columns ispdesk reads or writes) with the right schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.dialects.postgresql import INET

SCHEMA = "radius"
#: ``inet`` on PostgreSQL (FreeRADIUS's type), text on SQLite
INET_TEXT = Text().with_variant(INET(), "postgresql")
HERE = Path(__file__).parent
#: The tables ispdesk needs (``nasreload`` is created too, FreeRADIUS uses it).
TABLE_NAMES = ("radcheck", "radreply", "radgroupcheck", "radgroupreply", "radusergroup", "nas", "radacct",
               "radpostauth")


@dataclass(frozen=True)
class RadiusTables:
    """The Core tables of one dialect."""

    radcheck: Table
    radreply: Table
    radgroupcheck: Table
    radgroupreply: Table
    radusergroup: Table
    nas: Table
    radacct: Table


def _attr_table(md: MetaData, name: str, key: str, schema: str | None) -> Table:
    return Table(name, md, Column("id", Integer, primary_key=True), Column(key, Text), Column("attribute", Text),
                 Column("op", String(2)), Column("value", Text), schema=schema)


@cache
def tables_for(dialect: str) -> RadiusTables:
    """The tables for a SQLAlchemy dialect name (``postgresql`` → schema ``radius``)."""
    schema = SCHEMA if dialect == "postgresql" else None
    md = MetaData()
    return RadiusTables(
        radcheck=_attr_table(md, "radcheck", "username", schema),
        radreply=_attr_table(md, "radreply", "username", schema),
        radgroupcheck=_attr_table(md, "radgroupcheck", "groupname", schema),
        radgroupreply=_attr_table(md, "radgroupreply", "groupname", schema),
        radusergroup=Table("radusergroup", md, Column("id", Integer, primary_key=True), Column("username", Text),
                           Column("groupname", Text), Column("priority", Integer), schema=schema),
        nas=Table("nas", md, Column("id", Integer, primary_key=True), Column("nasname", Text),
                  Column("shortname", Text), Column("type", Text), Column("ports", Integer), Column("secret", Text),
                  Column("server", Text), Column("community", Text), Column("description", Text), schema=schema),
        radacct=Table("radacct", md, Column("radacctid", BigInteger, primary_key=True),
                      Column("acctsessionid", Text), Column("acctuniqueid", Text), Column("username", Text),
                      Column("nasipaddress", INET_TEXT), Column("acctstarttime", DateTime(timezone=True)),
                      Column("acctupdatetime", DateTime(timezone=True)),
                      Column("acctstoptime", DateTime(timezone=True)), Column("acctsessiontime", BigInteger),
                      Column("acctinputoctets", BigInteger), Column("acctoutputoctets", BigInteger),
                      Column("framedipaddress", INET_TEXT), Column("callingstationid", Text),
                      Column("acctterminatecause", Text), schema=schema),
    )


def statements(dialect: str) -> list[str]:
    """The statements of FreeRADIUS's schema file for `dialect`, made re-runnable (``IF NOT EXISTS``)."""
    name = "schema_postgresql.sql" if dialect == "postgresql" else "schema_sqlite.sql"
    sql = (HERE / name).read_text(encoding="utf-8")
    sql = re.sub(r"/\*.*?\*/", "", sql, flags=re.S)
    sql = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    out = []
    for stmt in sql.split(";"):
        stmt = stmt.strip()
        if not stmt:
            continue
        stmt = re.sub(r"^create\s+(unique\s+)?index\s+(?!if\s+not)", lambda m: f"CREATE {m.group(1) or ''}INDEX "
                      "IF NOT EXISTS ", stmt, flags=re.I)
        out.append(stmt)
    return out


def missing_tables(conn: Connection) -> list[str]:
    """The rlm_sql tables that do not exist yet (all of them on a new database)."""
    schema = SCHEMA if conn.dialect.name == "postgresql" else None
    present = set(inspect(conn).get_table_names(schema=schema)) if _schema_exists(conn) else set()
    return [t for t in TABLE_NAMES if t not in present]


def _schema_exists(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return True
    return conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": SCHEMA}).first() is not None


def present(conn: Connection) -> bool:
    """True when the attribute tables exist (provisioning is then on)."""
    return not missing_tables(conn)


def create(conn: Connection) -> list[str]:
    """Create the missing tables (and their indexes) in the caller's transaction; return the names created."""
    missing = missing_tables(conn)
    if not missing:
        return []
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        conn.execute(text(f"SET LOCAL search_path TO {SCHEMA}"))
    for stmt in statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL search_path TO DEFAULT"))
    return missing

"""A real FreeRADIUS 3.2 (Debian's package) reads ispdesk's rlm_sql tables and answers real Access-Requests.

The fixture copies ``/etc/freeradius/3.0``, points the ``sql`` module at a database of the test server
(PostgreSQL: the ``radius`` schema through ``search_path``; SQLite: the ispdesk file itself), and runs
``freeradius -X -f`` on a free loopback port; ``radtest`` sends PAP Access-Requests.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ispdesk.domain.clock import FixedClock
from ispdesk.domain.permissions import Role
from ispdesk.services import access, cancellation, payments
from ispdesk.services.uow import Actor, UnitOfWork, UnitOfWorkFactory
from tests.conftest import DATABASES, PG_URL, TODAY, _prepare
from tests.radius.helpers import contract_with_login, with_tables

FREERADIUS = shutil.which("freeradius")
RADTEST = shutil.which("radtest")
CONF = Path("/etc/freeradius/3.0")
pytestmark = pytest.mark.skipif(
    not (FREERADIUS and RADTEST and CONF.is_dir()),
    reason="FreeRADIUS ausente: instale freeradius, freeradius-postgresql e freeradius-utils "
           "(scripts/setup-system.sh --test)")

SQL_MODULE = """sql {
    dialect = "%(dialect)s"
    driver = "rlm_sql_%(dialect)s"
    %(connection)s
    acct_table1 = "radacct"
    acct_table2 = "radacct"
    postauth_table = "radpostauth"
    authcheck_table = "radcheck"
    groupcheck_table = "radgroupcheck"
    authreply_table = "radreply"
    groupreply_table = "radgroupreply"
    usergroup_table = "radusergroup"
    delete_stale_sessions = yes
    pool {
        start = 1
        min = 1
        max = 2
        spare = 1
        uses = 0
        retry_delay = 1
        lifetime = 0
        idle_timeout = 60
    }
    read_clients = no
    client_table = "nas"
    group_attribute = "SQL-Group"
    $INCLUDE ${modconfdir}/${.:name}/main/${dialect}/queries.conf
}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for extra in (1, 2):  # acct on port + 1, inner-tunnel on port + 2
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port + extra))
            except OSError:
                return _free_port()
    return int(port)


def _without_listen(site: str) -> str:
    """The site's text without its ``listen { … }`` sections (nested braces included)."""
    out, i = [], 0
    while (start := site.find("\nlisten {", i)) != -1:
        out.append(site[i:start])
        depth, j = 0, start + 1
        while True:
            if site[j] == "{":
                depth += 1
            elif site[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    out.append(site[i:])
    return "".join(out)


def _listen(kind: str, port: int) -> str:
    return f"\nlisten {{\n\ttype = {kind}\n\tipaddr = 127.0.0.1\n\tport = {port}\n}}\n"


def _config(tmp: Path, url: str, port: int) -> Path:
    conf = tmp / "raddb"
    shutil.copytree(CONF, conf, symlinks=True)
    radiusd = (conf / "radiusd.conf").read_text()
    radiusd = radiusd.replace("\tuser = freerad\n", "").replace("\tgroup = freerad\n", "")
    radiusd = radiusd.replace("run_dir = ${localstatedir}/run/${name}", f"run_dir = {tmp}")
    radiusd = radiusd.replace("logdir = /var/log/freeradius", f"logdir = {tmp}")
    (conf / "radiusd.conf").write_text(radiusd)
    for name, listens in (("default", _listen("auth", port) + _listen("acct", port + 1)),
                          ("inner-tunnel", _listen("auth", port + 2))):
        site = conf / "sites-enabled" / name
        body = _without_listen(site.read_text())
        site.unlink()
        brace = body.index("{", body.index(f"server {name}"))
        site.write_text(body[:brace + 1] + listens + body[brace + 1:])
    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        connection = (f'radius_db = "host={u.host} port={u.port} dbname={u.database} user={u.username}'
                      f"{' password=' + u.password if u.password else ''} options='-c search_path=radius'\"")
        dialect = "postgresql"
    else:
        connection = f'sqlite {{\n        filename = "{u.database}"\n    }}'
        dialect = "sqlite"
    enabled = conf / "mods-enabled" / "sql"
    if enabled.exists() or enabled.is_symlink():
        enabled.unlink()
    enabled.write_text(SQL_MODULE % {"dialect": dialect, "connection": connection})
    return conf


class Radius:
    """A running FreeRADIUS and a `request` that sends one PAP Access-Request."""

    def __init__(self, factory: UnitOfWorkFactory, port: int, log: Path) -> None:
        self.factory, self.port, self.log = factory, port, log

    def request(self, login: str, password: str) -> tuple[str, list[str]]:
        """``("accept"|"reject", attribute lines of the answer)``."""
        done = subprocess.run([str(RADTEST), "-t", "pap", login, password, f"127.0.0.1:{self.port}", "0",
                               "testing123"], capture_output=True, text=True, timeout=30, check=False)
        output = done.stdout
        kind = "accept" if "Received Access-Accept" in output else "reject" if "Access-Reject" in output else ""
        assert kind, output + done.stderr + self.log.read_text()[-3000:]
        received = output.split("Received Access-")[-1].splitlines()[1:]
        return kind, [line.strip() for line in received if "=" in line]


@pytest.fixture(scope="module", params=DATABASES)
def freeradius(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radius]:
    """FreeRADIUS on loopback against a fresh ispdesk database with the rlm_sql tables."""
    tmp = tmp_path_factory.mktemp("freeradius")
    admin = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'ispdesk.sqlite3'}"
    else:
        name = f"ispdesk_radius_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _prepare(url)
    clock = FixedClock(TODAY)
    factory = UnitOfWorkFactory.from_url(url, clock)
    factory.test_clock = clock  # type: ignore[attr-defined]
    with_tables(lambda actor=None: factory(actor or Actor.for_role("admin", Role.ADMINISTRADOR)))
    port = _free_port()
    log = tmp / "radiusd.out"
    with log.open("w") as out:
        command = [str(FREERADIUS), "-X", "-f", "-d", str(_config(tmp, url, port))]
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "Ready to process requests" not in log.read_text():
            assert proc.poll() is None, log.read_text()[-4000:]
            assert time.monotonic() < deadline, log.read_text()[-4000:]
            time.sleep(0.2)
        yield Radius(factory, port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        factory.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()


def _uow(radius_server: Radius) -> object:
    def make(actor: Actor | None = None) -> UnitOfWork:
        return radius_server.factory(actor or Actor.for_role("admin", Role.ADMINISTRADOR, "Admin"))
    return make


def test_active_reduced_blocked_cancelled_and_paid_answers(freeradius: Radius) -> None:
    uow = _uow(freeradius)
    clock: FixedClock = freeradius.factory.test_clock  # type: ignore[attr-defined]
    contract_with_login(uow, "ativo.real", "SenhaAtivo1", overdue=False)  # type: ignore[arg-type]
    number = contract_with_login(uow, "devedor.real", "SenhaDev1")  # type: ignore[arg-type]
    cancelled = contract_with_login(uow, "cancelado.real", "SenhaCanc1", overdue=False)  # type: ignore[arg-type]

    assert freeradius.request("ativo.real", "SenhaAtivo1") == ("accept", ['Mikrotik-Rate-Limit = "50M/100M"'])
    assert freeradius.request("ativo.real", "errada")[0] == "reject"
    assert freeradius.request("devedor.real", "SenhaDev1") == ("accept", ['Mikrotik-Rate-Limit = "50M/100M"'])
    answers = {}
    day = date(2026, 9, 10)
    while day <= date(2026, 10, 11):
        clock.day = day
        access.run_suspension(uow(), day)  # type: ignore[operator]
        answers.setdefault(tuple(freeradius.request("devedor.real", "SenhaDev1")[1]), day)
        day += timedelta(days=1)
    assert list(answers) == [
        ('Mikrotik-Rate-Limit = "50M/100M"',),
        ('Mikrotik-Rate-Limit = "1M/2M"',),
        ('Mikrotik-Address-List = "bloqueados"', 'Framed-Pool = "bloqueio"',
         'Reply-Message = "Acesso bloqueado por falta de pagamento. Regularize pela central do assinante."'),
    ]
    assert list(answers.values())[1:] == [date(2026, 9, 26), date(2026, 10, 11)]
    from ispdesk.db.models import Charge, Contract
    from tests.services.test_access import updated_total

    with uow() as u:  # type: ignore[operator]
        charge_id = u.session.scalar(select(Charge.id).join(Contract).where(Contract.number == number))
    payments.record_payment(uow(), charge_id, updated_total(uow, charge_id, clock.day), clock.day)  # type: ignore
    assert freeradius.request("devedor.real", "SenhaDev1") == ("accept", ['Mikrotik-Rate-Limit = "50M/100M"'])

    with uow() as u:  # type: ignore[operator]
        cid = u.session.scalar(select(Contract.id).where(Contract.number == cancelled))
    cancellation.cancel_contract(uow(), cid, "PEDIDO", "saiu")  # type: ignore[operator]
    assert freeradius.request("cancelado.real", "SenhaCanc1")[0] == "reject"

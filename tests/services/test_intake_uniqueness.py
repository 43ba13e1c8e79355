"""Issue 11 item 3: the database enforces "no duplicate CPF/CNPJ" (while the parameter forbids it)
and "one hotsite login per customer", with real concurrent threads on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ispdesk.db.models import Customer
from ispdesk.domain.documents import generate_cpf, mask_document
from ispdesk.domain.errors import ValidationError
from ispdesk.services import customers as cs
from ispdesk.services import parameters as params_service
from ispdesk.services.csv_import import ImportReport
from ispdesk.services.customer_io import import_customers
from ispdesk.services.uow import UnitOfWork
from tests.factories import make_customer

ROUNDS = 20
IMPORT_ROWS = 3000


def draft(document: str, login: str = "", name: str = "Maria da Conceição") -> cs.CustomerDraft:
    return cs.CustomerDraft(name=name, document=document, email="maria@example.com", mobile="(11) 98765-4321",
                            portal_login=login)


def race(*jobs: Callable[[], Any]) -> list[Any]:
    """Run `jobs` in threads released together; each result is its return value or its exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each side got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def holders(uow: Callable[..., UnitOfWork], document: str) -> int:
    with uow() as u:
        return int(u.session.scalar(select(func.count()).select_from(Customer).where(Customer.document == document))
                   or 0)


def distinct_cpfs(n: int) -> list[str]:
    found: set[str] = set()
    while len(found) < n:
        found.add(generate_cpf())
    return sorted(found)


def test_simultaneous_creations_with_the_same_cpf_store_it_once(uow) -> None:
    for cpf in distinct_cpfs(ROUNDS):
        results = race(lambda c=cpf: cs.create_customer(uow(), draft(c)),
                       lambda c=cpf: cs.create_customer(uow(), draft(c, name="Maria Conceição")))
        saved = [r for r in results if isinstance(r, cs.SaveResult)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(saved) == 1 and len(refused) == 1, results
        assert holders(uow, cpf) == 1
        message = refused[0].errors["cpf_cnpj"]
        # the same message as a sequential duplicate: who holds it and how to proceed
        assert f"CPF/CNPJ {mask_document(cpf)} já cadastrado (código {saved[0].customer.code}" in message
        assert "aceitar_cpf_cnpj_duplicado" in message


def test_simultaneous_creations_with_the_same_hotsite_login_store_it_once(uow) -> None:
    for n, (a, b) in enumerate(zip(*[iter(distinct_cpfs(2 * 5))] * 2, strict=True)):
        login = f"cliente{n}"
        results = race(lambda d=a, lg=login: cs.create_customer(uow(), draft(d, lg)),
                       lambda d=b, lg=login: cs.create_customer(uow(), draft(d, lg)))
        saved = [r for r in results if isinstance(r, cs.SaveResult)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(saved) == 1 and len(refused) == 1, results
        assert f"O login do hotsite “{login}” já é usado pelo cliente código {saved[0].customer.code}" in \
            refused[0].errors["hotsite_login"]


def _csv(path: Path, cpfs: list[str]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["nome", "cpf_cnpj", "celular", "email"])
    for i, cpf in enumerate(cpfs):
        writer.writerow([f"Cliente {i}", mask_document(cpf), "(11) 98765-4321", f"c{i}@example.com"])
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def test_the_same_file_imported_twice_at_once_stores_each_cpf_once(uow, tmp_path: Path) -> None:
    cpfs = distinct_cpfs(IMPORT_ROWS)
    path = _csv(tmp_path / "clientes.csv", cpfs)
    results = race(lambda: import_customers(uow(), path, tmp_path / "rej1.csv"),
                   lambda: import_customers(uow(), path, tmp_path / "rej2.csv"))
    assert all(isinstance(r, ImportReport) for r in results), results
    with uow() as u:
        stored = u.session.scalar(select(func.count()).select_from(Customer))
        repeated = u.session.scalar(select(func.count()).select_from(
            select(Customer.document).group_by(Customer.document).having(func.count() > 1).subquery()))
    assert stored == IMPORT_ROWS and repeated == 0
    assert sorted(r.imported for r in results) == [0, IMPORT_ROWS]
    loser = next(r for r in results if r.imported == 0)
    assert len(loser.rejected) == IMPORT_ROWS
    assert all("já cadastrado" in r.reason for r in loser.rejected)


def test_switching_back_to_no_duplicates_is_refused_while_duplicates_exist(uow) -> None:
    params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
    cpf, other = distinct_cpfs(2)
    first = cs.create_customer(uow(), draft(cpf)).customer
    second = cs.create_customer(uow(), draft(cpf, name="Maria C.")).customer
    assert holders(uow, cpf) == 2
    with pytest.raises(ValidationError) as info:
        params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": False})
    message = info.value.errors["aceitar_cpf_cnpj_duplicado"]
    assert "1 documento está" in message and mask_document(cpf) in message
    assert params_service.get_all(uow())["aceitar_cpf_cnpj_duplicado"] is True

    cs.update_customer(uow(), second.id, draft(other, name="Maria C."), second.version)
    params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": False})
    with uow() as u:  # every document is claimed: the database itself refuses a second holder
        assert u.session.get(Customer, first.id).unique_document == cpf
        with pytest.raises(IntegrityError):
            make_customer(u.session, document=cpf, unique_document=cpf)
    with pytest.raises(ValidationError) as again:
        cs.create_customer(uow(), draft(cpf))
    assert "já cadastrado" in again.value.errors["cpf_cnpj"]


def test_duplicates_allowed_store_no_claim(uow) -> None:
    params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
    (cpf,) = distinct_cpfs(1)
    results = race(lambda: cs.create_customer(uow(), draft(cpf)), lambda: cs.create_customer(uow(), draft(cpf)))
    assert all(isinstance(r, cs.SaveResult) for r in results), results
    assert holders(uow, cpf) == 2


def test_switching_to_no_duplicates_while_a_duplicate_is_being_saved_never_leaves_both(uow) -> None:
    """Race the switch "sim" → "não" against a creation of a duplicate: one of them loses, never neither."""
    outcomes = set()
    for cpf in distinct_cpfs(10):
        params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": True})
        cs.create_customer(uow(), draft(cpf))
        created, switched = race(lambda c=cpf: cs.create_customer(uow(), draft(c, name="Outra Maria")),
                                 lambda: params_service.update(uow(), {"aceitar_cpf_cnpj_duplicado": False}))
        forbidden = params_service.get_all(uow())["aceitar_cpf_cnpj_duplicado"] is False
        count = holders(uow, cpf)
        assert not (forbidden and count > 1), (created, switched)
        assert isinstance(created, cs.SaveResult | ValidationError), created
        assert isinstance(switched, dict | ValidationError), switched
        outcomes.add((isinstance(created, cs.SaveResult), forbidden))
        if count > 1:  # the creation won: undo the duplicate for the next round
            with uow() as u:
                extra = u.session.scalars(select(Customer).where(Customer.document == cpf)
                                          .order_by(Customer.code.desc())).first()
                u.session.delete(extra)
                u.session.commit()
    assert (True, True) not in outcomes


def test_simultaneous_edits_to_the_same_cpf_store_it_once(uow) -> None:
    for target, a_doc, b_doc in zip(*[iter(distinct_cpfs(3 * 5))] * 3, strict=True):
        a = cs.create_customer(uow(), draft(a_doc)).customer
        b = cs.create_customer(uow(), draft(b_doc, name="Outra Maria")).customer
        results = race(lambda r=a, t=target: cs.update_customer(uow(), r.id, draft(t), r.version),
                       lambda r=b, t=target: cs.update_customer(uow(), r.id, draft(t, name="Outra Maria"), r.version))
        saved = [r for r in results if isinstance(r, cs.SaveResult)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(saved) == 1 and len(refused) == 1, results
        assert holders(uow, target) == 1
        assert "já cadastrado" in refused[0].errors["cpf_cnpj"]

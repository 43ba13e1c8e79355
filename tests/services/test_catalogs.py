"""Catalogues: the default Brazilian set, adding/editing entries, flags, system reasons, permissions."""

from __future__ import annotations

import pytest

from ispdesk.domain.errors import BusinessRuleError, PermissionDenied, ValidationError
from ispdesk.services import audit, catalogs
from ispdesk.services.catalogs import CatalogKind
from ispdesk.services.seeds import catalogs as seeds


def test_default_set_seeded(uow) -> None:  # type: ignore[no-untyped-def]
    codes = {k: [e.code for e in catalogs.list_entries(uow(), k)] for k in CatalogKind}
    assert set(codes[CatalogKind.INCLUSION]) == {"NOVO", "TITULARIDADE", "MUDANCA_ENDERECO", "MIGRACAO"}
    assert set(codes[CatalogKind.CANCELLATION]) == {"PEDIDO", "MUDANCA_ENDERECO", "CONCORRENCIA", "INADIMPLENCIA",
                                                     "DESCUMPRIMENTO"}
    assert set(codes[CatalogKind.BILLING_TYPE]) == {"BOLETO", "PIX", "CARTAO", "DEBITO_AUTOMATICO", "CARNE"}
    assert "MENSAL" in codes[CatalogKind.PAYMENT_TERM]
    cancel = {e.code: e for e in catalogs.list_entries(uow(), CatalogKind.CANCELLATION)}
    assert cancel["DESCUMPRIMENTO"].waives_fine and not cancel["PEDIDO"].waives_fine
    assert cancel["INADIMPLENCIA"].system and not cancel["INADIMPLENCIA"].waives_fine
    assert all(e.counts_as_churn for e in cancel.values())


def test_seed_is_idempotent_and_keeps_edits(uow) -> None:  # type: ignore[no-untyped-def]
    novo = next(e for e in catalogs.list_entries(uow(), CatalogKind.INCLUSION) if e.code == "NOVO")
    catalogs.update_entry(uow(), CatalogKind.INCLUSION, novo.id, {"description": "Venda nova"})
    with uow() as u:
        seeds.seed(u)
        seeds.seed(u)
        u.commit()
    entries = catalogs.list_entries(uow(), CatalogKind.INCLUSION)
    assert len(entries) == 4
    assert next(e for e in entries if e.code == "NOVO").description == "Venda nova"


def test_add_entry_flags_and_duplicates(uow) -> None:  # type: ignore[no-untyped-def]
    entry = catalogs.add_entry(uow(), "cancellation", "falha-tecnica", "Falha técnica recorrente",
                               waives_fine=True, frees_period=True, counts_as_churn=False)
    assert (entry.code, entry.waives_fine, entry.frees_period, entry.counts_as_churn) == (
        "FALHA-TECNICA", True, True, False)
    with pytest.raises(ValidationError, match="já existe"):
        catalogs.add_entry(uow(), "cancellation", "FALHA-TECNICA", "De novo")
    with pytest.raises(ValidationError) as info:
        catalogs.add_entry(uow(), "inclusion", "COM ESPAÇO", "")
    assert set(info.value.errors) == {"codigo"}
    assert audit.history(uow(), "catalog.cancellation", entry.id)[0].action == "create"


def test_deactivate_and_resolve(uow) -> None:  # type: ignore[no-untyped-def]
    pix = next(e for e in catalogs.list_entries(uow(), CatalogKind.BILLING_TYPE) if e.code == "PIX")
    catalogs.update_entry(uow(), CatalogKind.BILLING_TYPE, pix.id, {"active": False})
    with uow() as u, pytest.raises(BusinessRuleError, match="inativo") as info:
        catalogs.resolve_in(u, CatalogKind.BILLING_TYPE, "pix")
    assert info.value.field == "tipo_cobranca"
    assert "BOLETO" in info.value.message
    with uow() as u:
        assert catalogs.resolve_in(u, CatalogKind.BILLING_TYPE, "") is None
        assert catalogs.resolve_in(u, CatalogKind.BILLING_TYPE, "boleto").code == "BOLETO"


def test_system_reason_cannot_be_deactivated(uow) -> None:  # type: ignore[no-untyped-def]
    inad = next(e for e in catalogs.list_entries(uow(), CatalogKind.CANCELLATION) if e.code == "INADIMPLENCIA")
    with pytest.raises(ValidationError, match="sistema"):
        catalogs.update_entry(uow(), CatalogKind.CANCELLATION, inad.id, {"active": False})


def test_catalog_managers_only(uow, attendant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        catalogs.add_entry(uow(attendant), "inclusion", "X", "Y")

"""What the start-error box adds when the server is down but an offline store was prepared (issue 13)."""

from __future__ import annotations

from ispdesk.services.offline_store import store_info


def offline_hint() -> str:
    """A paragraph telling how to keep working offline, or "" when no prepared store exists."""
    try:
        info = store_info()
    except Exception:  # a broken store must not hide the real start error
        return ""
    if info.prepared_at is None:
        return ""
    return (f"\n\nHá uma base offline preparada ({info.age_text()}, {info.documents} CPF/CNPJ conhecidos): "
            "para lançar clientes e pré-contratos sem o servidor, use "
            "ispdesk --offline import customers ARQUIVO (e import contracts, contracts pdf); "
            "quando o servidor voltar, rode ispdesk sync.")

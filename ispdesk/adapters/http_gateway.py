"""SMS and WhatsApp through HTTP gateways: generic JSON webhook, Zenvia SMS v2, WhatsApp Cloud API.

One `HttpGateway` per sending run and channel; every message is one JSON ``POST``. A gateway that is
down, slow (timeout), overloaded (429) or refuses the credentials (401/403) fails the whole batch —
the messages wait for the next run with backoff; any other 4xx fails only that message (a number the
gateway refuses). Tokens live only in `GatewaySettings` (hidden from ``repr``) and never appear in an
error.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ispdesk.adapters.email_smtp import SendError

ZENVIA_URL = "https://api.zenvia.com/v2/channels/sms/messages"
WHATSAPP_CLOUD_URL = "https://graph.facebook.com/v21.0/{numero_id}/messages"
DEFAULT_WEBHOOK_BODY = '{"to": "{telefone}", "text": "{texto}"}'

_NAMES = {"sms": "SMS", "whatsapp": "WhatsApp"}


@dataclass(frozen=True)
class GatewaySettings:
    """One channel's gateway (from the ``sms_*`` or ``whatsapp_*`` parameters)."""

    channel: str  # sms | whatsapp
    provider: str  # nenhum | webhook | zenvia | cloud
    url: str
    token: str = field(repr=False)
    sender: str = ""  # Zenvia: the sender id ("from"); WhatsApp Cloud: the phone number id
    headers: str = field(default="", repr=False)  # webhook: a JSON object of extra headers
    body: str = DEFAULT_WEBHOOK_BODY  # webhook: a JSON template
    template: str = ""  # WhatsApp Cloud: approved template name
    language: str = "pt_BR"
    timeout: float = 15.0

    @classmethod
    def from_parameters(cls, channel: str, values: dict[str, Any]) -> GatewaySettings:
        """Settings of `channel` (``sms`` or ``whatsapp``) from the general parameters."""
        p = f"{channel}_"
        sender = values["sms_remetente"] if channel == "sms" else values["whatsapp_numero_id"]
        return cls(channel=channel, provider=str(values[p + "provedor"]), url=str(values[p + "url"]).strip(),
                   token=str(values[p + "token"]), sender=str(sender).strip(),
                   headers=str(values[p + "cabecalhos"]).strip(),
                   body=str(values[p + "corpo"]).strip() or DEFAULT_WEBHOOK_BODY,
                   template=str(values.get("whatsapp_modelo") or "").strip(),
                   language=str(values.get("whatsapp_idioma") or "pt_BR").strip() or "pt_BR",
                   timeout=float(values["mensagens_tempo_limite"]))

    @property
    def enabled(self) -> bool:
        """A provider is chosen (the channel may be used)."""
        return self.provider != "nenhum"

    def endpoint(self) -> str:
        """The URL a message is posted to (the provider's own unless `url` overrides it)."""
        if self.provider == "zenvia":
            return self.url or ZENVIA_URL
        if self.provider == "cloud":
            return (self.url or WHATSAPP_CLOUD_URL).replace("{numero_id}", self.sender)
        return self.url

    def problem(self) -> str | None:
        """Why nothing can be sent through this gateway (Portuguese), or None."""
        name, p = _NAMES[self.channel], f"Parâmetros › Mensagens › {_NAMES[self.channel]}"
        if not self.enabled:
            return f"Nenhum provedor de {name} escolhido ({p})."
        if self.provider == "webhook" and not self.url:
            return f"URL do webhook de {name} não configurada ({p})."
        if self.provider in ("zenvia", "cloud") and not self.token:
            return f"Token do provedor de {name} não configurado ({p})."
        if self.provider == "zenvia" and not self.sender:
            return f"Remetente (identificação Zenvia) do SMS não configurado ({p})."
        if self.provider == "cloud" and (not self.sender or not self.template):
            return f"Número (phone number id) e modelo aprovado do WhatsApp são obrigatórios ({p})."
        try:
            self.extra_headers()
            json.loads(self.body)
        except ValueError:
            return f"Cabeçalhos ou corpo do webhook de {name} não são JSON válido ({p})."
        return None

    def extra_headers(self) -> dict[str, str]:
        """The webhook's extra headers (a JSON object).

        Raises:
            ValueError: not a JSON object.
        """
        if not self.headers:
            return {}
        parsed = json.loads(self.headers)
        if not isinstance(parsed, dict):
            raise ValueError("headers must be a JSON object")
        return {str(k): str(v) for k, v in parsed.items()}


def one_line(text: str) -> str:
    """Text without line breaks, tabs or long runs of spaces (WhatsApp template parameters refuse them)."""
    return " ".join(text.split())


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Replace ``{name}`` placeholders inside every string of a parsed JSON template."""
    if isinstance(node, str):
        for key, value in values.items():
            node = node.replace("{" + key + "}", value)
        return node
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(item, values) for key, item in node.items()}
    return node


def build_request(settings: GatewaySettings, to: str, subject: str, body: str,
                  message_key: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(url, headers, JSON payload) of one message to `to` (E.164, ``+55…``), in the provider's format."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.provider == "zenvia":  # POST /v2/channels/sms/messages, X-API-TOKEN
        headers["X-API-TOKEN"] = settings.token
        payload: dict[str, Any] = {"from": settings.sender, "to": to.lstrip("+"),
                                   "contents": [{"type": "text", "text": body}]}
    elif settings.provider == "cloud":  # POST /{phone-number-id}/messages, Bearer, an approved template
        headers["Authorization"] = f"Bearer {settings.token}"
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                   "type": "template",
                   "template": {"name": settings.template, "language": {"code": settings.language},
                                "components": [{"type": "body", "parameters": [
                                    {"type": "text", "text": one_line(subject)},
                                    {"type": "text", "text": one_line(body)}]}]}}
    else:  # the generic webhook: the body template with the placeholders filled in
        if settings.token:
            headers["Authorization"] = f"Bearer {settings.token}"
        headers.update(settings.extra_headers())
        payload = _fill(json.loads(settings.body), {"telefone": to, "texto": body, "assunto": subject,
                                                    "id": message_key, "canal": settings.channel})
    return settings.endpoint(), headers, payload


class HttpGateway:
    """Posts messages to one gateway: ``with HttpGateway(settings) as gw: gw.send(...)``."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.name = _NAMES[settings.channel]

    def __enter__(self) -> HttpGateway:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def send(self, to: str, subject: str, body: str, message_key: str) -> None:
        """Post one message.

        Raises:
            SendError: the message failed (`whole_batch` when the gateway itself is failing).
        """
        url, headers, payload = build_request(self.settings, to, subject, body, message_key)
        request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc.code, exc.read(2000)) from None
        except TimeoutError:
            raise SendError(f"o gateway de {self.name} não respondeu a tempo; tenta-se de novo mais tarde.",
                            whole_batch=True) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise SendError(f"o gateway de {self.name} não respondeu a tempo; tenta-se de novo mais tarde.",
                                whole_batch=True) from None
            raise SendError(f"não foi possível falar com o gateway de {self.name} (desligado, inacessível ou "
                            "URL errada); tenta-se de novo mais tarde.", whole_batch=True) from None

    def _http_error(self, code: int, raw: bytes) -> SendError:
        if code in (401, 403):
            return SendError(f"o gateway de {self.name} recusou o token ({code}); confira o token em "
                             f"Parâmetros › Mensagens › {self.name}.", whole_batch=True)
        if code == 429 or code >= 500:
            return SendError(f"o gateway de {self.name} respondeu {code}; tenta-se de novo mais tarde.",
                             whole_batch=True)
        detail = one_line(raw.decode("utf-8", "replace"))[:200]
        if self.settings.token:
            detail = detail.replace(self.settings.token, "••••••")
        return SendError(f"o gateway de {self.name} recusou a mensagem ({code}): {detail or 'sem detalhes'}; "
                         "confira o celular do cliente e o modelo.")

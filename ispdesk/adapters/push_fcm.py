"""Push notifications through Firebase Cloud Messaging's HTTP v1 API.

``POST {push_url or https://fcm.googleapis.com}/v1/projects/{project_id}/messages:send`` with
``Authorization: Bearer <access token>`` and ``{"message": {"token", "notification": {"title", "body"},
"data": {…strings…}}}``. The access token comes from the service account (a JSON key file, or its
text): an RS256-signed JWT assertion (iss = client_email, scope firebase.messaging, aud = token_uri,
1 h) exchanged at the account's ``token_uri`` (OAuth 2 JWT bearer grant), cached until a few minutes
before it expires.

Failures, as `SendError`: FCM or Google down, slow, 5xx or 429 → whole batch (retried later with
backoff); credentials refused (401 after one fresh token, 403) → whole batch, with the reason; a
token FCM no longer knows (404 ``UNREGISTERED``, or 400 ``INVALID_ARGUMENT`` about the token) →
`UnregisteredToken` (the device is deactivated); a 404 that is not FCM's answer about a token (a wrong
``push_url``) → whole batch, no token touched; any other 4xx → that message only. The private
key, the assertion and the access token never appear in a `repr`, an error or a log.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ispdesk.adapters.email_smtp import SendError

FCM_URL = "https://fcm.googleapis.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 3600
#: A cached access token is renewed this many seconds before Google says it expires.
TOKEN_MARGIN = 300
#: FCM refuses messages over 4096 bytes; the body is shortened to stay under this.
PAYLOAD_MAX = 4000
_WHERE = "Parâmetros › Mensagens › Conta de serviço do push"
#: What a private key, a Google access token or a JWT look like: scrubbed from any text a server echoes.
_SECRET_SHAPES = re.compile(r"-----BEGIN[^-]*-----.*?(-----END[^-]*-----|$)"
                            r"|ya29\.[\w.\-]+|eyJ[\w\-]+\.[\w\-]+\.[\w\-]*", re.DOTALL)


class UnregisteredToken(SendError):
    """FCM no longer knows this device's token: deactivate it (`reason` says why, in Portuguese)."""


class AccountError(ValueError):
    """The service account cannot be used; the message is Portuguese and never quotes the key."""


@dataclass(frozen=True)
class ServiceAccount:
    """The fields of a Google service-account key that signing and sending need."""

    project_id: str
    client_email: str
    private_key: str = field(repr=False)
    private_key_id: str = field(default="", repr=False)
    token_uri: str = GOOGLE_TOKEN_URI

    @property
    def cache_key(self) -> tuple[str, str, str]:
        """Identifies the key without holding it (the access-token cache's key)."""
        digest = hashlib.sha256(self.private_key.encode("utf-8")).hexdigest()
        return self.client_email, self.token_uri, digest

    def signing_key(self) -> rsa.RSAPrivateKey:
        """The RSA private key.

        Raises:
            AccountError: not an RSA key in PEM.
        """
        try:
            key = serialization.load_pem_private_key(self.private_key.encode("utf-8"), password=None)
        except (ValueError, TypeError):
            raise AccountError("a chave privada (private_key) da conta de serviço do push não é uma chave PEM "
                               f"válida; baixe de novo o arquivo JSON no console do Firebase ({_WHERE}).") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise AccountError(f"a chave privada da conta de serviço do push não é RSA ({_WHERE}).")
        return key


def load_account(text: str) -> ServiceAccount:
    """The service account from ``push_conta_servico``: the JSON itself, or the path of its file.

    Raises:
        AccountError: unreadable file, not JSON, or a field missing (the message never quotes the key).
    """
    raw = (text or "").strip()
    if not raw:
        raise AccountError(f"conta de serviço do push não configurada ({_WHERE}).")
    if not raw.startswith("{"):
        try:
            raw = Path(raw).expanduser().read_text(encoding="utf-8-sig").strip()
        except (OSError, ValueError):
            raise AccountError("não foi possível ler o arquivo da conta de serviço do push (caminho errado ou sem "
                               f"permissão de leitura); informe o caminho do arquivo JSON ou cole o JSON ({_WHERE})."
                               ) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise AccountError(f"a conta de serviço do push não é um JSON válido; use o arquivo JSON baixado do console "
                           f"do Firebase (Configurações do projeto › Contas de serviço) ({_WHERE}).") from None
    if not isinstance(data, dict):
        raise AccountError(f"a conta de serviço do push não é um objeto JSON ({_WHERE}).")
    missing = [name for name in ("project_id", "client_email", "private_key") if not str(data.get(name) or "").strip()]
    if missing:
        raise AccountError(f"faltam campos na conta de serviço do push: {', '.join(missing)}; use o arquivo JSON "
                           f"completo baixado do console do Firebase ({_WHERE}).")
    return ServiceAccount(project_id=str(data["project_id"]).strip(), client_email=str(data["client_email"]).strip(),
                          private_key=str(data["private_key"]), private_key_id=str(data.get("private_key_id") or ""),
                          token_uri=str(data.get("token_uri") or GOOGLE_TOKEN_URI).strip())


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def assertion(account: ServiceAccount, now: int) -> str:
    """The signed JWT (RS256) the token URI exchanges for an access token."""
    header: dict[str, str] = {"alg": "RS256", "typ": "JWT"}
    if account.private_key_id:
        header["kid"] = account.private_key_id
    claims = {"iss": account.client_email, "scope": SCOPE, "aud": account.token_uri, "iat": now,
              "exp": now + ASSERTION_LIFETIME}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = account.signing_key().sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64url(signature)


class TokenCache:
    """Access tokens per service account, kept until `TOKEN_MARGIN` seconds before they expire."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, account: ServiceAccount) -> str | None:
        """A cached token still good for a while, or None."""
        with self._lock:
            found = self._tokens.get(account.cache_key)
        if found and found[1] - TOKEN_MARGIN > self.now():
            return found[0]
        return None

    def put(self, account: ServiceAccount, token: str, expires_in: float) -> None:
        """Remember `token` for `expires_in` seconds from now."""
        with self._lock:
            self._tokens[account.cache_key] = (token, self.now() + expires_in)

    def forget(self, account: ServiceAccount) -> None:
        """Drop the account's token (FCM refused it)."""
        with self._lock:
            self._tokens.pop(account.cache_key, None)


#: The process's cache: one exchange per account and hour, whatever the number of runs.
CACHE = TokenCache()


@dataclass(frozen=True)
class PushSettings:
    """FCM settings (from the ``push_*`` parameters)."""

    account_text: str = field(repr=False)
    base_url: str = ""
    timeout: float = 15.0

    @classmethod
    def from_parameters(cls, values: Mapping[str, Any]) -> PushSettings:
        """Settings from the general parameters."""
        return cls(account_text=str(values.get("push_conta_servico") or ""),
                   base_url=str(values.get("push_url") or "").strip(),
                   timeout=float(values.get("mensagens_tempo_limite") or 15))

    @property
    def enabled(self) -> bool:
        """A service account is configured (the channel may be used)."""
        return bool(self.account_text.strip())

    def problem(self) -> str | None:
        """Why nothing can be pushed (Portuguese, first letter capital), or None."""
        try:
            load_account(self.account_text).signing_key()
        except AccountError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:]
        return None

    def endpoint(self, project_id: str) -> str:
        """The messages:send URL of `project_id`."""
        base = (self.base_url or FCM_URL).rstrip("/")
        return f"{base}/v1/projects/{urllib.parse.quote(project_id, safe='')}/messages:send"


def fit_body(title: str, body: str, token: str, data: Mapping[str, str]) -> str:
    """`body`, shortened (with ``…``) so that the whole message stays within `PAYLOAD_MAX` bytes."""
    def size(text: str) -> int:
        return len(json.dumps(build_message(token, title, text, data), ensure_ascii=False).encode("utf-8"))

    if size(body) <= PAYLOAD_MAX:
        return body
    low, high = 0, len(body)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if size(body[:middle] + "…") <= PAYLOAD_MAX:
            low = middle
        else:
            high = middle - 1
    return body[:low].rstrip() + "…"


def build_message(token: str, title: str, body: str, data: Mapping[str, str]) -> dict[str, Any]:
    """The request body of projects.messages.send (every data value a string, as FCM requires)."""
    return {"message": {"token": token, "notification": {"title": title, "body": body},
                        "data": {str(k): str(v) for k, v in data.items()}}}


def _error_of(raw: bytes) -> tuple[str, str, list[dict[str, Any]]]:
    """(status, message, details) of a Google error response (empty when not JSON)."""
    try:
        error = json.loads(raw.decode("utf-8", "replace")).get("error") or {}
    except (ValueError, AttributeError):
        return "", "", []
    if not isinstance(error, dict):
        return str(error), "", []
    details = error.get("details")
    return str(error.get("status") or ""), str(error.get("message") or ""), details if isinstance(details, list) else []


def _fcm_code(details: list[dict[str, Any]]) -> str:
    for detail in details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("google.firebase.fcm.v1.FcmError"):
            return str(detail.get("errorCode") or "")
    return ""


def _about_token(message: str, details: list[dict[str, Any]]) -> bool:
    """An INVALID_ARGUMENT that names the registration token (not the payload)."""
    if "registration token" in message.lower():
        return True
    for detail in details:
        for violation in (detail.get("fieldViolations") or []) if isinstance(detail, dict) else []:
            if isinstance(violation, dict) and str(violation.get("field", "")) in ("message.token", "token"):
                return True
    return False


class FcmSender:
    """Sends pushes for one run: ``with FcmSender(settings) as fcm: fcm.send(token, title, body, data)``."""

    def __init__(self, settings: PushSettings, cache: TokenCache | None = None) -> None:
        self.settings = settings
        self.cache = cache or CACHE
        self._account: ServiceAccount | None = None
        self._secrets: list[str] = []

    def __enter__(self) -> FcmSender:
        try:
            self._account = load_account(self.settings.account_text)
            self._account.signing_key()
        except AccountError as exc:
            raise SendError(str(exc), whole_batch=True) from None
        self._secrets = [self._account.private_key]
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    @property
    def account(self) -> ServiceAccount:
        """The loaded account (inside the ``with``)."""
        if self._account is None:
            raise RuntimeError("FcmSender used outside its with block")
        return self._account

    def _clean(self, text: str) -> str:
        """`text` on one line, at most 200 characters, with no secret in it (ours, or anything shaped like one)."""
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "••••••")
        return " ".join(_SECRET_SHAPES.sub("••••••", text).split())[:200]

    def _post(self, url: str, data: bytes, headers: dict[str, str], what: str) -> bytes:
        """POST and return the body; HTTP errors propagate, network failures become `SendError` (whole batch)."""
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError:
            raise
        except TimeoutError:
            raise SendError(f"{what} não respondeu a tempo; tenta-se de novo mais tarde.", whole_batch=True) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise SendError(f"{what} não respondeu a tempo; tenta-se de novo mais tarde.",
                                whole_batch=True) from None
            raise SendError(f"não foi possível falar com {what} (sem rede, desligado ou URL errada); tenta-se de "
                            "novo mais tarde.", whole_batch=True) from None

    def access_token(self) -> str:
        """A valid access token (cached, or exchanged now).

        Raises:
            SendError: the token URI refused the account or is unreachable (whole batch).
        """
        account = self.account
        cached = self.cache.get(account)
        if cached:
            if cached not in self._secrets:
                self._secrets.append(cached)
            return cached
        signed = assertion(account, int(self.cache.now()))
        self._secrets.append(signed)
        form = urllib.parse.urlencode({"grant_type": JWT_BEARER, "assertion": signed}).encode("ascii")
        try:
            raw = self._post(account.token_uri, form, {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Accept": "application/json"}, "o servidor de login do Google")
        except urllib.error.HTTPError as exc:
            raise self._token_error(exc.code, exc.read(2000)) from None
        try:
            answer = json.loads(raw.decode("utf-8"))
            token, expires_in = str(answer["access_token"]), float(answer.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SendError("o servidor de login do Google respondeu sem token de acesso; tenta-se de novo mais "
                            "tarde.", whole_batch=True) from None
        self._secrets.append(token)
        self.cache.put(account, token, expires_in)
        return token

    def _token_error(self, code: int, raw: bytes) -> SendError:
        if code == 429 or code >= 500:
            return SendError(f"o servidor de login do Google respondeu {code}; tenta-se de novo mais tarde.",
                             whole_batch=True)
        try:
            answer = json.loads(raw.decode("utf-8", "replace"))
            detail = f"{answer.get('error', '')}: {answer.get('error_description', '')}".strip(": ")
        except (ValueError, AttributeError):
            detail = ""
        return SendError(f"o Google recusou a conta de serviço do push ({code}"
                         f"{', ' + self._clean(detail) if detail else ''}); confira se a chave não foi revogada e "
                         f"se o relógio deste computador está certo ({_WHERE}).", whole_batch=True)

    def send(self, token: str, title: str, body: str, data: Mapping[str, str]) -> None:
        """Push one notification to the device `token`.

        Raises:
            UnregisteredToken: FCM no longer knows the token.
            SendError: the message failed (`whole_batch` when FCM or the credentials are failing).
        """
        url = self.settings.endpoint(self.account.project_id)
        payload = json.dumps(build_message(token, title, fit_body(title, body, token, data), data),
                             ensure_ascii=False).encode("utf-8")
        for fresh in (False, True):
            headers = {"Authorization": f"Bearer {self.access_token()}",
                       "Content-Type": "application/json; charset=UTF-8", "Accept": "application/json"}
            try:
                self._post(url, payload, headers, "o Firebase Cloud Messaging")
                return
            except urllib.error.HTTPError as exc:
                code, raw = exc.code, exc.read(4000)
            if code == 401 and not fresh:  # the cached access token may have been revoked: one fresh try
                self.cache.forget(self.account)
                continue
            raise self._send_error(code, raw)

    def _send_error(self, code: int, raw: bytes) -> SendError:
        status, message, details = _error_of(raw)
        fcm = _fcm_code(details)
        name = fcm or status or str(code)
        if fcm == "UNREGISTERED" or (code == 404 and status == "NOT_FOUND" and not fcm
                                     and message.startswith("Requested entity was not found")):
            return UnregisteredToken(f"o FCM informou que o token não está mais registrado ({name}, {code}): o app "
                                     "foi desinstalado ou o token expirou")
        if code == 400 and "INVALID_ARGUMENT" in (fcm, status) and _about_token(message, details):
            return UnregisteredToken(f"o FCM recusou o token como inválido ({name}, {code}): "
                                     f"{self._clean(message) or 'token inválido'}")
        if code == 429 or code >= 500:
            return SendError(f"o Firebase Cloud Messaging respondeu {code} ({name}); tenta-se de novo mais tarde.",
                             whole_batch=True)
        if code == 404:  # not FCM's answer about a token: the URL is wrong (a proxy, push_url)
            return SendError("o endereço do Firebase Cloud Messaging não existe (404); confira a URL do push "
                             "(Parâmetros › Mensagens › URL do Firebase Cloud Messaging; vazio usa a do Google).",
                             whole_batch=True)
        if code == 403 and fcm == "SENDER_ID_MISMATCH":
            return SendError("o token do dispositivo é de outro projeto Firebase (SENDER_ID_MISMATCH, 403); "
                             "cadastre o token gerado pelo app deste provedor.")
        if code in (401, 403):
            return SendError(f"o Firebase Cloud Messaging recusou as credenciais ({name}, {code}); confira se a API "
                             "Firebase Cloud Messaging está ativada no projeto e se a conta de serviço tem permissão "
                             f"de enviar ({_WHERE}).", whole_batch=True)
        return SendError(f"o Firebase Cloud Messaging recusou a mensagem ({name}, {code}): "
                         f"{self._clean(message) or 'sem detalhes'}.")

"""A local HTTP server playing Google's token endpoint and FCM HTTP v1 (records requests, answers as told).

``/token`` checks the OAuth 2 JWT-bearer grant: form fields, the RS256 signature against the test's
public key, and the claims; it answers a fresh access token. ``/v1/projects/<id>/messages:send``
checks the bearer token was issued here and answers 200, or what `answers` says for a device token.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

PROJECT = "provedor-app"
CLIENT_EMAIL = "push@provedor-app.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


def unregistered() -> tuple[int, dict[str, Any]]:
    """FCM's answer for a token of an uninstalled app."""
    return 404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                           "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                        "errorCode": "UNREGISTERED"}]}}


def invalid_token() -> tuple[int, dict[str, Any]]:
    """FCM's answer for a token that is not an FCM token."""
    return 400, {"error": {"code": 400, "message": "The registration token is not a valid FCM registration token",
                           "status": "INVALID_ARGUMENT",
                           "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                        "errorCode": "INVALID_ARGUMENT"}]}}


def google_error(code: int, status: str) -> tuple[int, dict[str, Any]]:
    """Any other Google error."""
    return code, {"error": {"code": code, "message": f"erro {status}", "status": status}}


@dataclass
class Fcm:
    """What the server received and how it answers next."""

    key: rsa.RSAPrivateKey
    port: int = 0
    sends: list[dict[str, Any]] = field(default_factory=list)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    #: device token → list of (status, body) answered in turn (the last one repeats); default 200
    answers: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    #: every send answers this when set (status, body)
    all_sends: tuple[int, dict[str, Any]] | None = None
    token_answer: tuple[int, dict[str, Any]] | None = None
    delay: float = 0.0
    expires_in: int = 3599
    problems: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    def account(self, **extra: Any) -> dict[str, Any]:
        """A service-account JSON whose token_uri points here."""
        pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode("ascii")
        return {"type": "service_account", "project_id": PROJECT, "private_key_id": "chave-teste-1",
                "private_key": pem, "client_email": CLIENT_EMAIL, "client_id": "1", "token_uri": self.token_uri,
                **extra}

    def private_pem(self) -> str:
        return str(self.account()["private_key"])


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@contextmanager
def fcm_server(key: rsa.RSAPrivateKey) -> Iterator[Fcm]:
    """Serve on 127.0.0.1 in a thread while the block runs."""
    state = Fcm(key=key)
    public = key.public_key()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except OSError:
                pass

        def _token(self, raw: bytes) -> None:
            form = urllib.parse.parse_qs(raw.decode())
            record: dict[str, Any] = {"form": form, "content_type": self.headers.get("Content-Type")}
            with lock:
                state.exchanges.append(record)
            if state.token_answer is not None:
                self._answer(*state.token_answer)
                return
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                self._answer(400, {"error": "unsupported_grant_type"})
                return
            header_b64, claims_b64, signature_b64 = form["assertion"][0].split(".")
            try:
                public.verify(_unb64(signature_b64), f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(),
                              hashes.SHA256())
            except InvalidSignature:
                state.problems.append("bad signature")
                self._answer(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
                return
            header, claims = json.loads(_unb64(header_b64)), json.loads(_unb64(claims_b64))
            record.update(header=header, claims=claims)
            now = time.time()
            expected = {"iss": CLIENT_EMAIL, "scope": SCOPE, "aud": state.token_uri}
            if any(claims.get(k) != v for k, v in expected.items()) or claims["exp"] - claims["iat"] != 3600 \
                    or abs(claims["iat"] - now) > 120 or header != {"alg": "RS256", "typ": "JWT",
                                                                     "kid": "chave-teste-1"}:
                state.problems.append(f"bad claims {header} {claims}")
                self._answer(400, {"error": "invalid_grant", "error_description": "Invalid JWT."})
                return
            with lock:
                access = f"ya29.acesso-{len(state.exchanges)}"
                state.issued.append(access)
            self._answer(200, {"access_token": access, "expires_in": state.expires_in, "token_type": "Bearer"})

        def _send(self, raw: bytes) -> None:
            body = json.loads(raw or b"null")
            auth = self.headers.get("Authorization", "")
            record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "json": body}
            with lock:
                state.sends.append(record)
            if state.delay:
                time.sleep(state.delay)
            if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in state.issued:
                self._answer(*google_error(401, "UNAUTHENTICATED"))
                return
            if state.all_sends is not None:
                self._answer(*state.all_sends)
                return
            device = body["message"]["token"]
            queue = state.answers.get(device)
            if queue:
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
                self._answer(*answer)
                return
            self._answer(200, {"name": f"projects/{PROJECT}/messages/{len(state.sends)}"})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/token":
                self._token(raw)
            elif self.path == f"/v1/projects/{PROJECT}/messages:send":
                self._send(raw)
            else:
                self._answer(404, {"error": {"code": 404, "message": "no such path", "status": "NOT_FOUND"}})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

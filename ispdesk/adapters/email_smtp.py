"""E-mail through SMTP: one connection per batch, none / STARTTLS / SSL, optional login.

The password is held only in `SmtpSettings` (its ``repr`` hides it) and never appears in an error.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from types import TracebackType
from typing import Any

#: Seconds a server gets to answer (connect, each command).
TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send (from the ``smtp_*`` / ``email_*`` parameters)."""

    host: str
    port: int
    security: str  # nenhuma | starttls | ssl
    user: str
    password: str = field(repr=False)
    sender: str
    sender_name: str = ""
    cafile: str = ""

    @classmethod
    def from_parameters(cls, values: dict[str, Any], company_name: str = "") -> SmtpSettings:
        """Settings from the general parameters."""
        return cls(host=str(values["smtp_servidor"]).strip(), port=int(values["smtp_porta"]),
                   security=str(values["smtp_seguranca"]), user=str(values["smtp_usuario"]).strip(),
                   password=str(values["smtp_senha"]), sender=str(values["email_remetente"]).strip(),
                   sender_name=str(values["email_remetente_nome"]).strip() or company_name,
                   cafile=str(values["smtp_certificado_ca"]).strip())

    def problem(self) -> str | None:
        """Why nothing can be sent with these settings (Portuguese), or None."""
        if not self.host:
            return "Servidor SMTP não configurado (Parâmetros › Mensagens › Servidor SMTP)."
        if not self.sender:
            return "E-mail do remetente não configurado (Parâmetros › Mensagens › E-mail do remetente)."
        return None


class SendError(Exception):
    """A message (or the whole connection) failed; `reason` is Portuguese and carries no password."""

    def __init__(self, reason: str, whole_batch: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.whole_batch = whole_batch


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "o servidor SMTP recusou o usuário ou a senha (Parâmetros › Mensagens)."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "o servidor SMTP recusou o endereço do destinatário; confira o e-mail do cliente."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"o servidor SMTP respondeu {exc.smtp_code}; tenta-se de novo mais tarde."
    if isinstance(exc, ssl.SSLError):
        return ("falha no TLS com o servidor SMTP (certificado não confiável ou segurança errada; confira "
                "a segurança e o certificado da autoridade em Parâmetros › Mensagens).")
    if isinstance(exc, TimeoutError):
        return "o servidor SMTP não respondeu a tempo; tenta-se de novo mais tarde."
    if isinstance(exc, OSError | smtplib.SMTPException):
        return "não foi possível falar com o servidor SMTP (desligado ou inacessível); tenta-se de novo mais tarde."
    return f"erro inesperado ao enviar ({type(exc).__name__})."


class SmtpMailer:
    """A connection to the server for a batch: ``with SmtpMailer(settings) as mail: mail.send(...)``."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.settings.cafile or None)
        return context

    def __enter__(self) -> SmtpMailer:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_S, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_S)
                if s.security == "starttls":
                    smtp.starttls(context=self._context())
            if s.user:
                smtp.login(s.user, s.password)
        except Exception as exc:  # noqa: BLE001 - every connection fault becomes a pending batch
            raise SendError(_reason(exc), whole_batch=True) from None
        self._smtp = smtp
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._smtp is not None:
            with contextlib.suppress(Exception):  # the messages are already recorded
                self._smtp.quit()
            self._smtp = None

    def send(self, to: str, subject: str, body: str, message_key: str) -> None:
        """Send one message; `message_key` (the outbox id) goes into Message-ID so a resend is recognisable.

        Raises:
            SendError: this message failed (`whole_batch` when the connection is gone).
        """
        assert self._smtp is not None, "use SmtpMailer as a context manager"
        s = self.settings
        message = EmailMessage()
        message["From"] = formataddr((s.sender_name, s.sender)) if s.sender_name else s.sender
        message["To"] = to
        message["Subject"] = subject
        domain = s.sender.rpartition("@")[2] or "ispdesk.local"
        message["Message-ID"] = make_msgid(idstring=message_key, domain=domain)
        message.set_content(body)
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(_reason(exc)) from None
        except smtplib.SMTPServerDisconnected as exc:
            raise SendError(_reason(exc), whole_batch=True) from None
        except Exception as exc:  # noqa: BLE001
            raise SendError(_reason(exc), whole_batch=isinstance(exc, OSError)) from None

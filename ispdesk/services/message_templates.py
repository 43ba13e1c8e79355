"""Message templates per event × channel: list, read, save (validated, audited), reset, and render.

`MessageTexts` is the one way a message's text is built: it looks up the template in force for the
event and channel (the channel's own, else ``padrao``, else the shipped text) and renders it. Every
producer hands its rows to the outbox with a ``context`` (the event's variables) and
`fill_texts` renders them once the channel is known; `ispdesk messages preview` uses the same
`MessageTexts.render`, so what it prints is what is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ispdesk.db.models import MessageTemplate
from ispdesk.domain.errors import BusinessRuleError
from ispdesk.domain.message_templates import (
    DEFAULT_CHANNEL,
    DEFAULTS,
    TEMPLATE_CHANNELS,
    compiled,
    parse_channel,
    parse_event,
    sample_context,
    template_channel,
    validate,
)
from ispdesk.domain.messages import MessageEvent
from ispdesk.domain.permissions import Permission
from ispdesk.domain.template_engine import Value
from ispdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class MessageTemplateRow:
    """The template in force for an event on a channel.

    `source` says where it comes from: ``proprio`` (edited for this channel), ``padrao`` (the
    edited default channel) or ``fabrica`` (the shipped text).
    """

    event: str
    event_label: str
    channel: str
    subject: str
    body: str
    source: str
    updated_at: datetime | None
    updated_by: str

    @property
    def edited(self) -> bool:
        """True when this channel has its own edited text."""
        return self.source == "proprio"


class MessageTexts:
    """The templates in force, read once (a run that writes many messages renders them with one read)."""

    def __init__(self, session: Session) -> None:
        self._stored: dict[tuple[str, str], MessageTemplate] = {
            (t.event, t.channel): t for t in session.scalars(select(MessageTemplate))}

    def source(self, event: MessageEvent, channel: str) -> tuple[str, str, str, MessageTemplate | None]:
        """(subject, body, origin, row) in force for `event` on `channel`; see `MessageTemplateRow.source`."""
        wanted = template_channel(channel)
        own = self._stored.get((event.value, wanted))
        if own is not None:
            return own.subject, own.body, "proprio" if wanted != DEFAULT_CHANNEL else "padrao", own
        default = self._stored.get((event.value, DEFAULT_CHANNEL))
        if default is not None:
            return default.subject, default.body, "padrao", default
        subject, body = DEFAULTS[event]
        return subject, body, "fabrica", None

    def render(self, event: MessageEvent, channel: str, context: Mapping[str, Value]) -> tuple[str, str]:
        """(subject, body) of `event` on `channel` with `context` filled in — the one text builder."""
        subject, body, _origin, _row = self.source(event, channel)
        return compiled(event, subject, body).render(context)


def with_context(row: Mapping[str, Any], context: Mapping[str, Value]) -> dict[str, Any]:
    """An outbox row whose subject and body `fill_texts` renders from `context` for its channel."""
    return {**row, "context": dict(context)}


def fill_texts(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Outbox rows with their subject and body rendered for their channel (rows carrying a ``context``).

    A row without ``context`` (its text already written) is left as it is.
    """
    texts: MessageTexts | None = None
    out: list[dict[str, Any]] = []
    for row in rows:
        if "context" not in row:
            out.append(dict(row))
            continue
        texts = texts or MessageTexts(session)
        filled = {k: v for k, v in row.items() if k != "context"}
        filled["subject"], filled["body"] = texts.render(MessageEvent(row["event"]), str(row["channel"]),
                                                         row["context"])
        out.append(filled)
    return out


def _row(texts: MessageTexts, event: MessageEvent, channel: str) -> MessageTemplateRow:
    subject, body, origin, stored = texts.source(event, channel)
    if origin == "padrao" and channel == DEFAULT_CHANNEL:
        origin = "proprio"
    return MessageTemplateRow(event.value, event.label, channel, subject, body, origin,
                              stored.updated_at if stored else None, stored.updated_by if stored else "")


def list_templates(uow: UnitOfWork) -> list[MessageTemplateRow]:
    """Every event × channel with the template in force.

    Raises:
        PermissionDenied: the actor may not view contracts.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    with uow:
        texts = MessageTexts(uow.session)
        return [_row(texts, event, channel) for event in MessageEvent for channel in TEMPLATE_CHANNELS]


def get_template(uow: UnitOfWork, event: str, channel: str = DEFAULT_CHANNEL) -> MessageTemplateRow:
    """The template in force for `event` on `channel`.

    Raises:
        PermissionDenied: the actor may not view contracts.
        BusinessRuleError: unknown event or channel.
    """
    uow.require(Permission.CONTRACTS_VIEW)
    found, where = parse_event(event), parse_channel(channel)
    with uow:
        return _row(MessageTexts(uow.session), found, where)


def _stored(uow: UnitOfWork, event: MessageEvent, channel: str) -> MessageTemplate | None:
    return uow.session.scalar(select(MessageTemplate).where(MessageTemplate.event == event.value,
                                                            MessageTemplate.channel == channel))


def set_template_in(uow: UnitOfWork, event: str, channel: str, subject: str, body: str) -> MessageTemplateRow:
    """Validate and store the template of `event` on `channel` (no commit); see `set_template`."""
    found, where = parse_event(event), parse_channel(channel)
    subject, body = subject.strip(), body.strip("\n")
    validate(found, subject, body)
    texts = MessageTexts(uow.session)
    current_subject, current_body, _origin, _row_in_force = texts.source(found, where)
    row = _stored(uow, found, where)
    if row is not None and row.subject == subject and row.body == body or (
            row is None and (current_subject, current_body) == (subject, body)):
        raise BusinessRuleError(f"Nada mudou no modelo de “{found.label}” ({where}); nada foi salvo.",
                                field="corpo")
    before = (row.subject, row.body) if row is not None else None
    if row is None:
        row = MessageTemplate(event=found.value, channel=where, subject=subject, body=body, updated_at=uow.now,
                              updated_by=uow.actor.login)
        uow.session.add(row)
    else:
        row.subject, row.body = subject, body
        row.updated_at, row.updated_by = uow.now, uow.actor.login
    uow.session.flush()
    uow.audit("message_template", row.id, "update" if before else "create",
              {"evento": found.value, "canal": where,
               "assunto": [before[0] if before else current_subject, subject],
               "corpo": [before[1] if before else current_body, body]},
              f"Modelo de mensagem “{found.label}” ({where}) alterado")
    return _row(MessageTexts(uow.session), found, where)


def set_template(uow: UnitOfWork, event: str, channel: str, subject: str, body: str) -> MessageTemplateRow:
    """Save the subject and body of `event` on `channel` (TEMPLATES_MANAGE, validated, audited) and commit.

    Raises:
        PermissionDenied: the actor may not manage templates.
        BusinessRuleError: unknown event/channel, empty text, a legal variable dropped, nothing changed.
        TemplateError: an unknown variable (named, with the valid ones listed) or bad markup.
    """
    uow.require(Permission.TEMPLATES_MANAGE)
    with uow:
        row = set_template_in(uow, event, channel, subject, body)
        uow.commit()
        return row


def reset_template_in(uow: UnitOfWork, event: str, channel: str) -> MessageTemplateRow:
    """Go back to the shipped text (or the default channel's) for `event` on `channel` (no commit)."""
    found, where = parse_event(event), parse_channel(channel)
    row = _stored(uow, found, where)
    if row is None:
        raise BusinessRuleError(f"O modelo de “{found.label}” ({where}) não foi alterado: já usa o texto "
                                f"{'de fábrica' if where == DEFAULT_CHANNEL else 'do canal padrao'}.",
                                field="canal")
    uow.audit("message_template", row.id, "reset",
              {"evento": found.value, "canal": where, "assunto": [row.subject, None], "corpo": [row.body, None]},
              f"Modelo de mensagem “{found.label}” ({where}) voltou ao texto padrão")
    uow.session.delete(row)
    uow.session.flush()
    return _row(MessageTexts(uow.session), found, where)


def reset_template(uow: UnitOfWork, event: str, channel: str) -> MessageTemplateRow:
    """Delete the edited template of `event` on `channel` (TEMPLATES_MANAGE, audited) and commit.

    Raises:
        PermissionDenied: the actor may not manage templates.
        BusinessRuleError: unknown event/channel, or nothing edited there.
    """
    uow.require(Permission.TEMPLATES_MANAGE)
    with uow:
        row = reset_template_in(uow, event, channel)
        uow.commit()
        return row


def check_template(event: str, subject: str, body: str) -> None:
    """Validate a template without saving it (the editor's live check; no database).

    Raises:
        BusinessRuleError / TemplateError: as `set_template`.
    """
    validate(parse_event(event), subject.strip(), body.strip("\n"))


def render_draft(event: str, subject: str, body: str,
                 context: Mapping[str, Value] | None = None) -> tuple[str, str]:
    """(subject, body) of a template being edited, filled with `context` (default: the sample values).

    The same rendering `MessageTexts.render` does once the text is saved.

    Raises:
        BusinessRuleError / TemplateError: as `set_template`.
    """
    found = parse_event(event)
    checked = validate(found, subject.strip(), body.strip("\n"))
    return checked.render(sample_context(found) if context is None else context)

"""The ``push`` channel of `tasks messages`: due push messages to the customer's device through FCM.

One outbox message per event × contract × reference, as on every channel, pushed to **one** device:
the customer's most recently registered active one. A token FCM no longer knows is deactivated with
the reason and the next active device is tried at once; with none left the message is given up on
push (``falhou``, the reason kept) and goes on the next channel of ``mensagens_canais``. FCM down,
slow, 5xx, 429 or refusing the credentials keeps the batch pending with the reason and the usual
backoff; another refusal counts a try of that message only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from ispdesk.adapters.email_smtp import SendError
from ispdesk.adapters.push_fcm import FcmSender, PushSettings, UnregisteredToken
from ispdesk.domain.statuses import MessageChannel, MessageStatus
from ispdesk.services import messages, push_devices
from ispdesk.services.uow import UnitOfWork

_M = messages._M
NO_DEVICE = "o cliente não tem dispositivo ativo para push"


def send_due_push(uow: UnitOfWork, token: str, at: datetime, values: Mapping[str, Any], tries: int,
                  result: messages.SendResult, order: Sequence[str],
                  stop: Callable[[int], bool] | None = None) -> None:
    """Send the push messages due at `at` (inside `messages.send_due`'s unit of work; adds to `result`)."""
    waiting = uow.session.scalar(select(func.count()).select_from(_M).where(
        _M.c.status == MessageStatus.PENDENTE, _M.c.channel == MessageChannel.PUSH, _M.c.next_attempt_at <= at)) or 0
    if not waiting:
        return
    settings = PushSettings.from_parameters(values)
    problem = settings.problem()
    if problem is not None:
        result.problem = result.problem or problem
        return
    with FcmSender(settings) as sender:
        while True:
            batch = messages._claim(uow, token, at, MessageChannel.PUSH)
            if not batch:
                return
            for n, row in enumerate(batch):
                try:
                    sent, failed = _deliver(uow, sender, token, row, at, tries, order)
                except SendError as exc:  # FCM or the credentials failing: the rest waits for the next run
                    result.failed += messages._record_failure(uow, token, batch[n:], exc.reason, at, tries, order)[1]
                    result.problem = exc.reason
                    return
                result.sent += sent
                result.failed += failed
                if stop is not None and stop(result.sent + result.failed):
                    messages._release(uow, token)
                    result.cancelled = True
                    return


def _deliver(uow: UnitOfWork, sender: FcmSender, token: str, row: Any, at: datetime, tries: int,
             order: Sequence[str]) -> tuple[int, int]:
    """Push one claimed message; (sent, given up).

    Raises:
        SendError: FCM itself is failing (`whole_batch`); nothing recorded for this row yet.
    """
    targets = push_devices.targets(uow.session, row.customer_id)
    uow.session.commit()
    data = {"mensagem_id": str(row.id), "evento": str(row.event)}
    dead: list[str] = []
    for target in targets:
        try:
            sender.send(target.token, row.subject, row.body, data)
        except UnregisteredToken as exc:
            push_devices.deactivate_in(uow, target.device_id, exc.reason)
            uow.commit()
            dead.append(exc.reason)
            continue
        except SendError as exc:
            if exc.whole_batch:
                raise
            return 0, messages._record_failure(uow, token, [row], exc.reason, at, tries, order)[1]
        uow.session.execute(update(_M).where(_M.c.id == row.id, _M.c.claimed_by == token)
                            .values(address=target.label[:255]))
        messages._record_sent(uow, token, row.id, row.reference, at)
        return 1, 0
    reason = f"{NO_DEVICE} ({dead[-1]})" if dead else NO_DEVICE
    # no device left: given up on push at once (no use waiting), on to the next channel
    return 0, messages._record_failure(uow, token, [row], reason, at, 0, order)[1]

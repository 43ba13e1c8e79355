"""The stored vocabularies — statuses and kinds — each value with its Portuguese label beside it.

Every status or kind the database holds is a member of one enum here (access statuses live in
`domain.access`, which re-uses `LabeledEnum`). Members are `str`, so they compare equal to the stored
text and go straight into queries; screens, reports and messages read ``member.label`` or
``Enum.label_of(stored_text)`` — there is no other label table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabeledEnum(StrEnum):
    """A `StrEnum` whose members are declared as ``NAME = ("stored value", "Rótulo")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Any:  # label defaults only so `Enum(value)` type-checks
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """Label of a stored value; an unknown value shows as it is (never raises)."""
        if value is None:
            return ""
        member = cls._value2member_map_.get(value)
        return member.label if isinstance(member, LabeledEnum) else value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(stored value, label)`` pairs in declaration order, for combo boxes and filters."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values in declaration order (for ``argparse`` choices and CHECKs)."""
        return tuple(member.value for member in cls)


class ContractStatus(LabeledEnum):
    """A contract's status (`Contract.status`)."""

    PRE_CONTRATO = ("pre_contrato", "Pré-contrato")
    ATIVO = ("ativo", "Ativo")
    CANCELADO = ("cancelado", "Cancelado")
    NEGATIVADO = ("negativado", "Negativado")


class CustomerStatus(LabeledEnum):
    """A customer's status (`Customer.status`)."""

    ATIVO = ("ativo", "Ativo")
    INATIVO = ("inativo", "Inativo")


class ChargeStatus(LabeledEnum):
    """A charge's status (`Charge.status`); a partly paid charge stays ``aberta``."""

    ABERTA = ("aberta", "Aberta")
    PAGA = ("paga", "Paga")
    CANCELADA = ("cancelada", "Cancelada")


class ChargeReportStatus(LabeledEnum):
    """The situations the charge report filters on: the stored statuses plus *parcial*.

    ``parcial`` is not stored: it names an ``aberta`` charge that has received part of its amount.
    """

    ABERTA = ("aberta", "Aberta")
    PARCIAL = ("parcial", "Parcial")
    PAGA = ("paga", "Paga")
    CANCELADA = ("cancelada", "Cancelada")


class ChargeKind(LabeledEnum):
    """What a charge bills (`Charge.kind`)."""

    MENSALIDADE = ("mensalidade", "Mensalidade")
    AVULSA = ("avulsa", "Avulsa")
    MULTA = ("multa", "Multa")


class PaymentSource(LabeledEnum):
    """Where a payment was recorded from (`Payment.source`)."""

    MANUAL = ("manual", "Manual")
    IMPORTACAO = ("importacao", "Importação")
    PIX = ("pix", "PIX")


class PaymentPart(LabeledEnum):
    """What part of a charge a payment line settled (`PaymentLine.part`)."""

    PRINCIPAL = ("principal", "Principal")
    MULTA = ("multa", "Multa por atraso")
    JUROS = ("juros", "Juros de mora")


class ValueChangeSource(LabeledEnum):
    """What scheduled or applied a contract value change (`ContractValueChange.source`)."""

    REAJUSTE = ("reajuste", "Reajuste")
    PLANO = ("plano", "Alteração de plano")


class DocumentPurpose(LabeledEnum):
    """Why a contract document was generated (`ContractDocument.purpose`)."""

    ASSINATURA = ("assinatura", "Assinatura")
    SEGUNDA_VIA = ("segunda_via", "Segunda via")


class TemplateKind(LabeledEnum):
    """A document template's kind (`DocumentTemplate.kind`)."""

    CONTRATO = ("contrato", "Contrato")
    TERMO = ("termo", "Termo")


class AdjustmentBatchStatus(LabeledEnum):
    """An adjustment batch's status (`AdjustmentBatch.status`)."""

    APLICADO = ("aplicado", "Aplicado")
    DESFEITO = ("desfeito", "Desfeito")


class MessageStatus(LabeledEnum):
    """Where an outbox message is (`OutboxMessage.status`)."""

    PENDENTE = ("pendente", "Pendente")
    ENVIADA = ("enviada", "Enviada")
    FALHOU = ("falhou", "Falhou")
    CARTA = ("carta", "Carta (imprimir)")


class MessageChannel(LabeledEnum):
    """How a message reaches the customer (`OutboxMessage.channel`)."""

    EMAIL = ("email", "E-mail")
    SMS = ("sms", "SMS")
    WHATSAPP = ("whatsapp", "WhatsApp")
    PUSH = ("push", "Notificação push")
    CARTA = ("carta", "Carta")


class DevicePlatform(LabeledEnum):
    """The system of a customer's device registered for push (`PushDevice.platform`)."""

    ANDROID = ("android", "Android")
    IOS = ("ios", "iOS")


class OfflineOpKind(LabeledEnum):
    """What an offline entry creates (`SyncInbox.kind`, the journal's operations)."""

    CUSTOMER = ("customer", "Cliente")
    CONTRACT = ("contract", "Pré-contrato")


class RadiusRequestKind(LabeledEnum):
    """What was asked of a NAS after a commit (`RadiusRequestLog.kind`, RFC 5176)."""

    COA = ("coa", "CoA")
    DISCONNECT = ("disconnect", "Disconnect")


class RadiusRequestResult(LabeledEnum):
    """How the NAS answered (`RadiusRequestLog.result`)."""

    ACK = ("ack", "aceito")
    NAK = ("nak", "recusado")
    SEM_RESPOSTA = ("sem_resposta", "sem resposta")
    SEM_NAS = ("sem_nas", "NAS não cadastrado")

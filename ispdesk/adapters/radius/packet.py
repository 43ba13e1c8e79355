"""The small part of RADIUS ispdesk speaks: CoA / Disconnect requests (RFC 5176, RFC 2865 encoding).

Holds no business rule: `request(...)` builds a signed packet, `send(...)` sends it over UDP with
retries and returns the outcome.
"""

from __future__ import annotations

import hashlib
import os
import socket
import struct
from dataclasses import dataclass

from ispdesk.domain.statuses import RadiusRequestResult

DISCONNECT_REQUEST, DISCONNECT_ACK, DISCONNECT_NAK = 40, 41, 42
COA_REQUEST, COA_ACK, COA_NAK = 43, 44, 45
USER_NAME, NAS_IP_ADDRESS, FRAMED_IP_ADDRESS, VENDOR_SPECIFIC, ACCT_SESSION_ID = 1, 4, 8, 26, 44
ERROR_CAUSE = 101
MIKROTIK = 14988
#: Mikrotik vendor attributes ispdesk sends (dictionary.mikrotik)
MIKROTIK_ATTRS = {"Mikrotik-Rate-Limit": 8, "Mikrotik-Address-List": 19}


def attribute(kind: int, value: bytes) -> bytes:
    """One RFC 2865 attribute (type, length, value)."""
    if len(value) > 253:
        raise ValueError("atributo RADIUS longo demais")
    return struct.pack("!BB", kind, len(value) + 2) + value


def vendor_attribute(vendor: int, kind: int, value: bytes) -> bytes:
    """A Vendor-Specific attribute holding one vendor sub-attribute."""
    return attribute(VENDOR_SPECIFIC, struct.pack("!I", vendor) + struct.pack("!BB", kind, len(value) + 2) + value)


def request(code: int, identifier: int, secret: bytes, attrs: bytes) -> bytes:
    """A signed CoA/Disconnect request: Authenticator = MD5(header + 16 zero octets + attributes + secret)."""
    length = 20 + len(attrs)
    header = struct.pack("!BBH", code, identifier, length)
    auth = hashlib.md5(header + b"\x00" * 16 + attrs + secret).digest()  # noqa: S324 (RFC 5176)
    return header + auth + attrs


def verify_request(packet: bytes, secret: bytes) -> bool:
    """True when `packet`'s Request Authenticator is right for `secret` (what a NAS checks)."""
    return hashlib.md5(packet[:4] + b"\x00" * 16 + packet[20:] + secret).digest() == packet[4:20]  # noqa: S324


def response(code: int, req: bytes, secret: bytes, attrs: bytes = b"") -> bytes:
    """A response to `req`: Authenticator = MD5(header + request authenticator + attributes + secret)."""
    header = struct.pack("!BBH", code, req[1], 20 + len(attrs))
    return header + hashlib.md5(header + req[4:20] + attrs + secret).digest() + attrs  # noqa: S324


def parse_attributes(packet: bytes) -> list[tuple[int, bytes]]:
    """The (type, value) attributes of a packet, vendor attributes as (26, raw)."""
    out, i = [], 20
    while i + 2 <= len(packet):
        kind, length = packet[i], packet[i + 1]
        if length < 2:
            break
        out.append((kind, packet[i + 2:i + length]))
        i += length
    return out


@dataclass(frozen=True)
class Outcome:
    """What the NAS said: ``ack``, ``nak`` or ``sem_resposta``, after `attempts` sends."""

    result: str
    attempts: int
    detail: str = ""


def send(host: str, port: int, secret: str, code: int, attrs: bytes, attempts: int, timeout: float) -> Outcome:
    """Send the request up to `attempts` times, waiting `timeout` seconds for a verified answer each time."""
    key = secret.encode()
    identifier = os.urandom(1)[0]
    packet = request(code, identifier, key, attrs)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        for attempt in range(1, attempts + 1):
            try:
                sock.sendto(packet, (host, port))
                while True:
                    data, _ = sock.recvfrom(4096)
                    if len(data) < 20 or data[1] != identifier:
                        continue
                    if response(data[0], packet, key, data[20:]) != data:
                        return Outcome(RadiusRequestResult.NAK, attempt,
                                       "resposta com autenticador errado (segredo diferente?)")
                    if data[0] in (COA_ACK, DISCONNECT_ACK):
                        return Outcome(RadiusRequestResult.ACK, attempt)
                    cause = next((v for k, v in parse_attributes(data) if k == ERROR_CAUSE), b"")
                    detail = f"Error-Cause {int.from_bytes(cause, 'big')}" if cause else "recusado pelo concentrador"
                    return Outcome(RadiusRequestResult.NAK, attempt, detail)
            except TimeoutError:
                continue
            except OSError as exc:
                return Outcome(RadiusRequestResult.SEM_RESPOSTA, attempt, f"erro de rede: {exc.strerror or exc}")
    return Outcome(RadiusRequestResult.SEM_RESPOSTA, attempts, f"sem resposta após {attempts} tentativas")

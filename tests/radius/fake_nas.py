"""A fake NAS on 127.0.0.1: receives CoA/Disconnect requests, checks them with its own RFC 5176 code, answers."""

from __future__ import annotations

import hashlib
import socket
import struct
import threading


class FakeNas:
    """UDP server on a free loopback port; `answer` False makes it silent (a lost NAS)."""

    def __init__(self, secret: str, answer: bool = True) -> None:
        self.secret = secret.encode()
        self.answer = answer
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[dict[str, object]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            code, ident, length = struct.unpack("!BBH", data[:4])
            expected = hashlib.md5(data[:4] + b"\0" * 16 + data[20:length] + self.secret).digest()  # noqa: S324
            attrs: dict[int, list[bytes]] = {}
            i = 20
            while i < length:
                kind, size = data[i], data[i + 1]
                attrs.setdefault(kind, []).append(data[i + 2:i + size])
                i += size
            vendor = {}
            for raw in attrs.get(26, []):
                vid = struct.unpack("!I", raw[:4])[0]
                vendor[(vid, raw[4])] = raw[6:6 + raw[5] - 2]
            self.received.append({"code": code, "valid": expected == data[4:20],
                                  "user": attrs.get(1, [b""])[0].decode(),
                                  "session": attrs.get(44, [b""])[0].decode(), "vendor": vendor})
            if self.answer and expected == data[4:20]:
                reply_code = code + 1  # 43 → 44 CoA-ACK, 40 → 41 Disconnect-ACK
                header = struct.pack("!BBH", reply_code, ident, 20)
                auth = hashlib.md5(header + data[4:20] + self.secret).digest()  # noqa: S324
                self.sock.sendto(header + auth, peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

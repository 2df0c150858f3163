"""RFC 6455 behaviour of the WebSocket stack, through the diagnostic echo
endpoint (off by default): fragmentation, UTF-8 validation, ping/pong,
reserved bits and opcodes, close handshake."""

import struct
import unittest

import websocket
from websocket import ABNF

from actodo_fixture import SOCKET_TIMEOUT, ActodoTestCase


def raw_frame(fin, rsv, opcode, payload, mask=b"\x01\x02\x03\x04"):
    """A masked client frame, built by hand (also with reserved opcodes)."""
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode,
                  0x80 | len(payload)])
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


def close_code(ws):
    """Reads frames until the server's close frame; returns its code."""
    raw = b""
    ws.sock.settimeout(SOCKET_TIMEOUT)
    # Read the raw bytes: the client library would answer the close itself.
    while True:
        chunk = ws.sock.recv(4096)
        if not chunk:
            break
        raw += chunk
        if len(raw) >= 4 and raw[0] == 0x88:
            break
    if len(raw) < 4 or raw[0] != 0x88:
        return None
    return struct.unpack("!H", raw[2:4])[0]


class EchoTest(ActodoTestCase):
    def connect(self, srv):
        return websocket.create_connection(
            f"ws://127.0.0.1:{srv.port}/diag/ws-echo", timeout=SOCKET_TIMEOUT)

    def test_off_by_default(self):
        srv = self.server()
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            self.connect(srv)
        self.assertEqual(ctx.exception.status_code, 404)

    def test_conformance_basics(self):
        srv = self.server(extra_args=["--ws-echo"])
        ws = self.connect(srv)
        ws.send("héllo")
        self.assertEqual(ws.recv(), "héllo")
        ws.send_binary(b"\x00\xff")
        opcode, data = ws.recv_data()
        self.assertEqual((opcode, data), (ABNF.OPCODE_BINARY, b"\x00\xff"))
        # A message in three fragments comes back as one.
        ws.send_frame(ABNF(0, 0, 0, 0, ABNF.OPCODE_TEXT, 1, "frag"))
        ws.send_frame(ABNF(0, 0, 0, 0, ABNF.OPCODE_CONT, 1, "men"))
        ws.send_frame(ABNF(1, 0, 0, 0, ABNF.OPCODE_CONT, 1, "ted"))
        self.assertEqual(ws.recv(), "fragmented")
        ws.ping("p1")
        opcode, data = ws.recv_data(control_frame=True)
        self.assertEqual((opcode, data), (ABNF.OPCODE_PONG, b"p1"))
        # Clean close handshake.
        ws.send_close(1000, b"bye")
        opcode, data = ws.recv_data(control_frame=True)
        self.assertEqual(opcode, ABNF.OPCODE_CLOSE)
        self.assertEqual(struct.unpack("!H", data[:2])[0], 1000)

    def test_protocol_errors_fail_the_connection(self):
        srv = self.server(extra_args=["--ws-echo"])
        cases = [
            ("invalid UTF-8", raw_frame(1, 0, 0x1, b"\xc3\x28"), 1007),
            ("reserved bit", raw_frame(1, 4, 0x1, b"rsv1"), 1002),
            ("reserved opcode", raw_frame(1, 0, 0x3, b"x"), 1002),
            ("continuation first", raw_frame(1, 0, 0x0, b"x"), 1002),
            ("fragmented ping", raw_frame(0, 0, 0x9, b"x"), 1002),
        ]
        for name, frame, expected in cases:
            with self.subTest(name):
                ws = self.connect(srv)
                ws.sock.sendall(frame)
                self.assertEqual(close_code(ws), expected)
                ws.shutdown()


if __name__ == "__main__":
    unittest.main()

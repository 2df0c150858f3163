"""HTTP and WebSocket helpers of the integration tests: one request on a
fresh connection, raw requests, frames with deadlines, and predicates over
received frames. Every socket has a timeout."""

import collections
import datetime
import http.client
import json
import socket
import time

import websocket

SOCKET_TIMEOUT = 10.0

Response = collections.namedtuple("Response", "status headers body")


def parse_time(text):
    """Parses an RFC 3339 timestamp into an aware datetime."""
    return datetime.datetime.fromisoformat(text.replace("z", "Z"))


def _decode_body(headers, data):
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if data and (ctype == "application/json" or ctype.endswith("+json")):
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return data
    return data


def http_request(port, method, path, body=None, headers=None,
                 timeout=SOCKET_TIMEOUT):
    """One HTTP request on a fresh connection. `body` may be bytes, str or a
    JSON-serialisable object (sent as application/json)."""
    hdrs = dict(headers or {})
    data = body
    if body is not None and not isinstance(body, (bytes, bytearray, str)):
        data = json.dumps(body).encode("utf-8")
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    elif isinstance(body, str):
        data = body.encode("utf-8")
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    elif body is not None and not any(k.lower() == "content-type"
                                      for k in hdrs):
        hdrs["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        out_headers = {}
        for k, v in resp.getheaders():
            k = k.lower()
            out_headers[k] = f"{out_headers[k]}, {v}" if k in out_headers else v
        return Response(resp.status, out_headers,
                        _decode_body(out_headers, raw))
    finally:
        conn.close()


def raw_http(port, head, body=b"", timeout=SOCKET_TIMEOUT):
    """Sends `head` (request line + headers, bytes) and `body` over a raw
    socket, tolerating the server closing early, then parses the response.
    Used where http.client would give up while still sending (413)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(head)
        try:
            view = memoryview(body)
            for i in range(0, len(view), 65536):
                sock.sendall(view[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # The server may answer without reading everything.
        resp = http.client.HTTPResponse(sock, method="POST")
        resp.begin()
        raw = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, headers, _decode_body(headers, raw))
    finally:
        sock.close()


def recv_json(ws, timeout=SOCKET_TIMEOUT):
    """Receives one text frame and parses it as JSON."""
    ws.settimeout(timeout)
    msg = ws.recv()
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8")
    return json.loads(msg)


def recv_until(ws, done, timeout=SOCKET_TIMEOUT, max_frames=10000):
    """Receives frames until `done(frames)` is true; returns all frames.
    Fails when the deadline passes first."""
    deadline = time.monotonic() + timeout
    frames = []
    while not done(frames):
        left = deadline - time.monotonic()
        if left <= 0 or len(frames) >= max_frames:
            raise AssertionError(
                f"deadline passed waiting on websocket; got {frames!r}")
        try:
            frames.append(recv_json(ws, timeout=left))
        except websocket.WebSocketTimeoutException:
            raise AssertionError(
                f"deadline passed waiting on websocket; got {frames!r}")
    return frames


def has_result(request_id):
    return lambda frames: any(f.get("type") == "result"
                              and f.get("request_id") == request_id
                              for f in frames)


def has_event(pred):
    return lambda frames: any(f.get("type") == "event" and pred(f["event"])
                              for f in frames)


def all_of(*preds):
    return lambda frames: all(p(frames) for p in preds)

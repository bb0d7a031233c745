#!/usr/bin/env python3
"""A hostile stand-in for the Click API agent, for clickscript's tests.

It answers every route the same hostile way, chosen with --mode:

  redirect   307 to another host (localhost:SINK, a second listener here),
             with the token in the Location: a client that follows it
             leaks the token (and a login's password) to the sink
  repeat     the same page of 50 groups forever, with total = 10^12
  echo-lie   200 groups in pages of the size asked, but options.pageSize
             says 200 whatever was asked
  cap        1000 groups, at most 25 rows a page whatever was asked (a
             silent cap); options.pageSize echoes the size asked
  huge       a 200 answer of --size bytes (a JSON page with one huge name)
  nulls      data: [null, null]
  escapes    terminal escape sequences, CR and LF in what it says: a GET
             answers a page with one group of that name, any other
             method a 499 whose messages hold them

It binds 127.0.0.1 only, on --port (0: a free port), and prints one line
"READY http://127.0.0.1:PORT" when it accepts requests. GET /__stats
answers the counters as JSON: requests (not counting /__stats), sink_hits
(requests that reached the redirect target) and max_in_flight.
"""

import argparse
import json
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

LOCK = threading.Lock()
STATS = {"requests": 0, "sink_hits": 0, "max_in_flight": 0}
IN_FLIGHT = [0]


def group(i):
    return {"id": "%08d-0000-4000-8000-000000000000" % i, "name": "Group %05d" % i,
            "description": "", "active": True, "deleted": False}


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer without the reverse DNS look-up of its address
    (socket.getfqdn), which can hang on a machine without DNS."""

    daemon_threads = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = ""
    size = 0
    sink = 0

    def log_message(self, *args):  # quiet: the tests read stdout
        pass

    def send(self, status, body, ctype="application/json", headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def query(self):
        q = parse_qs(urlsplit(self.path).query)
        return {k: v[0] for k, v in q.items()}

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if urlsplit(self.path).path == "/__stats":
            with LOCK:
                return self.send(200, json.dumps(STATS))
        with LOCK:
            STATS["requests"] += 1
            IN_FLIGHT[0] += 1
            STATS["max_in_flight"] = max(STATS["max_in_flight"], IN_FLIGHT[0])
        try:
            getattr(self, "mode_" + self.mode.replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a huge answer, as it should
        finally:
            with LOCK:
                IN_FLIGHT[0] -= 1

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def page(self, items, total, page, size_echo):
        return json.dumps({"data": items, "total": total, "options": {"page": page, "pageSize": size_echo}})

    def mode_redirect(self):
        q = self.query()
        # The token the client sent goes along in the query, as a proxy
        # that redirects would pass it on.
        target = "http://localhost:%d/steal?%s" % (self.sink, urlencode({"token": q.get("token", "")}))
        self.send(307, "", headers=[("Location", target)])

    def mode_repeat(self):
        self.send(200, self.page([group(i) for i in range(50)], 10**12, 1, 50))

    def paged(self, n, cap, echo):
        q = self.query()
        page, size = int(q.get("page", 1)), int(q.get("pagesize", 50))
        rows = min(size, cap) if cap else size
        start = (page - 1) * rows
        items = [group(i) for i in range(start, min(start + rows, n))]
        self.send(200, self.page(items, n, page, echo if echo else size))

    def mode_echo_lie(self):
        self.paged(200, 0, 200)

    def mode_cap(self):
        self.paged(1000, 25, 0)

    def mode_huge(self):
        head = b'{"data":[{"id":"00000000-0000-4000-8000-000000000000","name":"'
        tail = b'"}],"total":1}'
        fill = max(self.size - len(head) - len(tail), 0)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(head) + fill + len(tail)))
        self.end_headers()
        self.wfile.write(head)
        chunk = b"x" * (1 << 20)
        while fill > 0:
            n = min(fill, len(chunk))
            self.wfile.write(chunk[:n])
            fill -= n
        self.wfile.write(tail)

    def mode_nulls(self):
        self.send(200, '{"data":[null,null],"total":2,"options":{"page":1,"pageSize":50}}')

    def mode_escapes(self):
        # A window title, a clear screen, then a forged prompt line.
        msg = "\x1b]0;pwned\x07\x1b[2J\r\nfake prompt"
        if self.command == "GET":
            g = dict(group(1), name=msg)
            return self.send(200, self.page([g], 1, 1, 50))
        body = json.dumps({"type": "DEFAULT", "status": 499, "errors": {"DEFAULT": [msg]}})
        self.send(499, body, ctype="application/problem+json", headers=[("error-code", "DEFAULT")])


class Sink(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle_any(self):
        with LOCK:
            STATS["sink_hits"] += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", required=True,
                    choices=["redirect", "repeat", "echo-lie", "cap", "huge", "nulls", "escapes"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--size", type=int, default=8 << 20, help="body size of --mode huge, in bytes")
    a = ap.parse_args()
    sink = Server(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    Handler.mode, Handler.size, Handler.sink = a.mode, a.size, sink.server_address[1]
    srv = Server(("127.0.0.1", a.port), Handler)
    print("READY http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

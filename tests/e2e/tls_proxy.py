#!/usr/bin/env python3
"""For test_https_chat.sh: a TLS terminator in front of flint-backend (the server's side of
https://) and an HTTP CONNECT proxy (every name means 127.0.0.1), both on 127.0.0.1 and free
ports, printed as "listening TLS_PORT PROXY_PORT". Logs "tls up N", "tunnel N <request line>
auth=<Proxy-Authorization or ->" and "closed N" to --log. Relays bytes until either side
closes, then closes both (so the backend sees a cancel when flint closes its connection)."""
import argparse, select, socket, ssl, sys, threading

ap = argparse.ArgumentParser()
ap.add_argument("--backend", type=int, required=True)
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--log", required=True)
args = ap.parse_args()
log_lock = threading.Lock()
counts = {"tls": 0, "tunnel": 0}


def log(line):
    with log_lock, open(args.log, "a") as f:
        f.write(line + "\n")


def relay(a, b, tag):
    try:
        while True:
            r, _, _ = select.select([a, b], [], [])
            for s in r:
                d = s.recv(65536)
                if not d:
                    raise EOFError
                (b if s is a else a).sendall(d)
    except Exception:
        pass
    for s in (a, b):
        try:
            s.close()
        except Exception:
            pass
    log("closed " + tag)


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


tls_ls, proxy_ls = listener(), listener()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)


def serve_tls():
    while True:
        c, _ = tls_ls.accept()
        try:
            t = ctx.wrap_socket(c, server_side=True)
        except Exception as e:
            log("tls failed %s" % e)
            continue
        with log_lock:
            counts["tls"] += 1
            n = counts["tls"]
        log("tls up %d" % n)
        u = socket.create_connection(("127.0.0.1", args.backend))
        threading.Thread(target=relay, args=(t, u, "tls %d" % n), daemon=True).start()


def serve_proxy():
    while True:
        c, _ = proxy_ls.accept()
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d:
                break
            buf += d
        head = buf.split(b"\r\n\r\n")[0].decode(errors="replace").split("\r\n")
        auth = "-"
        for h in head[1:]:
            if h.lower().startswith("proxy-authorization:"):
                auth = h.split(":", 1)[1].strip()
        with log_lock:
            counts["tunnel"] += 1
            n = counts["tunnel"]
        log("tunnel %d %s auth=%s" % (n, head[0], auth))
        port = int(head[0].split()[1].rsplit(":", 1)[1])
        u = socket.create_connection(("127.0.0.1", port))
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=relay, args=(c, u, "tunnel %d" % n), daemon=True).start()


threading.Thread(target=serve_tls, daemon=True).start()
threading.Thread(target=serve_proxy, daemon=True).start()
print("listening %d %d" % (tls_ls.getsockname()[1], proxy_ls.getsockname()[1]), flush=True)
sys.stdin.read()  # until the test closes our stdin (or kills us)

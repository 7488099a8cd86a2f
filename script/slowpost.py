#!/usr/bin/env python3
"""Slow-body probe: N connections each send POST headers announcing a body of
LEN bytes and its first 611 bytes, then trickle one byte every DELAY seconds. Meanwhile, probe the app
once a second: GET /healthz (no database), GET /readyz (both pools), and
POST /login with a complete body (write pool). Prints status and latency."""
import socket, sys, threading, time, http.client

host, port = "127.0.0.1", int(sys.argv[1])
n, length, delay, duration = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
path = sys.argv[6] if len(sys.argv) > 6 else "/login"
opened = []

def slow():
    try:
        s = socket.create_connection((host, port))
    except OSError as e:
        print("connect failed", e); return
    s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {length}\r\n\r\n").encode())
    s.sendall(b"username=x&" + b"a" * 600)  # past Rocket's 512-byte peek, so routing and guards run
    opened.append(s)
    t0 = time.time()
    try:
        s.settimeout(0.01)
        while time.time() - t0 < duration:
            s.sendall(b"a")
            try:
                if s.recv(1):
                    print("slow conn got an answer after %.1fs" % (time.time() - t0)); return
            except socket.timeout:
                pass
            except OSError:
                print("slow conn closed by server after %.1fs" % (time.time() - t0)); return
            time.sleep(delay)
    except OSError as e:
        print("slow conn error after %.1fs: %s" % (time.time() - t0, e))

def probe(method, url, body=None):
    t = time.time()
    try:
        c = http.client.HTTPConnection(host, port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        c.request(method, url, body=body, headers=headers)
        r = c.getresponse(); r.read()
        return "%d in %.0f ms" % (r.status, (time.time() - t) * 1000)
    except Exception as e:
        return "error %s after %.0f ms" % (type(e).__name__, (time.time() - t) * 1000)

threads = [threading.Thread(target=slow, daemon=True) for _ in range(n)]
for t in threads: t.start()
time.sleep(1)
start = time.time()
while time.time() - start < duration - 2:
    print("t=%4.0fs healthz %s | readyz %s | POST /login %s" % (
        time.time() - start, probe("GET", "/healthz"), probe("GET", "/readyz"),
        probe("POST", "/login", "username=x&password=y&csrf_token=z")), flush=True)
    time.sleep(2)

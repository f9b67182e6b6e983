"""The tls-peers group of bench/run: Magnetar's TLS against Netty's, each with the JDK's engine and with a
BoringSSL one (Conscrypt for Magnetar's tls.provider, netty-tcnative for Netty's SslHandler), driven by
tls_load (bench/c/tls_load.c: C, OpenSSL, one thread, epoll), which costs less per message than the JVM
servers, so that the server sets the pace and the client's own CPU shows that it does.

Per round and server: one server process, warmed up --tls-warmup seconds under every kind of load at
once (the JDK's TLS needs 30-40 s to reach full speed), then the echo and handshake rows against it; the
heap and RSS rows on a fresh server of their own (see idle_memory).
"""
import collections
import os
import resource
import subprocess
import sys
import threading
import time

from benchlib import (C_OUT, JVM, build_c, fmt, pinned, print_blocks, ratio, ready, result_line, run_marked,
                      server_cpu_us, spread)

SUITE = "TLS_AES_128_GCM_SHA256"
KEY_EXCHANGE = "X25519"
SERVER_CPU, LOAD_CPU = "1", "0"
IDLE_CONNECTIONS = 2000
IDLE_BEFORE = 200  # opened and closed before the "before" sample: classes, caches and pools settle first

_MAGNETAR = ["io.magnetar.bench.servers.MagnetarEchoServer", "--threads", "1",
             "--tls-keystore", "{keystore}", "--tls-password", "{password}", "--tls-protocols", "TLSv1.3"]
_NETTY = ["io.magnetar.bench.servers.NettyTlsEchoServer", "--threads", "1", "--transport", "epoll",
          "--keystore", "{keystore}", "--password", "{password}", "--protocols", "TLSv1.3"]
# The JDK-engine servers enable only SUITE. BoringSSL (Netty's OpenSSL engine, Conscrypt) cannot restrict
# TLS 1.3 suites (Netty logs that it ignores them; Conscrypt given TLS 1.3 names only fails every handshake),
# so for those the client fixes the suite: tls_load offers SUITE alone and checks what was negotiated.
SERVERS = {
    "magnetar-tls": _MAGNETAR + ["--tls-ciphers", SUITE],
    "magnetar-tls-conscrypt": _MAGNETAR + ["--tls-provider", "Conscrypt"],
    "netty-tls-jdk": _NETTY + ["--provider", "jdk", "--ciphers", SUITE],
    "netty-tls-openssl": _NETTY + ["--provider", "openssl"],
}
# Magnetar vs Netty with the same kind of engine, and the value ratio the issue asks of each.
PAIRS = [("magnetar-tls", "netty-tls-jdk", "jdk", 1.0), ("magnetar-tls-conscrypt", "netty-tls-openssl", "boringssl", 0.9)]

Row = collections.namedtuple("Row", "name mode options metric higher")
_IDLE = ["--connections", str(IDLE_CONNECTIONS), "--inflight", "32", "--size", "64"]
ROWS = [
    Row("TLS echo 16 KiB MB/s (4 conns x 4 in flight)", "echo",
        ["--connections", "4", "--inflight", "4", "--size", "16384"], "mb_per_sec", True),
    Row("TLS echo 1 KiB msgs/s (16 conns x 16 in flight)", "echo",
        ["--connections", "16", "--inflight", "16", "--size", "1024"], "msgs_per_sec", True),
    Row("Full TLS 1.3 handshakes/s (16 at a time)", "full", ["--connections", "16"], "msgs_per_sec", True),
    Row("Resumed TLS 1.3 handshakes/s (16 at a time)", "resumed", ["--connections", "16"], "msgs_per_sec", True),
    Row(f"Heap bytes per idle TLS connection ({IDLE_CONNECTIONS:,} conns)", "idle", _IDLE, "heap_per_conn", False),
    Row(f"RSS bytes per idle TLS connection ({IDLE_CONNECTIONS:,} conns, native too)", "idle", _IDLE,
        "rss_per_conn", False),
]
# While warming up, all at once: (mode, options).
WARM_UP = [("echo", ["--connections", "4", "--inflight", "4", "--size", "16384"]),
           ("echo", ["--connections", "4", "--inflight", "16", "--size", "1024"]),
           ("full", ["--connections", "8"]), ("resumed", ["--connections", "8"])]
TLS_LOAD = os.path.join(C_OUT, "tls_load")


def start(server, cp, cpu, store, password, logs):
    argv = [a.format(keystore=store, password=password) for a in SERVERS[server]]
    log = open(os.path.join(logs, f"{server}.log"), "a")
    proc = subprocess.Popen(pinned(cpu) + JVM + ["-cp", cp] + argv + ["--port", "0"], stdout=subprocess.PIPE,
                            stderr=log, stdin=subprocess.DEVNULL, text=True)
    log.close()
    try:
        return ready(server, proc)
    except RuntimeError as e:
        with open(os.path.join(logs, f"{server}.log")) as f:
            raise RuntimeError(f"{e}\n{f.read()[-2000:]}") from None


def stop(proc):
    proc.kill()
    proc.wait()


def tls_load_cmd(port, mode, options, seconds=0.0, warmup=0.0):
    return pinned(LOAD_CPU) + [TLS_LOAD, "--port", str(port), "--mode", mode, "--seconds", str(seconds),
                               "--warmup", str(warmup), "--ciphersuites", SUITE, "--groups", KEY_EXCHANGE] + options


def warm(port, seconds):
    """Every kind of load at once for `seconds`; what they measure is thrown away."""
    if seconds <= 0:
        return
    procs = [subprocess.Popen(tls_load_cmd(port, mode, options, seconds), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL) for mode, options in WARM_UP]
    for p in procs:
        try:
            p.wait(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def check_tls(stdout):
    """tls_load's TLS line must show TLS 1.3 with SUITE: the comparison is void otherwise."""
    line = next((l for l in stdout.splitlines() if l.startswith("TLS ")), "")
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    if fields.get("protocol") != "TLSv1.3" or fields.get("cipher") != SUITE:
        raise RuntimeError(f"tls_load negotiated {line!r}, not TLSv1.3 with {SUITE}")


def measure(port, mode, options, seconds, warmup, server_pid, notes, server):
    """One tls_load run: its RESULT plus the server's CPU µs per message (or handshake); None when the
    server cannot do it at all (resumption without session tickets)."""
    cmd = tls_load_cmd(port, mode, options, seconds, warmup)
    stdout, stderr, code, marks = run_marked(cmd, server_pid, seconds + warmup + 60)
    if "sent no session ticket" in stderr:
        notes.add(f"{server}: sends no TLS 1.3 session ticket, so no resumption")
        return None
    result = result_line(stdout)
    if code != 0 or result is None:
        raise RuntimeError(f"tls_load {mode} against {server} failed: {stdout} {stderr[-2000:]}")
    check_tls(stdout)
    if result["failed"] or result["not_resumed"]:
        notes.add(f"{server}, {mode}: {result['failed']:.0f} connections failed, "
                  f"{result['not_resumed']:.0f} handshakes not resumed (not counted)")
    result["cpu_us"] = server_cpu_us(marks, result["msgs_per_sec"])
    return result


def live_heap(pid):
    """Bytes of live objects: GC.class_histogram's Total after the full GC it starts. Twice, so that what
    waited for a finalizer or cleaner (Netty's OpenSSL engines) has gone by the second."""
    for _ in range(2):
        out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True,
                             timeout=120).stdout
    total = [l for l in out.splitlines() if l.startswith("Total")]
    if not total:
        raise RuntimeError(f"jcmd GC.class_histogram failed: {out[-500:]}")
    return int(total[-1].split()[2])


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmRSS:"))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def hold(port, connections):
    """tls_load idle: `connections` connections, each a handshake and one 64 B echo, then held until its
    standard input closes. Returns (process, connections held)."""
    options = ["--connections", str(connections), "--inflight", "32", "--size", "64"]
    proc = subprocess.Popen(tls_load_cmd(port, "idle", options), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    killer = threading.Timer(300, proc.kill)  # a server that stops accepting must not hang the run
    killer.start()
    try:
        for line in proc.stdout:
            if line.startswith("HELD "):
                return proc, int(line.split()[1])
    finally:
        killer.cancel()
    proc.wait()
    raise RuntimeError("tls_load idle ended before holding its connections")


def release(proc, server_pid=None, fds_before=0):
    """Ends a hold; with server_pid, waits (10 s at most) until the server has closed its side too."""
    proc.stdin.close()
    proc.wait(timeout=60)
    deadline = time.time() + 10
    while server_pid and open_fds(server_pid) > fds_before and time.time() < deadline:
        time.sleep(0.1)


def idle_memory(server, cp, store, password, logs):
    """Heap and RSS per idle connection, on a fresh server: IDLE_BEFORE connections opened and closed, then
    the live heap after a full GC and the RSS; IDLE_CONNECTIONS connections opened (a handshake and one echo
    each) and held; the same samples again; (after - before) / connections held. The heap is pre-touched
    (-XX:+AlwaysPreTouch), so RSS growth is memory outside the Java heap: native TLS state, direct buffers.
    Whatever a server keeps per session (a session cache) counts too."""
    proc, port = start(server, cp, "", store, password, logs)
    try:
        fds = open_fds(proc.pid)
        warm_up, _ = hold(port, IDLE_BEFORE)
        release(warm_up, proc.pid, fds)
        heap0, rss0 = live_heap(proc.pid), rss(proc.pid)
        client, held = hold(port, IDLE_CONNECTIONS)
        try:
            heap1, rss1 = live_heap(proc.pid), rss(proc.pid)
        finally:
            release(client)
    finally:
        stop(proc)
    if held < IDLE_CONNECTIONS:
        raise RuntimeError(f"{server}: only {held} of {IDLE_CONNECTIONS} idle connections were opened")
    return {"heap_per_conn": (heap1 - heap0) / held, "rss_per_conn": (rss1 - rss0) / held}


def raise_fd_limit():
    """The servers and tls_load inherit it: the idle rows hold IDLE_CONNECTIONS sockets on each side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = IDLE_CONNECTIONS + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))


def run(args, cp, store, password):
    """Runs the group; returns a function that prints its table, or None when it was left out."""
    rows = [r for r in ROWS if args.rows in r.name]
    if not rows:
        return None
    if not build_c([("tls_load", ["-lssl", "-lcrypto"])], "the tls-peers group (needs libssl-dev)"):
        return None
    raise_fd_limit()
    servers = list(SERVERS)
    keys = ("value", "cpu", "load_cpu", "load_busy")
    samples = {(k, r.name, s): [] for k in keys for r in rows for s in servers}
    notes = set()
    configs = []  # (mode, options): one tls_load run per config, the idle one measures two rows
    for r in rows:
        if (r.mode, r.options) not in configs:
            configs.append((r.mode, r.options))
    logs = os.path.dirname(store)  # bench/run's temporary directory: the servers' stderr, shown if one fails
    for rnd in range(args.rounds):
        for server in servers:  # interleaved: one server at a time, every row, then the next server
            results = {}
            loads = [c for c in configs if c[0] != "idle"]
            if loads:
                proc, port = start(server, cp, SERVER_CPU, store, password, logs)
                try:
                    warm(port, args.tls_warmup)
                    for mode, options in loads:
                        results[(mode, tuple(options))] = measure(port, mode, options, args.seconds, args.warmup,
                                                                  proc.pid, notes, server)
                finally:
                    stop(proc)
            for mode, options in configs:
                if mode == "idle":
                    results[(mode, tuple(options))] = idle_memory(server, cp, store, password, logs)
            for r in rows:
                result = results[(r.mode, tuple(r.options))]
                if result is None:
                    continue
                samples[("value", r.name, server)].append(result[r.metric])
                if r.mode != "idle":
                    samples[("cpu", r.name, server)].append(result["cpu_us"])
                    samples[("load_cpu", r.name, server)].append(result["load_cpu_us_per_msg"])
                    samples[("load_busy", r.name, server)].append(result["load_cpu_busy"])
            for (mode, options), result in results.items():
                if result is None:
                    line = "no result"
                elif mode == "idle":
                    line = f"heap {result['heap_per_conn']:.0f} B/conn, RSS {result['rss_per_conn']:.0f} B/conn"
                else:
                    line = (f"{result['msgs_per_sec']:.0f}/s, server CPU {result['cpu_us']:.2f} µs/msg, load CPU "
                            f"{result['load_cpu_us_per_msg']:.2f} µs/msg (busy {result['load_cpu_busy']:.0%})")
                print(f"round {rnd + 1} {server:22s} {mode} {' '.join(options)}: {line}", file=sys.stderr)
    return lambda: print_table(rows, servers, samples, notes, args.tls_warmup)


def print_table(rows, servers, samples, notes, warmup):
    def cells(key):
        return {(r.name, s): spread(samples[(key, r.name, s)]) for r in rows for s in servers}
    value, cpu, load_cpu, busy = cells("value"), cells("cpu"), cells("load_cpu"), cells("load_busy")

    def load_cell(r, s):
        if load_cpu[(r.name, s)][0] != load_cpu[(r.name, s)][0]:
            return "-"
        top = max(samples[("load_busy", r.name, s)])
        return f"{fmt(load_cpu[(r.name, s)][0])} ({busy[(r.name, s)][0]:.0%}){'!' if top >= 0.9 else ''}"

    def ratio_cell(r, a, b, target=None):
        x = ratio(a[(r.name, ref_of[b])][0], a[(r.name, b)][0], r.higher if target is not None else False)
        return f"{x:.2f}{'*' if target is not None and x < target else ''}" if x == x else "-"
    ref_of = {peer: ref for ref, peer, _, _ in PAIRS}
    print(f"tls-peers: TLS 1.3 only, cipher suite fixed to {SUITE} for every server (tls_load offers only it; "
          f"the JDK-engine servers enable only it), key exchange {KEY_EXCHANGE}, server key EC P-256, one event "
          f"loop thread\n(Magnetar hands the JDK engine's handshake tasks to worker threads, on the same CPU), Netty "
          f"on epoll; server pinned to CPU "
          f"{SERVER_CPU}, tls_load to CPU {LOAD_CPU}; every server warmed up {warmup:g} s under load before its "
          f"rows.\nLoad CPU: tls_load's own user+sys µs per message or handshake, median (share of one CPU it "
          f"used); ! = it used 90 % or more in some round: the client may have set the pace, compare the server "
          f"CPU.\nHeap and RSS rows: a fresh server, after a full GC, {IDLE_CONNECTIONS:,} connections held idle "
          f"(handshake + one 64 B echo each) against {IDLE_BEFORE} opened and closed first; RSS is what grew "
          f"outside the pre-touched heap\n(native TLS state, direct buffers, but also JIT and malloc arenas: rough, "
          f"compare rounds).\nRatios Magnetar/Netty (> 1: Magnetar better) for the same kind of "
          f"engine: " + ", ".join(f"{label} = {a} vs {b} (value target >= {t:g})" for a, b, label, t in PAIRS)
          + "; * below target.")
    print_blocks([r.name for r in rows], [
        ("value: median [min..max]", servers, [[value[(r.name, s)][1] for s in servers] for r in rows]),
        ("server CPU µs/msg", servers, [[cpu[(r.name, s)][1] for s in servers] for r in rows]),
        ("load CPU µs/msg (busy)", servers, [[load_cell(r, s) for s in servers] for r in rows]),
        ("value, Magnetar vs Netty", [label for _, _, label, _ in PAIRS],
         [[ratio_cell(r, value, b, t) for _, b, _, t in PAIRS] for r in rows]),
        ("CPU/msg, Magnetar vs Netty", [label for _, _, label, _ in PAIRS],
         [[ratio_cell(r, cpu, b) for _, b, _, _ in PAIRS] for r in rows]),
    ])
    for note in sorted(notes):
        print(f"note: {note}")

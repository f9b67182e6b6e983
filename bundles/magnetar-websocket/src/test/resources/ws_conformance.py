"""Drives a WebSocket echo server with the Python `websockets` library (a client we did not write).

usage: ws_conformance.py URI [CAFILE]
Prints one line per check, "OK <name>" or "FAIL <name>: <why>", and exits 1 if any failed.
"""
import asyncio
import os
import ssl
import sys

import websockets
from websockets.exceptions import ConnectionClosed


async def main(uri, cafile):
    context = None
    if uri.startswith("wss://"):
        context = ssl.create_default_context(cafile=cafile)
        context.check_hostname = False
    failures = 0

    def check(name, ok, why=""):
        nonlocal failures
        print(("OK " if ok else "FAIL ") + name + ("" if ok else ": " + why), flush=True)
        failures += 0 if ok else 1

    # Compression on (the library offers permessage-deflate by default, as browsers do).
    async with websockets.connect(uri, ssl=context, max_size=4 * 1024 * 1024) as ws:
        ext = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        check("permessage-deflate negotiated", "permessage-deflate" in ext, ext)
        await ws.send("hello")
        check("text echo", await ws.recv() == "hello")
        await ws.send(b"\x00\x01\xff")
        check("binary echo", await ws.recv() == b"\x00\x01\xff")
        big = "x" * 200_000 + "é€😀"
        await ws.send(big)
        check("200 KB text echo (compressed, multi-byte UTF-8)", await ws.recv() == big)
        blob = os.urandom(300_000)
        await ws.send(blob)
        check("300 KB random binary echo", await ws.recv() == blob)
        await ws.send(["frag", "men", "ted ☃"])  # sent as fragments
        check("fragmented message echo", await ws.recv() == "fragmented ☃")
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
        check("ping answered with pong", True)
        for i in range(100):
            await ws.send(f"m{i}")
        got = [await ws.recv() for _ in range(100)]
        check("100 pipelined messages in order", got == [f"m{i}" for i in range(100)])
        await ws.close(1000, "done")
        check("close handshake 1000", ws.close_code == 1000, str(ws.close_code))

    # Compression off.
    async with websockets.connect(uri, ssl=context, compression=None) as ws:
        ext = ws.response.headers.get("Sec-WebSocket-Extensions")
        check("no extension when none offered", ext is None, str(ext))
        await ws.send("plain")
        check("uncompressed echo", await ws.recv() == "plain")

    # A message over the server's limit: it closes with 1009.
    async with websockets.connect(uri, ssl=context, compression=None, max_size=None) as ws:
        try:
            await ws.send(b"\x00" * (2 * 1024 * 1024))
            await asyncio.wait_for(ws.recv(), 5)
            check("oversized message closed with 1009", False, "echoed")
        except ConnectionClosed as e:
            code = e.rcvd.code if e.rcvd else None
            check("oversized message closed with 1009", code == 1009, str(code))

    return failures


if __name__ == "__main__":
    failed = asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
    sys.exit(1 if failed else 0)

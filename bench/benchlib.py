"""Helpers shared by bench/run and its groups: paths and JVM flags, building the C programs, starting a
server that prints READY, sampling a process's CPU time, running a load that prints MEASURE lines, and
printing tables of median [min..max] cells."""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
C_OUT = os.path.join(BENCH, "target", "c")
JVM = ["java", "-XX:+UseParallelGC", "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"]
C_FLAGS = ["-O2", "-Wall", "-Wextra"]


def build_c(programs, what):
    """Builds bench/c/<program>.c into bench/target/c/ with the system cc, for each (program, libraries) of
    programs; False (with a notice saying that `what` is left out) when it cannot."""
    cc = shutil.which("cc")
    if not cc:
        print(f"notice: no cc on PATH; {what} is left out", file=sys.stderr)
        return False
    os.makedirs(C_OUT, exist_ok=True)
    for program, libraries in programs:
        source = os.path.join(BENCH, "c", program + ".c")
        binary = os.path.join(C_OUT, program)
        if os.path.exists(binary) and os.path.getmtime(binary) >= os.path.getmtime(source):
            continue
        built = subprocess.run([cc] + C_FLAGS + ["-o", binary, source] + list(libraries),
                               capture_output=True, text=True)
        if built.returncode != 0:
            print(f"notice: cc failed on {source}; {what} is left out:\n{built.stderr}", file=sys.stderr)
            return False
        if built.stderr:
            print(built.stderr, file=sys.stderr)
    return True


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid):
    """pid and its descendants (nginx forks its worker), from /proc/<pid>/task/<tid>/children."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass  # gone, or a kernel without the children file: the process itself still counts
    return pids


def cpu_seconds(pid):
    """utime + stime, in seconds, of the process pid (all its threads) and its descendants.

    Popen's pid is the server's: taskset execs the server, and the java launcher runs the JVM in the
    same process. Resolution is one clock tick (10 ms), under 1 % of a measured second at full load.
    """
    ticks = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after "(comm)", which may hold spaces
            ticks += int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5): utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / CLOCK_TICKS


def pinned(cpu):
    return ["taskset", "-c", cpu] if cpu and shutil.which("taskset") else []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(server, proc):
    """Waits for the server's READY <port> line; returns (proc, port)."""
    line = proc.stdout.readline()
    m = re.match(r"READY (\d+)", line or "")
    if not m:
        proc.kill()
        raise RuntimeError(f"{server} did not start: {line!r}")
    return proc, int(m.group(1))


def run_marked(cmd, server_pid, timeout):
    """Runs a load program that prints "MEASURE start" when its warm-up ends and "MEASURE end" when the
    measured interval does (EchoLoad.mark, tls_load); the server's CPU time is sampled as each line
    arrives. Returns (stdout, stderr, exit code, marks: name -> (monotonic time, server CPU seconds))."""
    marks = {}
    lines = []
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            for line in proc.stdout:
                if line.startswith("MEASURE "):
                    marks[line.split()[1]] = (time.monotonic(), cpu_seconds(server_pid))
                lines.append(line)
            proc.wait()
        finally:
            killer.cancel()
        err.seek(0)
        return "".join(lines), err.read(), proc.returncode, marks


def result_line(stdout):
    """The RESULT k=v ... line as floats, or None."""
    m = re.search(r"RESULT (.*)", stdout)
    if not m:
        return None
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def server_cpu_us(marks, per_second):
    """Server CPU µs per message from the MEASURE samples: (CPU seconds / wall seconds between the two
    samples) / the messages per second the load measured; the same delay to read either line cancels."""
    if "start" not in marks or "end" not in marks or not per_second > 0:
        return float("nan")
    (t0, c0), (t1, c1) = marks["start"], marks["end"]
    return (c1 - c0) / (t1 - t0) / per_second * 1e6


def fmt(v):
    """A number in about four significant digits: 412.3k, 1.25M, 37.1, 2.41."""
    if v != v:
        return "-"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.2f}M"
    if a >= 1e4:
        return f"{v / 1e3:.1f}k"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def spread(values):
    """(median, "median [min..max]") of the rounds' values, NaNs (no such number) left out."""
    values = [v for v in values if v == v]
    if not values:
        return float("nan"), "-"
    med = statistics.median(values)
    if len(values) == 1:
        return med, fmt(med)
    return med, f"{fmt(med)} [{fmt(min(values))}..{fmt(max(values))}]"


def ratio(ref, other, higher):
    """> 1 when ref is better: ref/other when higher is better, other/ref when lower is."""
    if higher:
        return ref / other if other else float("nan")
    return other / ref if ref else float("nan")


def print_blocks(row_names, blocks):
    """A table: the row names, then blocks of columns, each (label, headers, cells per row), the label
    centred in a dashed rule over its columns."""
    headers = ["row"] + [h for _, hs, _ in blocks for h in hs]
    lines = [[name] + [cell for _, _, cells in blocks for cell in cells[i]] for i, name in enumerate(row_names)]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    gap = "  "
    top, col = [" " * widths[0]], 1
    for label, hs, _ in blocks:
        span = len(hs)
        width = sum(widths[col:col + span]) + len(gap) * (span - 1)
        top.append(f" {label} ".center(width, "-") if len(label) + 4 <= width else label.ljust(width))
        col += span
    print(gap.join(top))
    print(gap.join([headers[0].ljust(widths[0])] + [h.rjust(w) for h, w in zip(headers[1:], widths[1:])]))
    for line in lines:
        print(gap.join([line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]))

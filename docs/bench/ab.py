#!/usr/bin/env python3
"""Interleaved A/B runs of echo servers under one load generator.

docs/PERFORMANCE.md quotes its output. Every server is started once and
stays up; each round runs every test on every server back to back, the
order rotated per test and round, so the servers of one test are measured
seconds apart and a ratio is taken within each round. The summary gives,
per test, each server's ratio to the first one: the median over rounds
and the range (min-max).

    python3 docs/bench/ab.py --loadgen /path/to/loadgen --rounds 6 \
        --out docs/bench/ab-NAME \
        py='sockplay run bench/echo_server {port}' \
        ls='sockplay run bench/luasocket_echo_server {port}'
    python3 docs/bench/ab.py --summary docs/bench/ab-NAME.jsonl   # its .md again

The load generator is the benchmark harness's (see docs/PERFORMANCE.md):
it takes -proto, -addr, -mode, -c, -size, -d, -warmup, -pid, -label and
prints one JSON line with ops_per_s (MB/s in bulk mode: mb_per_s).
Loopback only. The tests of one run speak one protocol (the udp_ ones
UDP), which the servers are probed with.
"""

import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

TESTS = [
    ("pp64_c1", ["-mode", "pingpong", "-c", "1", "-size", "64"]),
    ("pp64_c50", ["-mode", "pingpong", "-c", "50", "-size", "64"]),
    ("pp64_c500", ["-mode", "pingpong", "-c", "500", "-size", "64"]),
    ("bulk64k_c4", ["-mode", "bulk", "-c", "4", "-size", "65536"]),
    ("connect_c10", ["-mode", "connect", "-c", "10", "-size", "64"]),
    ("udp_pp64_c1", ["-proto", "udp", "-mode", "pingpong", "-c", "1", "-size", "64"]),
    ("udp_pp64_c50", ["-proto", "udp", "-mode", "pingpong", "-c", "50", "-size", "64"]),
]


def proto(args):
    """The protocol a test's load generator arguments name (tcp unless -proto)."""
    return args[args.index("-proto") + 1] if "-proto" in args else "tcp"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rate(rec):
    for k in ("mb_per_s", "ops_per_s"):
        if k in rec:
            return rec[k]
    return None


def resummarise(jsonl):
    """--summary FILE.jsonl: the .md of an existing run, again."""
    results, cpu, names, tests_seen, rounds = {}, {}, [], [], 0
    meta = None
    for line in open(jsonl):
        rec = json.loads(line)
        if rec.get("label") == "_meta":
            meta = rec
            names = list(rec["servers"])
            continue
        name, test = rec["label"].split("/")
        rnd = rec["round"] - 1
        rounds = max(rounds, rnd + 1)
        if test not in tests_seen:
            tests_seen.append(test)
        results[(test, rnd, name)] = rate(rec)
        cpu[(test, rnd, name)] = rec.get("server_cpu_pct", 0) / 100 / rate(rec)
    tests = [t for t in TESTS if t[0] in tests_seen]
    write_summary(jsonl[:-len(".jsonl")] + ".md", meta, names, tests, rounds, results, cpu)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        return resummarise(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--dur", default="3s")
    ap.add_argument("--warmup", default="0.5s")
    ap.add_argument("--tests", default=",".join(t for t, _ in TESTS))
    ap.add_argument("--out", required=True, help="path prefix of the .jsonl and .md written")
    ap.add_argument("servers", nargs="+", help="NAME='command with {port}'")
    a = ap.parse_args()
    tests = [t for t in TESTS if t[0] in a.tests.split(",")]
    protos = {proto(args) for _, args in tests}
    if len(protos) != 1:
        sys.exit(f"--tests mixes protocols ({', '.join(sorted(protos))}): the servers speak one")
    names, procs, ports = [], {}, {}
    jl = open(a.out + ".jsonl", "w")
    meta = {"label": "_meta", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rounds": a.rounds, "dur": a.dur, "warmup": a.warmup, "servers": {}}
    try:
        for spec in a.servers:
            name, cmd = spec.split("=", 1)
            port = free_port()
            argv = shlex.split(cmd.format(port=port))
            env = dict(os.environ)
            # NAME='ENV=VALUE ... command': leading assignments are its environment
            while argv and "=" in argv[0] and not argv[0].startswith("/"):
                k, v = argv.pop(0).split("=", 1)
                env[k] = v
            procs[name] = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ports[name] = port
            names.append(name)
            meta["servers"][name] = cmd
            r = subprocess.run([a.loadgen, "-proto", *protos, "-addr", f"127.0.0.1:{port}", "-mode", "probe", "-d", "10s"],
                               capture_output=True)
            if r.returncode != 0:
                sys.exit(f"{name} did not echo: {r.stderr.decode()}")
        jl.write(json.dumps(meta) + "\n")
        results = {}  # (test, round, name) -> rate
        cpu = {}  # (test, round, name) -> server CPU seconds per op (per MB in bulk)
        for rnd in range(a.rounds):
            for ti, (test, args) in enumerate(tests):
                n = len(names)
                for i in range(n):
                    name = names[(i + rnd + ti) % n]
                    out = subprocess.run([a.loadgen, "-label", f"{name}/{test}", "-addr",
                                          f"127.0.0.1:{ports[name]}", *args, "-d", a.dur,
                                          "-warmup", a.warmup, "-pid", str(procs[name].pid)],
                                         capture_output=True, text=True)
                    line = out.stdout.strip()
                    if not line.startswith("{"):
                        print(f"no result for {name}/{test}: {out.stderr}", file=sys.stderr)
                        continue
                    rec = json.loads(line)
                    rec["round"] = rnd + 1
                    jl.write(json.dumps(rec) + "\n")
                    jl.flush()
                    results[(test, rnd, name)] = rate(rec)
                    cpu[(test, rnd, name)] = rec.get("server_cpu_pct", 0) / 100 / rate(rec)
                    print(out.stderr.strip(), f"[{name} round {rnd + 1}]", file=sys.stderr)
    finally:
        for p in procs.values():
            p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        jl.close()
    write_summary(a.out + ".md", meta, names, tests, a.rounds, results, cpu)


def ratio_cells(names, tests, rounds, values):
    """Per test: each server's ratio to the first, within each round."""
    base, rows = names[0], {}
    for test, _ in tests:
        ratios, per_round = [], []
        for n in names[1:]:
            rs = [values[(test, r, n)] / values[(test, r, base)] for r in range(rounds)
                  if (test, r, n) in values and (test, r, base) in values and values[(test, r, base)]]
            if rs:
                ratios.append(f"**{statistics.median(rs):.2f}** ({min(rs):.2f}–{max(rs):.2f})")
                per_round.append(" ".join(f"{x:.2f}" for x in rs))
            else:
                ratios.append("–")
        rows[test] = (ratios, per_round)
    return rows


def write_summary(path, meta, names, tests, rounds, results, cpu):
    base = names[0]
    lines = [f"# A/B run {meta['date']}", "",
             f"{rounds} rounds, {meta['dur']} per test after {meta['warmup']} warm-up; "
             "servers (each started once):", ""]
    lines += [f"- `{n}`: `{meta['servers'][n]}`" for n in names]
    def table(intro, head, values, cell):
        # One table: each server's median value, then the ratios to base.
        nonlocal lines
        lines += ["", intro, "",
                  "| test | " + " | ".join(f"{n} {head}" for n in names) + " | " +
                  " | ".join(f"{n}/{base}" for n in names[1:]) + " | rounds |",
                  "|---" * (len(names) * 2) + "|---|"]
        rows = ratio_cells(names, tests, rounds, values)
        for test, _ in tests:
            med = []
            for n in names:
                v = [values[(test, r, n)] for r in range(rounds) if (test, r, n) in values]
                med.append(cell(statistics.median(v)) if v else "–")
            ratios, per_round = rows[test]
            lines.append(f"| {test} | " + " | ".join(med) + " | " + " | ".join(ratios) +
                         " | " + "; ".join(per_round) + " |")

    table(f"Ratio to `{base}` within each round: median (min–max), then each round's.",
          "median rate", results, lambda m: f"{m:,.0f}")
    # Server CPU per op: what each server spends on the same work, which
    # the other loads of a shared machine move less than the rates.
    table("Server CPU time per op (µs; bulk: per MB), and its ratio to "
          f"`{base}` within each round: median (min–max), then each round's.",
          "median", cpu, lambda m: f"{m * 1e6:.1f}")
    open(path, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

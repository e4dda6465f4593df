#!/usr/bin/env python3
"""Small helpers for bench/run.sh (argv rewriting, progress-trace analysis,
medians, the figures table). Standard library only."""

import json
import shlex
import sys


def cmd_argv(args):
    """argv COMMAND [--after FLAG VALUE]... [--replace OLD NEW]...

    Parses the shell-quoted command the engine displays, drops the
    `PGPASSFILE=<temporary password file>` prefix (other VAR=value prefixes
    are kept, through `env`), replaces the value after FLAG (also
    `FLAG=value`), replaces whole tokens equal to OLD, and prints the argv
    NUL-separated for `mapfile -d ''`."""
    tokens = shlex.split(args[0])
    after, replace = {}, {}
    i = 1
    while i < len(args):
        if args[i] == "--after":
            after[args[i + 1]] = args[i + 2]
            i += 3
        elif args[i] == "--replace":
            replace[args[i + 1]] = args[i + 2]
            i += 3
        else:
            sys.exit(f"argv: unknown option {args[i]}")
    env = []
    while tokens and "=" in tokens[0] and not tokens[0].startswith("-") and "/" not in tokens[0].split("=", 1)[0]:
        name, value = tokens.pop(0).split("=", 1)
        if name != "PGPASSFILE":
            env.append(f"{name}={value}")
    out, seen = [], set()
    j = 0
    while j < len(tokens):
        t = tokens[j]
        if t in after and j + 1 < len(tokens):
            out += [t, after[t]]
            seen.add(t)
            j += 2
            continue
        flag = t.split("=", 1)[0]
        if "=" in t and flag in after and flag.startswith("--"):
            out.append(f"{flag}={after[flag]}")
            seen.add(flag)
            j += 1
            continue
        out.append(replace.get(t, t))
        j += 1
    missing = set(after) - seen
    if missing:
        sys.exit(f"argv: flag(s) {sorted(missing)} not found in: {args[0]}")
    if env:
        out = ["env"] + env + out
    sys.stdout.write("\0".join(out) + "\0")


def load_trace(path):
    points = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                e = json.loads(line)
                points.append((float(e["t_ms"]), float(e["percent"])))
    points.sort()
    return points


def reported_at(points, t):
    """Reported percent at time t, linearly interpolated between events
    (with an implicit 0 % at t = 0; after the last event, its value)."""
    prev_t, prev_p = 0.0, 0.0
    for pt, pp in points:
        if pt >= t:
            if pt == prev_t:
                return pp
            return prev_p + (pp - prev_p) * (t - prev_t) / (pt - prev_t)
        prev_t, prev_p = pt, pp
    return prev_p


def cmd_gaps(args):
    """gaps TRACE DURATION_MS -> JSON: reported percent and gap at 25/50/75 %
    of the job's duration, their max, event count and events per second."""
    path, duration = args[0], float(args[1])
    points = load_trace(path)
    if duration <= 0 and points:
        duration = points[-1][0]
    result = {"events": len(points), "durationMs": duration}
    result["eventsPerSecond"] = round(len(points) / (duration / 1000.0), 2) if duration > 0 else None
    rows = []
    for frac in (0.25, 0.50, 0.75):
        rep = reported_at(points, frac * duration)
        rows.append({"true": frac * 100, "reported": round(rep, 1), "gap": round(abs(rep - frac * 100), 1)})
    result["at"] = rows
    result["maxGap"] = max(r["gap"] for r in rows)
    result["lastPercent"] = points[-1][1] if points else None
    print(json.dumps(result))


def cmd_median(args):
    vals = sorted(float(a) for a in args)
    n = len(vals)
    m = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
    print(f"{m:.0f}" if m == int(m) else f"{m:.3f}")


def cmd_calc(args):
    """calc EXPR FORMAT: prints a number (e.g. a ratio) formatted."""
    value = eval(args[0], {"__builtins__": {}}, {"max": max, "min": min, "abs": abs})  # noqa: S307 (our own figures)
    fmt = args[1] if len(args) > 1 else ".3f"
    print(str(value) if isinstance(value, bool) or fmt == "s" else format(value, fmt))


def read_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                parts = line.split("\t")
                rows.append((parts + [""] * 5)[:5])
    return rows


def cmd_table(args):
    """table ROWS.tsv [--md]: rows are section, figure, value, target, verdict."""
    rows = read_rows(args[0])
    head = ("", "figure", "value", "target", "")
    if len(args) > 1 and args[1] == "--md":
        print("| | figure | value | target | |")
        print("|---|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
        return
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(line)
    print("| " + " | ".join(head[i].ljust(widths[i]) for i in range(5)) + " |")
    print(line)
    section = None
    for r in rows:
        if section is not None and r[0] != section:
            print(line)
        shown = list(r)
        if r[0] == section:
            shown[0] = ""
        section = r[0]
        print("| " + " | ".join(shown[i].ljust(widths[i]) for i in range(5)) + " |")
    print(line)


def _proc_table():
    """pid -> (ppid, utime+stime ticks) for every process."""
    import os
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        rest = raw[raw.rindex(")") + 2:].split()
        table[int(name)] = (int(rest[1]), int(rest[11]) + int(rest[12]))
    return table


def cmd_monitor(args):
    """monitor OUTFILE SCRIPT_PID [PIDFILE...]: every 0.5 s, adds up the CPU
    time of processes outside the benchmark (not descended from SCRIPT_PID or
    from the pid on the first line of a PIDFILE, not kernel threads) and writes
    the running total in seconds to OUTFILE. Ends with SCRIPT_PID."""
    import os
    import time
    out, script = args[0], int(args[1])
    pidfiles = args[2:]
    hz = os.sysconf("SC_CLK_TCK")
    last, foreign = {}, 0
    while os.path.exists(f"/proc/{script}"):
        roots = {script, os.getpid()}
        for pf in pidfiles:
            try:
                with open(pf) as f:
                    roots.add(int(f.readline().strip()))
            except (OSError, ValueError):
                pass
        table = _proc_table()

        def ours(pid):
            seen = 0
            while pid > 1 and seen < 64:
                if pid in roots or pid == 2:
                    return True
                pid = table.get(pid, (0, 0))[0]
                seen += 1
            return False

        for pid, (ppid, ticks) in table.items():
            if pid in last and not ours(pid):
                foreign += max(0, ticks - last[pid])
        last = {pid: ticks for pid, (ppid, ticks) in table.items()}
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{foreign / hz:.1f}\n")
        os.replace(tmp, out)
        time.sleep(0.5)


if __name__ == "__main__":
    commands = {"monitor": cmd_monitor, "argv": cmd_argv, "gaps": cmd_gaps, "median": cmd_median, "calc": cmd_calc, "table": cmd_table}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: helpers.py {{{'|'.join(commands)}}} ...")
    commands[sys.argv[1]](sys.argv[2:])

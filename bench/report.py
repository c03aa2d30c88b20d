"""Turns the results of bench/run.sh into a Markdown page.

Usage: python3 bench/report.py target/bench > target/bench/results.md
"""

import json
import os
import platform
import sys
from pathlib import Path


def load(work, name):
    return json.loads((work / name).read_text())


def results(work, name):
    return {row["command"]: row for row in load(work, name)["results"]}


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def rss(work, name):
    path = work / f"rss-{name}.txt"
    return f"{int(path.read_text().split()[-1]) / 1024:.1f} MiB"


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return (
        f"{os.cpu_count()} cores ({model}), {int(memory) // (1024 * 1024)} GiB RAM, "
        f"Linux {platform.release()}, Python {platform.python_version()}"
    )


def event_table(work):
    rows = results(work, "event.json")
    shell = rows["sh -c true"]["median"]
    hook = rows["hook-runner, cached Rust hook"]["median"]
    memory = {
        "hook-runner, cached Rust hook": rss(work, "hook"),
        "Python stdlib script": rss(work, "python"),
        "Perl script": rss(work, "perl"),
    }
    lines = [
        "| command | median | min | vs `sh -c true` | vs hook-runner | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {ms(row['median'])} | {ms(row['min'])} "
            f"| {row['median'] / shell:.1f}x | {row['median'] / hook:.1f}x "
            f"| {memory.get(name, '-')} |"
        )
    return "\n".join(lines), rows


def size_table(work):
    rows = results(work, "size.json")
    base = rows["10 access requests"]["median"]
    lines = ["| ticket | median | min | vs 10 requests |", "|---|---|---|---|"]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {ms(row['median'])} | {ms(row['min'])} | {row['median'] / base:.1f}x |"
        )
    return "\n".join(lines), rows


def main():
    work = Path(sys.argv[1])
    event, event_rows = event_table(work)
    size, _ = size_table(work)
    first = next(iter(results(work, "first-run.json").values()))
    burst = load(work, "burst.json")
    hook = event_rows["hook-runner, cached Rust hook"]["median"]
    shell = event_rows["sh -c true"]["median"]
    python = event_rows["Python stdlib script"]["median"]
    print(f"""## Machine

{machine()}

## One event, end to end

Each command handles one ADVANCE event on ticket 1001 as SecureChange runs
it: a new process, `SCW_EVENT` set, `<ticket_info>` on standard input. The
scripts and the hook read the ticket from the emulator over HTTP, score its
access requests and write three fields and a comment back.

{event}

Targets: hook-runner within 3x of `sh -c true` (measured
{hook / shell:.1f}x) and at least 10x faster than the Python script
(measured {python / hook:.1f}x).

## First run

The first event after an install compiles the component and stores it in
the cache: {ms(first['median'])} median over {len(first['times'])} runs
(peak RSS {rss(work, 'first-run')}). `hook-runner compile` does this at
install time instead.

## Ticket size

{size}

Peak RSS with 1,000 access requests: {rss(work, '1000')}.

## 50 processes at once on a cold cache

{burst['processes']} hook-runner processes started together with an empty
cache: {burst['failed']} failed, {burst['compiles']} compiled the component,
the others waited for it and mapped the stored entry. All ran on ticket
1001, which then had {burst['comments']} comments (one per run); {burst['entries']}
entry and {burst['partial_files']} partial files were left, all done in
{burst['milliseconds']} ms. The next run {burst['next_run']}.
""")


if __name__ == "__main__":
    main()

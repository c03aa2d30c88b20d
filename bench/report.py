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


def first_run_rss(work, name):
    """Return the largest peak RSS that GNU time appended for the first runs
    of `name`, one line per run (other lines report a failed run)."""
    path = work / f"rss-first-run-{name}.txt"
    kib = [int(line) for line in path.read_text().split() if line.isdigit()]
    return f"{max(kib) / 1024:.1f} MiB" if kib else "-"


def polyglot_table(rows, baseline, native, memory):
    """Return a Markdown table of `rows` with ratios to the commands named
    `baseline` and `native`. A ratio above 1.0x is slower than that command."""
    lines = [
        f"| command | median | min | vs `{baseline}` | vs native script | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {ms(row['median'])} | {ms(row['min'])} "
            f"| {row['median'] / rows[baseline]['median']:.2f}x "
            f"| {row['median'] / rows[native]['median']:.2f}x "
            f"| {memory.get(name, '-')} |"
        )
    return "\n".join(lines)


def target_verdict(hook, reference):
    """Describe whether the median `hook` is below the median `reference`,
    and by how much."""
    gap = reference - hook
    if gap > 0:
        return f"met: {ms(gap)} faster, {reference / hook:.2f}x"
    return f"not met: {ms(-gap)} slower, {hook / reference:.2f}x the time"


def polyglot_section(work):
    """Return the section on the Python and JavaScript example hooks."""
    python_rows = results(work, "python-event.json")
    js_rows = results(work, "js-event.json")
    components = load(work, "polyglot/components.json")
    python = polyglot_table(
        python_rows,
        "python3 -c pass",
        "python3 vuln_check_native.py",
        {
            "python3 -c pass": rss(work, "python_empty"),
            "hook-runner, cached vuln-check": rss(work, "vuln_hook"),
            "python3 vuln_check_native.py": rss(work, "vuln_native"),
        },
    )
    javascript = polyglot_table(
        js_rows,
        "node -e 0",
        "node kpi_export_native.js",
        {
            "node -e 0": rss(work, "node_empty"),
            "hook-runner, cached kpi-export": rss(work, "kpi_hook"),
            "hook-runner, cached justification-check": rss(work, "justification_hook"),
            "node kpi_export_native.js": rss(work, "kpi_native"),
        },
    )

    first_lines = [
        "| component | built with | size | median | min | runs | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, component in components.items():
        row = next(iter(results(work, f"first-run-{name}.json").values()))
        first_lines.append(
            f"| {name} | {component['tool']} | {component['bytes'] / 1e6:.1f} MB "
            f"| {row['median']:.1f} s | {row['min']:.1f} s | {len(row['times'])} "
            f"| {first_run_rss(work, name)} |"
        )
    first_run = "\n".join(first_lines)

    vuln = python_rows["hook-runner, cached vuln-check"]["median"]
    vuln_native = python_rows["python3 vuln_check_native.py"]["median"]
    node_empty = js_rows["node -e 0"]["median"]
    kpi = js_rows["hook-runner, cached kpi-export"]["median"]
    justification = js_rows["hook-runner, cached justification-check"]["median"]
    return f"""## Python and JavaScript hooks

Each command handles one event as SecureChange runs it, against the
emulator and bench/services.py (a scanner and a KPI collector on
127.0.0.1). The hooks run from the compile cache that `hook-runner compile`
filled. The native scripts do the same work in python3 and node, and
bench/check_polyglot_twins.sh checks that they write the same fields and
comments and post the same JSON as the hooks.

- vuln-check (Python, componentize-py) on ticket 1004's ADVANCE: reads the
  ticket, sends 4 GET requests to the scanner, writes one field and adds a
  comment. Every run starts with an empty outbox, because a re-run of the
  same event would find its entry there and write nothing.
- kpi-export (JavaScript, componentize-js) on ticket 1002's CLOSE: reads
  the ticket and POSTs a JSON summary to the collector.
- justification-check (JavaScript, componentize-qjs) on ticket 1001's
  ADVANCE: reads the ticket; its justification is long enough, so it
  writes nothing.

A ratio is the command's median divided by the median of the command it
is compared with, so a ratio below 1.00x is faster.

{python}

{javascript}

Targets, on medians:

- Python hook faster than python3 running the same logic (vuln-check
  against vuln_check_native.py): {target_verdict(vuln, vuln_native)}.
- JavaScript hook faster than `node -e 0`: kpi-export
  {target_verdict(kpi, node_empty)}; justification-check
  {target_verdict(justification, node_empty)}.

### First run

The first event after an install compiles the component. Each run below
starts with an empty cache for that component, and GNU time reports the
largest peak RSS of the runs. `hook-runner compile` does this at install
time instead.

{first_run}
"""


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
the others waited for it and mapped the stored entry. All ran the same
event on ticket 1001 and shared one outbox, so one run should write the
event's comment and the others find its entry: the ticket then had
{burst['comments']} comment(s). {burst['entries']} entry and
{burst['partial_files']} partial files were left in the cache, all done in
{burst['milliseconds']} ms. The next run {burst['next_run']}.
""")
    print(polyglot_section(work))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Benchmarks hook-runner as SecureChange runs it: one whole process per event.
#
#   bash bench/run.sh            # writes target/bench/results.md
#
# Builds release binaries, starts the SecureChange API emulator on 127.0.0.1,
# then times with hyperfine, side by side in one run:
#   - the cached Rust example hook end to end, against `sh -c true` and the
#     same logic as a Python stdlib script and a Perl script;
#   - the first run, which compiles the component;
#   - peak memory (RSS) of each;
#   - tickets with 10, 100 and 1,000 access requests;
#   - 50 processes started at once on a cold cache;
#   - the Python and JavaScript example hooks (guests/vuln-check,
#     guests/kpi-export, guests/justification-check) cached, against python3
#     and node running the same logic natively (bench/vuln_check_native.py,
#     bench/kpi_export_native.js) and against `python3 -c pass` and
#     `node -e 0`, with each component's first run (which compiles it) and
#     peak memory. bench/services.py serves the scanner and KPI collector
#     that they call, on 127.0.0.1.
# BENCH_RUNS (default 30) sets the timed runs per command, BENCH_COMPILE_RUNS
# (default 2) the first runs per Python or JavaScript component, each of
# which compiles for 15-60 s.
# BENCHMARKS.md holds the results of a run with the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$repo/target/bench
runs=${BENCH_RUNS:-30}
compile_runs=${BENCH_COMPILE_RUNS:-2}

if ! command -v hyperfine > /dev/null; then
    echo "== installing hyperfine (Debian package)"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine > /dev/null; else sudo apt-get install -y -q hyperfine > /dev/null; fi
fi

echo "== building release binaries and the example hook"
cargo build -q --release -p hook-runner -p scw-emulator
make -s guests
make -s polyglot-guests
hook_runner=$repo/target/release/hook-runner
component=$repo/target/guests/wasm32-wasip2/guest/risk_scorer.wasm

rm -rf "$work"
mkdir -p "$work/data"
cp tests/fixtures/tickets/*.xml "$work/data/"
for size in 10 100 1000; do
    id=$((20000 + size))
    python3 bench/make_ticket.py "$size" "$id" "$work/data/$id.xml"
    sed "s|<id>1001</id>|<id>$id</id>|" tests/fixtures/ticket_info/advance-1001.xml > "$work/advance-$size.xml"
done

source tests/emulator/scripts/servers.sh
start_emulator "$repo/target/release/scw-emulator" "$work/data" bench bench-password "$work/emulator"

cat > "$work/hook-runner.toml" <<TOML
[api]
url = "$url"
username = "bench"
password_env = "SC_PASSWORD"

[cache]
dir = "cache"

[[hook]]
name = "risk-scorer"
component = "$component"
policy = "$repo/guests/risk-scorer/policy.toml"
events = ["ADVANCE"]

[hook.config]
level_field = "Risk Level"
TOML

export SCW_EVENT=ADVANCE SC_URL=$url SC_USER=bench SC_PASSWORD=bench-password
export HOOK_RUNNER_CONFIG=$work/hook-runner.toml HOOK_RUNNER_LOG=warn
ticket_info=$repo/tests/fixtures/ticket_info/advance-1001.xml
"$hook_runner" compile > /dev/null

# Every command runs through `sh -c 'exec ...'`, as the baseline does, and
# every timed run starts from the loaded tickets: comments would otherwise
# pile up on ticket 1001 and slow later commands.
# The system's interpreter, as on a SecureChange server, else the one on
# PATH. Never a version manager's wrapper script: a pyenv shim adds about
# 100 ms to every start.
if [ -x /usr/bin/python3 ]; then python_bin=/usr/bin/python3; else python_bin=$(python3 -c 'import sys; print(sys.executable)'); fi
hook="exec $hook_runner < $ticket_info"
python="exec $python_bin $repo/bench/risk_scorer.py < $ticket_info"
perl="exec perl $repo/bench/risk_scorer.pl < $ticket_info"
# The reset also deletes the outboxes: a run of an event that an earlier
# run delivered finds its entry there and writes nothing again.
cat > "$work/reset.sh" <<SH
rm -f "$work"/hook-runner-outbox.sqlite* "$work"/polyglot/*-outbox.sqlite*
curl -sf -X POST "$url/emulator/reset"
SH
reset="sh $work/reset.sh"

echo "== one event, cached hook against the scripts admins write today"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/event.json" --prepare "$reset" \
    -n "sh -c true" "sh -c true" \
    -n "hook-runner, cached Rust hook" "sh -c '$hook'" \
    -n "Python stdlib script" "sh -c '$python'" \
    -n "Perl script" "sh -c '$perl'"

echo "== first run: compiling the component"
hyperfine -N --runs 5 --export-json "$work/first-run.json" \
    --prepare "sh -c 'rm -rf $work/cache && $reset'" \
    -n "hook-runner, first run (compiles)" "sh -c '$hook'"
"$hook_runner" compile > /dev/null

echo "== peak memory"
for name in hook python perl; do
    $reset
    /usr/bin/time -f "%M" -o "$work/rss-$name.txt" sh -c "${!name}" > /dev/null 2>&1
done
rm -rf "$work/cache"
/usr/bin/time -f "%M" -o "$work/rss-first-run.txt" sh -c "$hook" > /dev/null 2>&1
"$hook_runner" compile > /dev/null

echo "== ticket size"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/size.json" --prepare "$reset" \
    -n "10 access requests" "sh -c 'exec $hook_runner < $work/advance-10.xml'" \
    -n "100 access requests" "sh -c 'exec $hook_runner < $work/advance-100.xml'" \
    -n "1000 access requests" "sh -c 'exec $hook_runner < $work/advance-1000.xml'" \
    -n "Python script, 1000 access requests" "sh -c 'exec $python_bin $repo/bench/risk_scorer.py < $work/advance-1000.xml'"
$reset
/usr/bin/time -f "%M" -o "$work/rss-1000.txt" sh -c "exec $hook_runner < $work/advance-1000.xml" > /dev/null 2>&1

echo "== 50 processes at once on a cold cache"
rm -rf "$work/cache" "$work/burst"
mkdir -p "$work/burst"
$reset
started=$(date +%s%N)
for i in $(seq 50); do
    HOOK_RUNNER_LOG=info "$hook_runner" < "$ticket_info" > /dev/null 2> "$work/burst/$i.log" &
    echo $! > "$work/burst/$i.pid"
done
failed=0
for i in $(seq 50); do
    wait "$(cat "$work/burst/$i.pid")" || failed=$((failed + 1))
done
finished=$(date +%s%N)
compiles=$(grep -l "compiling the component" "$work"/burst/*.log | wc -l)
entries=$(find "$work/cache" -name '*.cwasm' | wc -l)
partial=$(find "$work/cache" -name '.partial-*' | wc -l)
comments=$(curl -sf -u "bench:bench-password" "$url/securechangeworkflow/api/securechange/tickets/1001" \
    | { grep -o "<type>COMMENT</type>" || true; } | wc -l)
HOOK_RUNNER_LOG=info "$hook_runner" < "$ticket_info" > /dev/null 2> "$work/after-burst.log"
if grep -q "compiling the component\|cannot be used" "$work/after-burst.log"; then after="compiled again"; else after="mapped the entry"; fi
cat > "$work/burst.json" <<JSON
{"processes": 50, "failed": $failed, "compiles": $compiles, "entries": $entries,
 "partial_files": $partial, "comments": $comments, "milliseconds": $(((finished - started) / 1000000)), "next_run": "$after"}
JSON
cat "$work/burst.json"

echo "== Python and JavaScript hooks"
polyglot=$work/polyglot
mkdir -p "$polyglot"
start_server "$polyglot/services" python3 bench/services.py
services_url=$server_url
services_port=${services_url##*:}

# Writes the example policy SOURCE with its grant moved from HOST to plain
# HTTP on 127.0.0.1 and the services' port. hook-runner denies a host name
# that resolves to a loopback address, so the grant names the address and
# the hook's URL uses it too.
write_local_policy() {
    local source=$1 host=$2 policy=$3
    grep -q '^scheme = "https"$' "$source" && grep -q "^host = \"$host\"$" "$source" || {
        echo "$source has no grant for https://$host; update bench/run.sh" >&2
        exit 1
    }
    sed -e 's/^scheme = "https"$/scheme = "http"/' \
        -e "s/^host = \"$host\"$/host = \"127.0.0.1\"\nports = $services_port/" "$source" > "$policy"
}
write_local_policy guests/vuln-check/policy.toml scanner.example.com "$polyglot/vuln-check-policy.toml"
write_local_policy guests/kpi-export/policy.toml kpi.example.com "$polyglot/kpi-export-policy.toml"

# Writes one configuration per hook, each with its own compile cache, so the
# first-run benchmark can empty one cache at a time, and its own outbox.
write_polyglot_config() {
    local name=$1 component=$2 policy=$3 events=$4 settings=$5
    cat > "$polyglot/$name.toml" <<TOML
[api]
url = "$url"
username = "bench"
password_env = "SC_PASSWORD"

[cache]
dir = "$name-cache"

[outbox]
path = "$name-outbox.sqlite"

[[hook]]
name = "$name"
component = "$component"
policy = "$policy"
events = $events

[hook.config]
$settings
TOML
}
vuln_component=$repo/target/guests/python/vuln_check.wasm
kpi_component=$repo/target/guests/js/kpi_export.wasm
justification_component=$repo/target/guests/js/justification_check.wasm
write_polyglot_config vuln-check "$vuln_component" "$polyglot/vuln-check-policy.toml" \
    '["CREATE", "ADVANCE"]' "scanner_url = \"$services_url\""
write_polyglot_config kpi-export "$kpi_component" "$polyglot/kpi-export-policy.toml" \
    '["CLOSE"]' "collector_url = \"$services_url/api/tickets/closed\""
write_polyglot_config justification-check "$justification_component" \
    "$repo/guests/justification-check/policy.toml" '["ADVANCE"]' ""
cat > "$polyglot/components.json" <<JSON
{"vuln-check": {"tool": "componentize-py", "bytes": $(stat -c %s "$vuln_component")},
 "kpi-export": {"tool": "componentize-js (StarlingMonkey)", "bytes": $(stat -c %s "$kpi_component")},
 "justification-check": {"tool": "componentize-qjs (QuickJS)", "bytes": $(stat -c %s "$justification_component")}}
JSON
for name in vuln-check kpi-export justification-check; do
    echo "   compiling $name"
    HOOK_RUNNER_CONFIG=$polyglot/$name.toml "$hook_runner" compile > /dev/null
done

info=$repo/tests/fixtures/ticket_info
vuln_hook="HOOK_RUNNER_CONFIG=$polyglot/vuln-check.toml SCW_EVENT=ADVANCE exec $hook_runner < $info/advance-1004.xml"
vuln_native="SCW_EVENT=ADVANCE SCANNER_URL=$services_url exec $python_bin $repo/bench/vuln_check_native.py < $info/advance-1004.xml"
python_empty="exec $python_bin -c pass"
kpi_hook="HOOK_RUNNER_CONFIG=$polyglot/kpi-export.toml SCW_EVENT=CLOSE exec $hook_runner < $info/close-1002.xml"
kpi_native="SCW_EVENT=CLOSE KPI_URL=$services_url/api/tickets/closed exec node $repo/bench/kpi_export_native.js < $info/close-1002.xml"
node_empty="exec node -e 0"
justification_hook="HOOK_RUNNER_CONFIG=$polyglot/justification-check.toml SCW_EVENT=ADVANCE exec $hook_runner < $info/advance-1001.xml"
# $reset deletes the outboxes, so every vuln-check run writes its field and
# comment, as the native script does.
polyglot_reset="$reset && curl -sf -X POST $services_url/reset"

echo "== Python hook: vuln-check cached, against python3"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/python-event.json" \
    --prepare "sh -c '$polyglot_reset'" \
    -n "python3 -c pass" "sh -c '$python_empty'" \
    -n "hook-runner, cached vuln-check" "sh -c '$vuln_hook'" \
    -n "python3 vuln_check_native.py" "sh -c '$vuln_native'"

echo "== JavaScript hooks: kpi-export and justification-check cached, against node"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/js-event.json" \
    --prepare "sh -c '$polyglot_reset'" \
    -n "node -e 0" "sh -c '$node_empty'" \
    -n "hook-runner, cached kpi-export" "sh -c '$kpi_hook'" \
    -n "hook-runner, cached justification-check" "sh -c '$justification_hook'" \
    -n "node kpi_export_native.js" "sh -c '$kpi_native'"

echo "== Python and JavaScript hooks: peak memory"
for name in vuln_hook vuln_native python_empty kpi_hook kpi_native node_empty justification_hook; do
    sh -c "$polyglot_reset" > /dev/null
    /usr/bin/time -f "%M" -o "$work/rss-$name.txt" sh -c "${!name}" > /dev/null 2>&1
done

# Each first run empties the hook's cache and compiles the component. GNU
# time, inside the timed command, appends each run's peak RSS to a file.
echo "== Python and JavaScript hooks: first run, $compile_runs runs each"
for name in vuln-check kpi-export justification-check; do
    case $name in
        vuln-check) event=ADVANCE input=$info/advance-1004.xml ;;
        kpi-export) event=CLOSE input=$info/close-1002.xml ;;
        justification-check) event=ADVANCE input=$info/advance-1001.xml ;;
    esac
    rss_file=$work/rss-first-run-$name.txt
    rm -f "$rss_file"
    first_run="HOOK_RUNNER_CONFIG=$polyglot/$name.toml SCW_EVENT=$event exec /usr/bin/time -a -o $rss_file -f %M $hook_runner < $input"
    hyperfine -N --runs "$compile_runs" --export-json "$work/first-run-$name.json" \
        --prepare "sh -c 'rm -rf $polyglot/$name-cache && $polyglot_reset'" \
        -n "hook-runner, first run of $name (compiles)" "sh -c '$first_run'"
done

python3 bench/report.py "$work" > "$work/results.md"
echo "== results in $work/results.md"

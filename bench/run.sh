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
#   - 50 processes started at once on a cold cache.
# BENCHMARKS.md holds the results of a run with the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$repo/target/bench
runs=${BENCH_RUNS:-30}

if ! command -v hyperfine > /dev/null; then
    echo "== installing hyperfine (Debian package)"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q hyperfine > /dev/null; else sudo apt-get install -y -q hyperfine > /dev/null; fi
fi

echo "== building release binaries and the example hook"
cargo build -q --release -p hook-runner -p scw-emulator
make -s guests
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

"$repo/target/release/scw-emulator" --listen 127.0.0.1:0 --data "$work/data" \
    --user bench --password bench-password > "$work/emulator.out" 2> "$work/emulator.log" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start; see $work/emulator.log" >&2; exit 1; }

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
hook="exec $hook_runner < $ticket_info"
python="exec python3 $repo/bench/risk_scorer.py < $ticket_info"
perl="exec perl $repo/bench/risk_scorer.pl < $ticket_info"
reset="curl -sf -X POST $url/emulator/reset"

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
    -n "Python script, 1000 access requests" "sh -c 'exec python3 $repo/bench/risk_scorer.py < $work/advance-1000.xml'"
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
    | grep -o "<type>COMMENT</type>" | wc -l)
HOOK_RUNNER_LOG=info "$hook_runner" < "$ticket_info" > /dev/null 2> "$work/after-burst.log"
if grep -q "compiling the component\|cannot be used" "$work/after-burst.log"; then after="compiled again"; else after="mapped the entry"; fi
cat > "$work/burst.json" <<JSON
{"processes": 50, "failed": $failed, "compiles": $compiles, "entries": $entries,
 "partial_files": $partial, "comments": $comments, "milliseconds": $(((finished - started) / 1000000)), "next_run": "$after"}
JSON
cat "$work/burst.json"

python3 bench/report.py "$work" > "$work/results.md"
echo "== results in $work/results.md"

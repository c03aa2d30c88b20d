#!/usr/bin/env bash
# Checks that the native twins bench/vuln_check_native.py (python3) and
# bench/kpi_export_native.js (node) do what hook-runner does with the
# example hooks guests/vuln-check (Python) and guests/kpi-export
# (JavaScript).
#
# For each case, hook-runner and the twin each run on a fresh SecureChange
# API emulator and a fresh bench/services.py (the scanner and the KPI
# collector). Then the script compares what the runs left behind. These are
# the current step's fields and comments as the emulator lists them, the
# whole ticket XML without comment timestamps, and the write requests to the
# API (method, path, status). They also include the requests the services
# received (method, path, content type and body), so the posted KPI JSON is
# compared byte for byte. It
# exits 1 with a diff when a twin differs from hook-runner, or when a run's
# exit status is not the one the case expects.
#
# The cases:
# - vuln-check on ticket 1004's ADVANCE: four servers, three known to the
#   scanner, so one field and one comment are written;
# - vuln-check on an ADVANCE from a step that ticket 1004 has left: both ask
#   the scanner and write nothing;
# - vuln-check on ticket 1001, whose current step has no findings field:
#   both fail and write nothing;
# - vuln-check on ticket 1002's CLOSE, which it ignores;
# - kpi-export on ticket 1002's CLOSE: one POST with the summary;
# - kpi-export on ticket 1001's ADVANCE, which it ignores.
#
# It uses the release binaries, which bench/run.sh also uses, and compiles
# the two components into its own cache, which takes a minute or more.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$PWD/target/bench/check-polyglot-twins
rm -rf "$work"
mkdir -p "$work"
user=bench
password=bench-password
hook_runner=$PWD/target/release/hook-runner
emulator=$PWD/target/release/scw-emulator
vuln_component=$PWD/target/guests/python/vuln_check.wasm
kpi_component=$PWD/target/guests/js/kpi_export.wasm

if [ ! -x "$hook_runner" ] || [ ! -x "$emulator" ]; then
    echo "== building the release hook-runner and emulator"
    cargo build -q --release -p hook-runner -p scw-emulator
fi
if [ ! -f "$vuln_component" ] || [ ! -f "$kpi_component" ]; then
    echo "== building the Python and JavaScript hooks (make polyglot-guests)"
    make -s polyglot-guests
fi

# An ADVANCE from Business Approval, which ticket 1004 has already left.
sed 's#<id>3003</id>#<id>3002</id>#; s#<name>Risk Review</name>#<name>Business Approval</name>#' \
    tests/fixtures/ticket_info/advance-1004.xml > "$work/advance-1004-left.xml"

source tests/emulator/scripts/servers.sh

# Starts the emulator with the bundled tickets and bench/services.py, and
# sets $url and $services_url. Both pick a free port.
start_servers() {
    local out=$1
    start_emulator "$emulator" tests/fixtures/tickets "$user" "$password" "$out.emulator"
    start_server "$out.services" python3 bench/services.py
    services_url=$server_url
}

# Writes POLICY with the grants of the example policy SOURCE moved from HOST
# to plain HTTP on 127.0.0.1 and PORT. hook-runner denies a host name that
# resolves to a loopback address, so the grant names the address itself.
write_local_policy() {
    local source=$1 host=$2 port=$3 policy=$4
    grep -q '^scheme = "https"$' "$source" && grep -q "^host = \"$host\"$" "$source" || {
        echo "$source has no grant for https://$host; update $0" >&2
        exit 1
    }
    sed -e 's/^scheme = "https"$/scheme = "http"/' \
        -e "s/^host = \"$host\"$/host = \"127.0.0.1\"\nports = $port/" "$source" > "$policy"
}

write_hook_runner_config() {
    local hook=$1 port=${services_url##*:}
    local policy="$work/$hook-policy.toml"
    case $hook in
        vuln-check)
            write_local_policy guests/vuln-check/policy.toml scanner.example.com "$port" "$policy"
            set -- "$vuln_component" '["CREATE", "ADVANCE"]' "scanner_url = \"$services_url\""
            ;;
        kpi-export)
            write_local_policy guests/kpi-export/policy.toml kpi.example.com "$port" "$policy"
            set -- "$kpi_component" '["CLOSE"]' "collector_url = \"$services_url/api/tickets/closed\""
            ;;
    esac
    cat > "$work/hook-runner.toml" <<TOML
[api]
url = "$url"
username = "$user"
password_env = "BENCH_API_PASSWORD"

[log]
file = "hook-runner.log"

[cache]
dir = "cache"

[[hook]]
name = "$hook"
component = "$1"
policy = "$policy"
events = $2

[hook.config]
$3
TOML
}

# Runs one implementation of HOOK on EVENT and INFO against fresh servers
# and saves what it left: OUT.fields, OUT.ticket.xml, OUT.writes,
# OUT.services, OUT.status and OUT.stderr.
run_one() {
    local runner=$1 hook=$2 event=$3 ticket=$4 info=$5 out=$6
    start_servers "$out"
    local status=0
    export SCW_EVENT=$event SC_URL=$url SC_USER=$user SC_PASSWORD=$password
    case $runner/$hook in
        hook-runner/*)
            write_hook_runner_config "$hook"
            BENCH_API_PASSWORD=$password HOOK_RUNNER_CONFIG="$work/hook-runner.toml" \
                "$hook_runner" < "$info" 2> "$out.stderr" || status=$?
            ;;
        native/vuln-check)
            SCANNER_URL=$services_url python3 bench/vuln_check_native.py < "$info" 2> "$out.stderr" || status=$?
            ;;
        native/kpi-export)
            KPI_URL=$services_url/api/tickets/closed node bench/kpi_export_native.js < "$info" 2> "$out.stderr" || status=$?
            ;;
    esac
    echo "$status" > "$out.status"
    curl -sf "$url/emulator/tickets/$ticket/fields" > "$out.fields"
    curl -sf -u "$user:$password" "$url/securechangeworkflow/api/securechange/tickets/$ticket" |
        grep -v '<created>' > "$out.ticket.xml"
    curl -sf "$url/emulator/requests" | python3 -c '
import json, sys
for request in json.load(sys.stdin):
    if request["method"] != "GET":
        print(request["method"], request["path"], request["status"])
' > "$out.writes"
    curl -sf "$services_url/requests" | python3 -c '
import json, sys
for request in json.load(sys.stdin):
    print(request["method"], request["path"], request["content_type"], request["body"])
' > "$out.services"
    stop_servers
}

failures=0

# Runs hook-runner and the twin on one case and compares them. EXPECT is
# "success" (both exit 0) or "failure" (both exit non-zero).
check_case() {
    local name=$1 hook=$2 event=$3 ticket=$4 info=$5 expect=$6
    local dir="$work/runs/$name"
    mkdir -p "$dir"
    echo "== $name: $hook on $event of ticket $ticket, expecting $expect"
    for runner in hook-runner native; do
        run_one "$runner" "$hook" "$event" "$ticket" "$info" "$dir/$runner"
        local status
        status=$(cat "$dir/$runner.status")
        echo "   $runner exited $status"
        if { [ "$expect" = success ] && [ "$status" != 0 ]; } ||
            { [ "$expect" = failure ] && [ "$status" = 0 ]; }; then
            echo "FAIL: $runner exited $status on $name. Its standard error:" >&2
            sed 's/^/    /' "$dir/$runner.stderr" >&2
            failures=$((failures + 1))
        fi
    done
    for part in fields ticket.xml writes services; do
        if ! diff -u "$dir/hook-runner.$part" "$dir/native.$part" > "$dir/native.$part.diff"; then
            echo "FAIL: the native twin differs from hook-runner in $part on $name:" >&2
            cat "$dir/native.$part.diff" >&2
            failures=$((failures + 1))
        fi
    done
}

info=tests/fixtures/ticket_info
check_case vuln-1004 vuln-check ADVANCE 1004 "$info/advance-1004.xml" success
check_case vuln-1004-left vuln-check ADVANCE 1004 "$work/advance-1004-left.xml" success
check_case vuln-1001-no-field vuln-check ADVANCE 1001 "$info/advance-1001.xml" failure
check_case vuln-1002-close vuln-check CLOSE 1002 "$info/close-1002.xml" success
check_case kpi-1002-close kpi-export CLOSE 1002 "$info/close-1002.xml" success
check_case kpi-1001-advance kpi-export ADVANCE 1001 "$info/advance-1001.xml" success

# A case where both wrote or posted nothing would also pass if neither
# worked at all, so check that the two main cases did their work.
grep -q "Vulnerability scan of 4 server(s)" "$work/runs/vuln-1004/hook-runner.fields" || {
    echo "FAIL: hook-runner wrote no vulnerability findings on ticket 1004" >&2
    failures=$((failures + 1))
}
grep -q '^POST /api/tickets/closed application/json {"ticket":1002,' "$work/runs/kpi-1002-close/hook-runner.services" || {
    echo "FAIL: hook-runner posted no KPI summary of ticket 1002" >&2
    failures=$((failures + 1))
}

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed. The runs' output is in $work" >&2
    exit 1
fi
echo "the native twins did exactly what hook-runner did with the example hooks; the runs' output is in $work"

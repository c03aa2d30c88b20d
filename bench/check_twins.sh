#!/usr/bin/env bash
# Checks that the baseline scripts bench/risk_scorer.py and
# bench/risk_scorer.pl change a ticket exactly as hook-runner with the
# risk-scorer hook does.
#
# For each case, each of the three runs on a fresh SecureChange API emulator
# with the same ADVANCE event. Then the script compares what the runs left
# behind: the current step's fields and comments as the emulator lists them,
# the whole ticket XML without comment timestamps, and the write requests
# (method, path, status). It exits 1 with a diff when a script differs from
# hook-runner, or when a run's exit status is not the one the case expects.
#
# The cases:
# - ticket 1001, the demo ticket;
# - ticket 1001 with an event from a step that the ticket has left, so no run
#   writes anything;
# - a generated ticket with 50 access requests;
# - a generated ticket whose review step has two tasks, so each run writes
#   the fields of both;
# - ticket 1003, whose current step lacks two of the fields, so every run
#   must fail and write nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

work=target/bench/check-twins
rm -rf "$work"
mkdir -p "$work"
user=bench
password=bench-password
component="$PWD/target/guests/wasm32-wasip2/guest/risk_scorer.wasm"

if [ ! -x target/debug/hook-runner ] || [ ! -x target/debug/scw-emulator ] || [ ! -f "$component" ]; then
    echo "== building hook-runner, the emulator and the guest (make build guests)"
    make build guests
fi

# The generated tickets go in a data folder of their own.
mkdir -p "$work/generated"
python3 bench/make_ticket.py 50 5050 "$work/generated/5050.xml" \
    --ticket-info "$work/advance-5050.xml"
python3 bench/make_ticket.py 20 5020 "$work/generated/5020.xml" --review-tasks 2 \
    --ticket-info "$work/advance-5020.xml"
# An ADVANCE from Business Approval, which ticket 1001 has already left.
sed 's#<id>3003</id>#<id>3002</id>#; s#<name>Risk Review</name>#<name>Business Approval</name>#' \
    tests/fixtures/ticket_info/advance-1001.xml > "$work/advance-1001-left.xml"

source tests/emulator/scripts/servers.sh

write_hook_runner_config() {
    cat > "$work/hook-runner.toml" <<TOML
[api]
url = "$url"
username = "$user"
password_env = "BENCH_API_PASSWORD"

[log]
file = "hook-runner.log"

[[hook]]
name = "risk-scorer"
component = "$component"
policy = "$PWD/guests/risk-scorer/policy.toml"
events = ["ADVANCE"]

[hook.config]
score_field = "Risk Score"
reason_field = "Risk Reason"
level_field = "Risk Level"
TOML
}

# Runs one implementation against a fresh emulator and saves what it left:
# OUT.fields, OUT.ticket.xml, OUT.writes, OUT.status and OUT.stderr.
run_one() {
    local runner=$1 data=$2 ticket=$3 info=$4 out=$5
    start_emulator target/debug/scw-emulator "$data" "$user" "$password" "$out.emulator"
    local status=0
    case $runner in
        hook-runner)
            write_hook_runner_config
            SCW_EVENT=ADVANCE BENCH_API_PASSWORD=$password HOOK_RUNNER_CONFIG="$work/hook-runner.toml" \
                target/debug/hook-runner < "$info" 2> "$out.stderr" || status=$?
            ;;
        python)
            SCW_EVENT=ADVANCE SC_URL=$url SC_USER=$user SC_PASSWORD=$password \
                python3 bench/risk_scorer.py < "$info" 2> "$out.stderr" || status=$?
            ;;
        perl)
            SCW_EVENT=ADVANCE SC_URL=$url SC_USER=$user SC_PASSWORD=$password \
                perl bench/risk_scorer.pl < "$info" 2> "$out.stderr" || status=$?
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
    stop_servers
}

failures=0

# Runs the three implementations on one case and compares them. EXPECT is
# "success" (every run exits 0) or "failure" (every run exits non-zero).
check_case() {
    local name=$1 data=$2 ticket=$3 info=$4 expect=$5
    local dir="$work/runs/$name"
    mkdir -p "$dir"
    echo "== $name: ticket $ticket, expecting $expect"
    for runner in hook-runner python perl; do
        run_one "$runner" "$data" "$ticket" "$info" "$dir/$runner"
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
    for runner in python perl; do
        for part in fields ticket.xml writes; do
            if ! diff -u "$dir/hook-runner.$part" "$dir/$runner.$part" > "$dir/$runner.$part.diff"; then
                echo "FAIL: $runner differs from hook-runner in $part on $name:" >&2
                cat "$dir/$runner.$part.diff" >&2
                failures=$((failures + 1))
            fi
        done
    done
}

check_case ticket-1001 tests/fixtures/tickets 1001 tests/fixtures/ticket_info/advance-1001.xml success
check_case ticket-1001-left tests/fixtures/tickets 1001 "$work/advance-1001-left.xml" success
check_case generated-50 "$work/generated" 5050 "$work/advance-5050.xml" success
check_case generated-20-two-tasks "$work/generated" 5020 "$work/advance-5020.xml" success
check_case ticket-1003 tests/fixtures/tickets 1003 tests/fixtures/ticket_info/advance-1003.xml failure

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed. The runs' output is in $work" >&2
    exit 1
fi
echo "the Python and Perl scripts wrote exactly what hook-runner wrote; the runs' output is in $work"

#!/usr/bin/env bash
# Runs the demo: the SecureChange API emulator serves the bundled ticket 1001,
# and hook-runner handles an ADVANCE event on it exactly as SecureChange would
# call it (SCW_EVENT in the environment, <ticket_info> on standard input).
set -euo pipefail
cd "$(dirname "$0")/../.."

work=target/demo
mkdir -p "$work"
component="$PWD/target/guests/wasm32-wasip2/guest/risk_scorer.wasm"
[ -f "$component" ] || { echo "missing $component: run 'make guests'" >&2; exit 1; }

# The emulator picks a free port and prints it.
target/debug/scw-emulator --listen 127.0.0.1:0 --data tests/fixtures/tickets \
    --user demo --password demo-password > "$work/emulator.out" 2> "$work/emulator.log" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start; see $work/emulator.log" >&2; exit 1; }

cat > "$work/hook-runner.toml" <<TOML
[api]
url = "$url"
username = "demo"
password_env = "DEMO_API_PASSWORD"

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

echo "== ticket 1001 before (emulator at $url)"
curl -sf "$url/emulator/tickets/1001/fields"
echo
echo "== SCW_EVENT=ADVANCE hook-runner < tests/fixtures/ticket_info/advance-1001.xml"
status=0
SCW_EVENT=ADVANCE DEMO_API_PASSWORD=demo-password HOOK_RUNNER_CONFIG="$work/hook-runner.toml" \
    target/debug/hook-runner < tests/fixtures/ticket_info/advance-1001.xml || status=$?
echo "exit code: $status"
echo
echo "== ticket 1001 after"
curl -sf "$url/emulator/tickets/1001/fields"
exit "$status"

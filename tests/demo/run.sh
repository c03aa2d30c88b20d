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

source tests/emulator/scripts/servers.sh
start_emulator target/debug/scw-emulator tests/fixtures/tickets demo demo-password "$work/emulator"

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

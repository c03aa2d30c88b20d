# Shell functions that start and stop local test servers (the SecureChange
# API emulator, bench/services.py) for the demo, benchmark and check
# scripts. Each server picks a free port on 127.0.0.1 and prints
# `listening on URL`. Source this file, then:
#
#   start_server LOG_PREFIX COMMAND [ARGUMENT...]
#       Starts COMMAND in the background with its output in LOG_PREFIX.out
#       and LOG_PREFIX.log, waits for its address and sets $server_url.
#   start_emulator BINARY DATA_DIR USER PASSWORD LOG_PREFIX
#       Starts the emulator BINARY serving the tickets in DATA_DIR and sets
#       $url to its address.
#   stop_servers
#       Stops every server started so far. A server that ignores SIGTERM
#       for 5 seconds gets SIGKILL, so a script cannot hang here.
#
# The first start sets an EXIT trap that calls stop_servers.

server_pids=()

stop_servers() {
    local pid
    for pid in "${server_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    server_pids=()
}

start_server() {
    local log=$1
    shift
    trap stop_servers EXIT
    # Created first, so that the loop below can read it at once.
    : > "$log.out"
    "$@" > "$log.out" 2> "$log.log" &
    server_pids+=("$!")
    server_url=
    for _ in $(seq 100); do
        server_url=$(sed -n 's/^listening on //p' "$log.out")
        [ -n "$server_url" ] && return 0
        sleep 0.1
    done
    echo "$1 did not start within 10 seconds; see $log.log" >&2
    exit 1
}

start_emulator() {
    local binary=$1 data=$2 user=$3 password=$4 log=$5
    start_server "$log" "$binary" --listen 127.0.0.1:0 --data "$data" \
        --user "$user" --password "$password"
    url=$server_url
}

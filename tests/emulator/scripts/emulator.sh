# Shell functions that start and stop the SecureChange API emulator, for the
# demo and the benchmark scripts. Source this file, then:
#
#   start_emulator BINARY DATA_DIR USER PASSWORD LOG_PREFIX
#       starts BINARY (scw-emulator) on a free port of 127.0.0.1, serving
#       the tickets in DATA_DIR, and sets $url to its address; its output
#       goes to LOG_PREFIX.out and LOG_PREFIX.log
#   stop_emulator
#       stops it, with SIGKILL when SIGTERM has not stopped it within 5 s
#
# start_emulator sets an EXIT trap that calls stop_emulator.

emulator_pid=

stop_emulator() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$emulator_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        emulator_pid=
    fi
}

start_emulator() {
    local binary=$1 data=$2 user=$3 password=$4 log=$5
    stop_emulator
    trap stop_emulator EXIT
    # Created first, so that the loop below can read it at once.
    : > "$log.out"
    "$binary" --listen 127.0.0.1:0 --data "$data" --user "$user" --password "$password" \
        > "$log.out" 2> "$log.log" &
    emulator_pid=$!
    url=
    for _ in $(seq 100); do
        url=$(sed -n 's/^listening on //p' "$log.out")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "the emulator did not start within 10 seconds; see $log.log" >&2
    exit 1
}

"""Example hook: asks a vulnerability scanner about the servers in a ticket's
access requests and writes its findings into a field.

On CREATE and ADVANCE the hook reads the ticket, takes the access requests of
the step the event happened on (or of the latest step before it that has
any), and sends one GET request per server address to the scanner's
`/api/v1/hosts/ADDRESS` endpoint through `wasi:http`. It writes one line per
server into the findings field and adds a summary comment. Other events are
ignored.

Configuration keys: `scanner_url` (required, such as
`https://scanner.example.com`) and `findings_field` (default
`Vulnerability Findings`).
"""

import requests

from hook_runner_guest import (
    Event,
    HookFailed,
    Outcome,
    config,
    export_hook,
    http,
    log,
    ticket,
    tickets,
    values,
)

import scan_report

DEFAULT_FINDINGS_FIELD = "Vulnerability Findings"

# Seconds to wait for the scanner. The policy's http_timeout_seconds also
# applies.
REQUEST_TIMEOUT = 10


def check_servers(event, info):
    if event not in (Event.CREATE, Event.ADVANCE):
        log.debug(f"ticket {info.id}: ignoring {event.name}")
        return None
    scanner_url = config.get("scanner_url")
    if not scanner_url:
        raise HookFailed("config key `scanner_url` is not set; set it under [hook.config]")

    full_ticket = tickets.get_ticket(info.id)
    stage_name = ticket.current_stage_name(info)
    step = ticket.step(full_ticket, stage_name) if stage_name else None
    step = step or ticket.current_step(full_ticket)
    if step is None:
        log.info(f"ticket {info.id}: no step to check")
        return None
    requests_of_step = scan_report.latest_access_requests(full_ticket.steps, step)
    servers = scan_report.servers(requests_of_step)
    if not servers:
        log.info(f"ticket {info.id}: no server addresses in the access requests")
        return None

    session = http.session()
    results = [ask_scanner(session, scanner_url, server) for server in servers]
    report = scan_report.Report(results)
    log.info(f"ticket {info.id}: {report.summary()}")
    field = config.get_or("findings_field", DEFAULT_FINDINGS_FIELD)
    return Outcome().set_field(field, values.text(report.text())).comment(report.summary())


def ask_scanner(session, scanner_url, server):
    url = f"{scanner_url.rstrip('/')}/api/v1/hosts/{server}"
    try:
        response = session.get(url, timeout=REQUEST_TIMEOUT)
    except requests.RequestException as error:
        if http.is_denied(error):
            raise HookFailed(f"the hook's policy denied the scanner request GET {url}")
        raise HookFailed(f"the scanner request GET {url} failed: {error}", retryable=True)
    if response.status_code == 404:
        return scan_report.HostResult(server, known=False, vulnerabilities=[])
    if response.status_code != 200:
        raise HookFailed(
            f"the scanner returned HTTP {response.status_code} for GET {url}",
            retryable=response.status_code >= 500,
        )
    try:
        return scan_report.parse_host(server, response.json())
    except ValueError as error:
        raise HookFailed(f"the scanner's response to GET {url} is invalid: {error}")


WitWorld = export_hook(check_servers)

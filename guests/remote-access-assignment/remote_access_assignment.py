"""Example dynamic-assignment hook in Python: access requests that open a
remote-administration port go to a task of their own, handled by the team
in the `participants` setting.

Settings under [hook.config]:

- `ports`: comma-separated ports that count as remote administration
  (default `22, 3389, 5900`); a service of kind ANY opens them all,
- `participants`: comma-separated SecureChange logins (required),
- `assigner`: a login that picks the handler (manual assignment); without
  it the task uses self-assignment,
- `task`: the task name (default `Remote access review`).

The other access requests are named by no task, so SecureChange leaves
them in the step's default task. Build with `HOOK_WORLD=assignment`.
"""

from hook_runner_guest import HookFailed, config, export_assignment, log, task, ticket


def _split(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def _opens_port(request, ports):
    for service in request.services:
        if service.kind.upper() == "ANY":
            return True
        if service.port is not None and service.port.strip() in ports:
            return True
    return False


def assign_remote_access(full_ticket):
    ports = set(_split(config.get_or("ports", "22, 3389, 5900")))
    participants = _split(config.get_or("participants", ""))
    if not participants:
        raise HookFailed("participants is empty: set the logins of the remote-access team under [hook.config]")
    matching = [
        request.id for request in ticket.current_access_requests(full_ticket) if _opens_port(request, ports)
    ]
    log.info(f"ticket {full_ticket.id}: {len(matching)} access request(s) open a remote-administration port")
    if not matching:
        return []
    return [
        task(
            config.get_or("task", "Remote access review"),
            participants,
            assigner=config.get("assigner"),
            access_requests=matching,
        )
    ]


WitWorld = export_assignment(assign_remote_access)

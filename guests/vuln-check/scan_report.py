"""The servers of access requests, the scanner's answers, and the report the
hook writes. Nothing here calls the host, so it runs in plain Python too."""

from dataclasses import dataclass
from typing import List, Optional

from hook_runner_guest import ticket
from hook_runner_guest.network import host_address

# Severities from the worst down. A severity not listed sorts after them.
SEVERITIES = ["critical", "high", "medium", "low"]


@dataclass
class Vulnerability:
    """One finding of the scanner on one host."""

    id: str
    severity: str
    title: str


@dataclass
class HostResult:
    """What the scanner knows about one server address."""

    address: str
    known: bool
    vulnerabilities: List[Vulnerability]

    def line(self) -> str:
        """Format the result as one line of the findings field."""
        if not self.known:
            return f"{self.address}: not known to the scanner"
        if not self.vulnerabilities:
            return f"{self.address}: no known vulnerabilities"
        ordered = sorted(self.vulnerabilities, key=lambda v: severity_rank(v.severity))
        items = [f"{v.id} ({v.severity}) {v.title}" for v in ordered]
        return f"{self.address}: " + "; ".join(items)


def severity_rank(severity: str) -> int:
    """Return the position of `severity` in SEVERITIES, or its length when it
    is not listed."""
    lowered = severity.lower()
    return SEVERITIES.index(lowered) if lowered in SEVERITIES else len(SEVERITIES)


class Report:
    """The results for every server of a ticket."""

    def __init__(self, results: List[HostResult]) -> None:
        self.results = results

    def text(self) -> str:
        """Return the findings field's text, one line per server."""
        return "\n".join(result.line() for result in self.results)

    def worst_severity(self) -> Optional[str]:
        """Return the worst severity found, or None without findings."""
        severities = [v.severity for r in self.results for v in r.vulnerabilities]
        if not severities:
            return None
        return min(severities, key=severity_rank).lower()

    def summary(self) -> str:
        """Return the one-line summary comment."""
        affected = sum(1 for result in self.results if result.vulnerabilities)
        summary = (
            f"Vulnerability scan of {len(self.results)} server(s): "
            f"{affected} with known vulnerabilities"
        )
        worst = self.worst_severity()
        if worst is None:
            return summary + "."
        return f"{summary}, worst severity {worst}."


def parse_host(address: str, document: object) -> HostResult:
    """Convert the scanner's JSON for one host, such as
    `{"vulnerabilities": [{"id": "CVE-2024-6387", "severity": "critical",
    "title": "..."}]}`. Raises ValueError naming what is missing."""
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    entries = document.get("vulnerabilities")
    if not isinstance(entries, list):
        raise ValueError("`vulnerabilities` is missing or not a list")
    vulnerabilities = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"vulnerabilities[{index}] is not an object")
        values = [entry.get(key) for key in ("id", "severity", "title")]
        if not all(isinstance(value, str) for value in values):
            raise ValueError(f"vulnerabilities[{index}] needs string id, severity and title")
        vulnerabilities.append(Vulnerability(*values))
    return HostResult(address, known=True, vulnerabilities=vulnerabilities)


def servers(access_requests) -> List[str]:
    """Return the distinct host addresses among the sources and destinations
    of `access_requests`, in ticket order."""
    found: List[str] = []
    for request in access_requests:
        for obj in list(request.sources) + list(request.destinations):
            address = host_address(obj)
            if address is not None and address not in found:
                found.append(address)
    return found


def latest_access_requests(steps, step):
    """Return the access requests of `step`, or of the latest step before it
    that has a `multi_access_request` field: review steps often carry no copy
    of the access requests made earlier in the workflow. A field repeated on
    several tasks of a step counts once."""
    end = len(steps)
    for index, candidate in enumerate(steps):
        if candidate.id == step.id:
            end = index + 1
    for candidate in reversed(steps[:end]):
        rows = []
        names = set()
        for field in ticket.step_fields(candidate):
            found = ticket.access_requests(field)
            if found is None or field.name in names:
                continue
            names.add(field.name)
            rows.extend(found)
        if names:
            return rows
    return []

#!/usr/bin/env python3
"""Ask a vulnerability scanner about the servers of a SecureChange ticket.

A classic SecureChange trigger script in plain python3 (standard library
only), written as an admin would write it today: the benchmark's baseline
for the Python example hook guests/vuln-check, whose results it reproduces
field for field.

Contract (as SecureChange calls a script):
  SCW_EVENT       the workflow event. CREATE and ADVANCE change the ticket,
                  and TEST checks that the variables below are set, without
                  calling any service.
  standard input  the <ticket_info> document
  SC_URL          base URL of SecureChange, such as https://sc.example.com
                  (the REST API is under /securechangeworkflow/api/securechange/)
  SC_USER         API user name
  SC_PASSWORD     API password
  SCANNER_URL     base URL of the scanner; the script sends
                  GET SCANNER_URL/api/v1/hosts/ADDRESS per server
  FINDINGS_FIELD  the field to write, `Vulnerability Findings` by default

The script reads the ticket, takes the access requests of the step named in
<ticket_info> (or of the latest step before it that has any), queries
the scanner for every single-host address among their sources and
destinations, writes one line per server into the findings field of the
current step and adds a summary comment. When the ticket has left the step
that <ticket_info> names, it writes nothing, as hook-runner does by default.

Exit codes: 0 when the ticket was written or there was nothing to do, 1 on
invalid input, a scanner or API failure, or a field that cannot take the
text. hook-runner exits 4, 5 and 6 in those cases.
"""

import base64
import ipaddress
import json
import os
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

API_PATH = "/securechangeworkflow/api/securechange/"
API_TIMEOUT_SECONDS = 30
SCANNER_TIMEOUT_SECONDS = 10
DEFAULT_FINDINGS_FIELD = "Vulnerability Findings"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
EVENTS = (
    "CREATE CLOSE CANCEL REJECT ADVANCE REDO RESUBMIT REOPEN RESOLVE "
    "PRE_ASSIGNMENT_SCRIPT AUTOMATION_FAILED TEST"
).split()
# Severities from the worst down. A severity not listed sorts after them.
SEVERITIES = ["critical", "high", "medium", "low"]


class ScriptError(Exception):
    """A failure that ends the script with exit code 1."""


def log(message):
    print(f"vuln_check: {message}", file=sys.stderr)


# ---------------------------------------------------------------- XML helpers


def local_name(name):
    return name.rsplit("}", 1)[-1]


def parse_xml(text, description):
    """Parse an XML document and drop namespaces from element names."""
    if "<!DOCTYPE" in text:
        raise ScriptError(f"{description} declares a DOCTYPE, which SecureChange never sends")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ScriptError(f"{description} is not well-formed XML: {error}") from None
    for element in root.iter():
        element.tag = local_name(element.tag)
    return root


def child_text(element, name):
    """Return the stripped text directly inside child `name`, or an empty
    string when there is no such child."""
    child = None if element is None else element.find(name)
    if child is None:
        return ""
    return "".join([child.text or ""] + [grandchild.tail or "" for grandchild in child]).strip()


def attribute(element, key):
    """Return attribute `key`, else any attribute with the same local name:
    some producers write `type` for `xsi:type` and the other way round."""
    if key in element.attrib:
        return element.attrib[key]
    for name, value in element.attrib.items():
        if local_name(name) == local_name(key):
            return value
    return ""


def number(text, description):
    if not (text.isascii() and text.isdigit()):
        raise ScriptError(f"{description} is `{text}`: expected a whole number")
    return int(text)


def escape(text):
    """Escape text for an XML element, as hook-runner's request bodies do."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


# ------------------------------------------------------------ input documents


def read_ticket_info(text):
    """Return (ticket id, stage id, stage name) from <ticket_info>. The id is
    None for the empty document of the Test button, and the stage is
    (None, None) when the document names no current stage."""
    root = parse_xml(text, "standard input")
    if root.tag != "ticket_info":
        raise ScriptError(f"standard input has root element <{root.tag}>, expected <ticket_info>")
    id_text = child_text(root, "id")
    if not id_text:
        return None, None, None
    ticket_id = number(id_text, "<ticket_info> element <id>")
    stage = root.find("current_stage")
    if stage is None or not child_text(stage, "id"):
        return ticket_id, None, None
    stage_id = number(child_text(stage, "id"), "<ticket_info> element <current_stage/id>")
    return ticket_id, stage_id, child_text(stage, "name")


def read_ticket(text):
    """Map a GET tickets/{id} XML body to plain dictionaries."""
    root = parse_xml(text, "the ticket")
    if root.tag != "ticket":
        raise ScriptError(f"expected a <ticket> document, got <{root.tag}>")
    current = root.find("current_step")
    current_step = None
    if current is not None and child_text(current, "id"):
        current_step = {
            "id": number(child_text(current, "id"), "ticket element <current_step/id>"),
            "name": child_text(current, "name"),
        }
    steps = []
    for step in root.findall("steps/step"):
        tasks = [
            {
                "id": number(child_text(task, "id"), "ticket element <task/id>"),
                "fields": [read_field(field) for field in task.findall("fields/field")],
            }
            for task in step.findall("tasks/task")
        ]
        steps.append(
            {
                "id": number(child_text(step, "id"), "ticket element <step/id>"),
                "name": child_text(step, "name"),
                "tasks": tasks,
            }
        )
    return {
        "id": number(child_text(root, "id"), "ticket element <id>"),
        "status": child_text(root, "status"),
        "current_step": current_step,
        "steps": steps,
    }


def read_field(field):
    return {
        "id": number(child_text(field, "id"), "ticket element <field/id>"),
        "name": child_text(field, "name"),
        "type": attribute(field, XSI_TYPE),
        "read_only": child_text(field, "read_only").lower() == "true",
        "element": field,
    }


def read_network_object(element):
    return {
        "kind": attribute(element, "type"),
        "ip_address": child_text(element, "ip_address") or None,
        "netmask": child_text(element, "netmask") or None,
    }


# ---------------------------------------------------------------- the servers


def step_named(ticket, name):
    """Return the last step named `name`: a redone step is listed once per run."""
    for step in reversed(ticket["steps"]):
        if step["name"] == name:
            return step
    return None


def current_step(ticket):
    """Return the ticket's current step, matched by id, then by name."""
    current = ticket["current_step"]
    if current is None:
        return None
    for step in ticket["steps"]:
        if step["id"] == current["id"]:
            return step
    return step_named(ticket, current["name"])


def latest_access_requests(ticket, step):
    """Return the access requests of `step`, or of the latest step before it
    with a multi_access_request field, as a list of <access_request>
    elements. A field repeated on several tasks of a step counts once."""
    steps = ticket["steps"]
    end = len(steps)
    for index, candidate in enumerate(steps):
        if candidate["id"] == step["id"]:
            end = index + 1
    for candidate in reversed(steps[:end]):
        names = set()
        rows = []
        for task in candidate["tasks"]:
            for field in task["fields"]:
                if field["type"] != "multi_access_request" or field["name"] in names:
                    continue
                names.add(field["name"])
                rows.extend(field["element"].findall("access_request"))
        if names:
            return rows
    return []


def prefix_len(netmask):
    """Return the prefix length of a dotted IPv4 netmask, or None when it is
    not one whose one bits are contiguous from the left."""
    try:
        mask = int(ipaddress.IPv4Address(netmask.strip()))
    except ValueError:
        return None
    ones = 32 - (~mask & 0xFFFFFFFF).bit_length()
    return ones if mask == (0xFFFFFFFF << (32 - ones)) & 0xFFFFFFFF else None


def host_address(network_object):
    """Return the address of an object that names one host (an IP address
    with no netmask or a /32 one), else None."""
    if network_object["ip_address"] is None:
        return None
    if network_object["kind"].upper() in ("ANY", "INTERNET"):
        return None
    netmask = network_object["netmask"]
    if netmask is not None and prefix_len(netmask) != 32:
        return None
    return network_object["ip_address"].strip()


def servers(access_requests):
    """Return the distinct host addresses among the sources and destinations
    of the access requests, in ticket order."""
    found = []
    for request in access_requests:
        objects = request.findall("sources/source") + request.findall("destinations/destination")
        for element in objects:
            address = host_address(read_network_object(element))
            if address is not None and address not in found:
                found.append(address)
    return found


# ---------------------------------------------------------------- the scanner


def severity_rank(severity):
    lowered = severity.lower()
    return SEVERITIES.index(lowered) if lowered in SEVERITIES else len(SEVERITIES)


def parse_host(document):
    """Return the (id, severity, title) findings of the scanner's JSON for one
    host. Raises ValueError naming what is missing."""
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    entries = document.get("vulnerabilities")
    if not isinstance(entries, list):
        raise ValueError("`vulnerabilities` is missing or not a list")
    findings = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"vulnerabilities[{index}] is not an object")
        values = tuple(entry.get(key) for key in ("id", "severity", "title"))
        if not all(isinstance(value, str) for value in values):
            raise ValueError(f"vulnerabilities[{index}] needs string id, severity and title")
        findings.append(values)
    return findings


def ask_scanner(opener, scanner_url, server):
    """Return the findings for `server`, or None when the scanner returns
    HTTP 404 for it."""
    url = f"{scanner_url.rstrip('/')}/api/v1/hosts/{server}"
    try:
        with opener.open(url, timeout=SCANNER_TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise ScriptError(f"the scanner returned HTTP {error.code} for GET {url}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ScriptError(f"the scanner request GET {url} failed: {reason}") from None
    try:
        return parse_host(json.loads(body))
    except ValueError as error:
        raise ScriptError(f"the scanner's response to GET {url} is invalid: {error}") from None


def host_line(server, findings):
    if findings is None:
        return f"{server}: not known to the scanner"
    if not findings:
        return f"{server}: no known vulnerabilities"
    ordered = sorted(findings, key=lambda finding: severity_rank(finding[1]))
    return f"{server}: " + "; ".join(f"{id} ({severity}) {title}" for id, severity, title in ordered)


def summary(results):
    """Return the one-line summary comment of the (server, findings) results."""
    affected = sum(1 for _, findings in results if findings)
    text = (
        f"Vulnerability scan of {len(results)} server(s): "
        f"{affected} with known vulnerabilities"
    )
    severities = [severity for _, findings in results for _, severity, _ in findings or []]
    if not severities:
        return text + "."
    return f"{text}, worst severity {min(severities, key=severity_rank).lower()}."


# ------------------------------------------------------------------------ API


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Reject redirects, so the credentials go only to SC_URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def direct_opener():
    """Return an opener that ignores the *_proxy variables and redirects."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)


class Api:
    """The SecureChange REST API over HTTP Basic authentication, in XML."""

    def __init__(self, url, user, password):
        self.base = url.rstrip("/") + API_PATH
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.authorization = f"Basic {token}"
        self.opener = direct_opener()

    def request(self, method, path, body=None):
        url = self.base + path
        data = None if body is None else body.encode("utf-8")
        request = urllib.request.Request(url, method=method, data=data)
        request.add_header("Authorization", self.authorization)
        request.add_header("Accept", "application/xml")
        if body is not None:
            request.add_header("Content-Type", "application/xml")
        try:
            with self.opener.open(request, timeout=API_TIMEOUT_SECONDS) as response:
                return response.read().decode("utf-8-sig")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()[:300]
            raise ScriptError(f"{method} {url} returned {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ScriptError(f"{method} {url} failed: {reason}") from None
        except UnicodeDecodeError as error:
            raise ScriptError(f"{method} {url} returned a body that is not UTF-8: {error}") from None


# ---------------------------------------------------------------- write plan


def plan_field_writes(ticket, field_name):
    """Return the current step and the (task id, field) pairs to write the
    text to. Raises ScriptError, writing nothing, when the step has no such
    field or one of them cannot take text."""
    current = ticket["current_step"]
    step = None
    if current is not None:
        step = next((s for s in ticket["steps"] if s["id"] == current["id"]), None)
    if step is None:
        raise ScriptError(
            f"ticket {ticket['id']} has no current step (status `{ticket['status']}`), "
            "so no field or comment can be written"
        )
    if not step["tasks"]:
        raise ScriptError(f"step `{step['name']}` of ticket {ticket['id']} has no task to write to")
    writes = []
    for task in step["tasks"]:
        field = next((f for f in task["fields"] if f["name"] == field_name), None)
        if field is None:
            continue
        if field["read_only"]:
            raise ScriptError(f"field `{field_name}` is read-only (type `{field['type']}`)")
        if field["type"] not in ("text_field", "text_area"):
            raise ScriptError(
                f"field `{field_name}` has type `{field['type']}`, which does not take text"
            )
        writes.append((task["id"], field))
    if not writes:
        raise ScriptError(f"field `{field_name}` is not on the current step `{step['name']}`")
    return step, writes


def field_body(field, text):
    return (
        '<fields><field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:type="{escape(field["type"])}"><id>{field["id"]}</id>'
        f"<name>{escape(field['name'])}</name><text>{escape(text)}</text></field></fields>"
    )


# ----------------------------------------------------------------------- main


def required_env(name):
    value = os.environ.get(name)
    if not value:
        raise ScriptError(
            f"{name} is not set: set SC_URL, SC_USER and SC_PASSWORD for the "
            "SecureChange API and SCANNER_URL for the scanner"
        )
    return value


def run():
    event = os.environ.get("SCW_EVENT")
    if event is None:
        raise ScriptError(
            "SCW_EVENT is not set. SecureChange sets it, "
            "so to run the script by hand, set SCW_EVENT=ADVANCE"
        )
    event = event.strip().upper()
    if event not in EVENTS:
        raise ScriptError(f"SCW_EVENT is `{event}`: expected one of {', '.join(EVENTS)}")
    try:
        ticket_info = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScriptError(f"standard input is not valid UTF-8: {error}") from None
    ticket_id, stage_id, stage_name = read_ticket_info(ticket_info)
    if event == "TEST":
        for name in ("SC_URL", "SC_USER", "SC_PASSWORD", "SCANNER_URL"):
            required_env(name)
        log("TEST event: SC_URL, SC_USER, SC_PASSWORD and SCANNER_URL are set")
        return
    if ticket_id is None:
        raise ScriptError(f"the <ticket_info> document for {event} has no ticket <id>")
    if event not in ("CREATE", "ADVANCE"):
        log(f"ticket {ticket_id}: ignoring {event} event")
        return
    scanner_url = required_env("SCANNER_URL")
    field_name = os.environ.get("FINDINGS_FIELD") or DEFAULT_FINDINGS_FIELD

    api = Api(required_env("SC_URL"), required_env("SC_USER"), required_env("SC_PASSWORD"))
    ticket = read_ticket(api.request("GET", f"tickets/{ticket_id}"))
    # On ADVANCE <current_stage> names the step being left, so the ticket's
    # current step is only a fallback.
    step = step_named(ticket, stage_name) if stage_name else None
    step = step or current_step(ticket)
    if step is None:
        log(f"ticket {ticket_id}: no step to check")
        return
    addresses = servers(latest_access_requests(ticket, step))
    if not addresses:
        log(f"ticket {ticket_id}: no server addresses in the access requests")
        return

    opener = direct_opener()
    results = [(server, ask_scanner(opener, scanner_url, server)) for server in addresses]
    comment = summary(results)
    log(f"ticket {ticket_id}: {comment}")

    current = ticket["current_step"]
    if stage_id is not None and (current is None or current["id"] != stage_id):
        now = f"`{current['name']}` ({current['id']})" if current else "no current step"
        log(
            f"ticket {ticket_id} moved from step `{stage_name}` ({stage_id}) to {now} "
            "since the event, so nothing was written"
        )
        return
    target, writes = plan_field_writes(ticket, field_name)
    text = "\n".join(host_line(server, findings) for server, findings in results)
    prefix = f"tickets/{ticket_id}/steps/{target['id']}/tasks"
    for task_id, field in writes:
        api.request("PUT", f"{prefix}/{task_id}/fields", field_body(field, text))
    first_task = target["tasks"][0]["id"]
    api.request(
        "POST",
        f"{prefix}/{first_task}/comments",
        f"<comment><content>{escape(comment)}</content></comment>",
    )


def main():
    try:
        run()
    except ScriptError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Score the risk of a SecureChange ticket's access requests on ADVANCE.

A classic SecureChange trigger script, written as an admin would write it
today: the benchmark's baseline for hook-runner's example hook
guests/risk-scorer, whose results it reproduces field for field.

Contract (as SecureChange calls a script):
  SCW_EVENT      the workflow event. Only ADVANCE changes the ticket, and
                 TEST checks that the variables below are set, without
                 calling the API.
  standard input the <ticket_info> document
  SC_URL         base URL of SecureChange, such as https://sc.example.com
                 (the REST API is under /securechangeworkflow/api/securechange/)
  SC_USER        API user name
  SC_PASSWORD    API password

On ADVANCE the script reads the ticket, scores the access requests of the
step named in <ticket_info> (or of the latest earlier step that has some),
writes the score, the reasons and the level into the ticket's current step
and adds a summary comment. When the ticket has already left that step, it
writes nothing, as hook-runner does by default.

Exit codes: 0 when the fields were written or there was nothing to do,
1 on invalid input, a field that cannot take its value, or an API failure.
hook-runner exits 4, 5 and 6 in those cases.

NOTE: hook-runner also caps an outcome at 256 KiB of text per value, 20
comments and 200 fields. This script has no such caps, so on a ticket whose
reasons exceed 256 KiB it writes where hook-runner fails.
"""

import base64
import os
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

# Field names, as the demo configuration of hook-runner sets them. Set
# LEVEL_FIELD to None to leave the level out.
SCORE_FIELD = "Risk Score"
REASON_FIELD = "Risk Reason"
LEVEL_FIELD = "Risk Level"

API_PATH = "/securechangeworkflow/api/securechange/"
TIMEOUT_SECONDS = 30
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
EVENTS = (
    "CREATE CLOSE CANCEL REJECT ADVANCE REDO RESUBMIT REOPEN RESOLVE "
    "PRE_ASSIGNMENT_SCRIPT AUTOMATION_FAILED TEST"
).split()

# Scoring rules: points per network object or service of one access request.
MAX_SCORE = 100
ANY_SOURCE = 30
ANY_DESTINATION = 30
INTERNET_SOURCE = 20
INTERNET_DESTINATION = 15
ANY_SERVICE = 25
WIDER_THAN_16 = 25  # prefix shorter than /16
WIDER_THAN_24 = 10  # prefix from /16 to /23
INVALID_NETMASK = 10  # not a dotted mask, so the object's size is unknown
MEDIUM_FROM = 30
HIGH_FROM = 60


class ScriptError(Exception):
    """A failure that ends the script with exit code 1."""


def log(message):
    print(f"risk_scorer: {message}", file=sys.stderr)


# ---------------------------------------------------------------- XML helpers


def local_name(name):
    return name.rsplit("}", 1)[-1]


def parse_xml(text, description):
    """Parse an XML document and drop namespaces from element names."""
    if "<!DOCTYPE" in text:
        raise ScriptError(
            f"{description} declares a DOCTYPE, which SecureChange never sends"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ScriptError(f"{description} is not well-formed XML: {error}") from None
    for element in root.iter():
        element.tag = local_name(element.tag)
    return root


def own_text(element):
    """Return the text directly inside an element, stripped, as hook-runner reads it."""
    if element is None:
        return ""
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return "".join(parts).strip()


def child_text(element, name):
    return own_text(element.find(name))


def optional_text(element, name):
    return child_text(element, name) or None


def attribute(element, key):
    """Return attribute `key`, else any attribute with the same local name.

    Some producers write `type` for `xsi:type` and the other way round.
    """
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
    """Return (ticket id, step id, step name) from <ticket_info>.

    The ticket id is None for the empty document of the Test button, and the
    step is (None, None) when the document names no current stage.
    """
    root = parse_xml(text, "standard input")
    if root.tag != "ticket_info":
        raise ScriptError(
            f"standard input has root element <{root.tag}>, expected <ticket_info>"
        )
    id_text = child_text(root, "id")
    if not id_text:
        return None, None, None
    ticket_id = number(id_text, "<ticket_info> element <id>")
    stage = root.find("current_stage")
    stage_id_text = child_text(stage, "id") if stage is not None else ""
    if not stage_id_text:
        return ticket_id, None, None
    stage_id = number(stage_id_text, "<ticket_info> element <current_stage/id>")
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
        tasks = []
        for task in step.findall("tasks/task"):
            fields = [read_field(field) for field in task.findall("fields/field")]
            tasks.append(
                {
                    "id": number(child_text(task, "id"), "ticket element <task/id>"),
                    "fields": fields,
                }
            )
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
        "options": [
            child_text(option, "value") for option in field.findall("options/option")
        ],
        "element": field,
    }


def read_access_request(element):
    return {
        "order": child_text(element, "order"),
        "action": child_text(element, "action"),
        "sources": [read_network_object(e) for e in element.findall("sources/source")],
        "destinations": [
            read_network_object(e) for e in element.findall("destinations/destination")
        ],
        "service_kinds": [
            attribute(e, "type") for e in element.findall("services/service")
        ],
    }


def read_network_object(element):
    return {
        "kind": attribute(element, "type"),
        "ip_address": optional_text(element, "ip_address"),
        "netmask": optional_text(element, "netmask"),
        "name": (
            optional_text(element, "object_name")
            or optional_text(element, "host_name")
            or optional_text(element, "name")
        ),
    }


# ------------------------------------------------------------ step selection


def last_step_named(ticket, name):
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
    return last_step_named(ticket, current["name"])


def access_requests(step):
    """Return the rows of the step's multi_access_request fields, or None
    when it has no such field.

    A step with several tasks repeats its fields on every task, so only the
    first field of each name counts.
    """
    seen = set()
    rows = []
    for task in step["tasks"]:
        for field in task["fields"]:
            if field["type"] != "multi_access_request" or field["name"] in seen:
                continue
            seen.add(field["name"])
            rows.extend(
                read_access_request(e)
                for e in field["element"].findall("access_request")
            )
    return rows if seen else None


def latest_access_requests(ticket, step):
    """Return the access requests of `step`, or of the latest step before it
    that has any: review steps often carry no copy of them."""
    steps = ticket["steps"]
    end = len(steps)
    for index, candidate in enumerate(steps):
        if candidate["id"] == step["id"]:
            end = index + 1
    for candidate in reversed(steps[:end]):
        rows = access_requests(candidate)
        if rows is not None:
            return rows
    return None


# -------------------------------------------------------------------- scoring


def equals_ignoring_case(text, expected):
    """Compare ignoring ASCII case only, as the Rust hook does."""
    return text.isascii() and text.lower() == expected.lower()


def netmask_prefix_len(netmask):
    """Return the prefix length of a dotted IPv4 netmask, or None when the
    text is not one whose one bits are contiguous from the left."""
    octets = netmask.strip().split(".")
    if len(octets) != 4:
        return None
    mask = 0
    for octet in octets:
        # Like Rust's Ipv4Addr parser: 1 to 3 digits, no leading zero.
        if not (octet.isascii() and octet.isdigit()) or len(octet) > 3:
            return None
        if len(octet) > 1 and octet[0] == "0":
            return None
        if int(octet) > 255:
            return None
        mask = mask << 8 | int(octet)
    ones = 0
    while ones < 32 and mask & (1 << (31 - ones)):
        ones += 1
    if (mask << ones) & 0xFFFFFFFF:
        return None
    return ones


def describe_object(network_object, prefix):
    if network_object["ip_address"] is not None:
        return f"{network_object['ip_address']}/{prefix}"
    if network_object["name"] is not None:
        return network_object["name"]
    return network_object["kind"]


def score_object(side, network_object):
    """Return (points, reason) of the network object rule that matches, or None.

    At most one rule matches an object.
    """
    kind = network_object["kind"]
    if equals_ignoring_case(kind, "ANY"):
        return (ANY_SOURCE if side == "source" else ANY_DESTINATION), f"{side} is ANY"
    if equals_ignoring_case(kind, "INTERNET"):
        points = INTERNET_SOURCE if side == "source" else INTERNET_DESTINATION
        return points, f"{side} is the Internet"
    netmask = network_object["netmask"]
    if netmask is None:
        return None
    prefix = netmask_prefix_len(netmask)
    if prefix is None:
        address = network_object["ip_address"] or "object"
        return INVALID_NETMASK, f"{side} {address} has an invalid netmask {netmask}"
    if prefix < 16:
        points, limit = WIDER_THAN_16, 16
    elif prefix < 24:
        points, limit = WIDER_THAN_24, 24
    else:
        return None
    return (
        points,
        f"{side} {describe_object(network_object, prefix)} is wider than /{limit}",
    )


def score_request(request):
    """Return the (points, reason) findings of one access request.

    Drop and Remove requests close access and add nothing. Any other action,
    known or not, is scored.
    """
    action = request["action"]
    if equals_ignoring_case(action, "Drop") or equals_ignoring_case(action, "Remove"):
        return []
    findings = [
        score_object("source", network_object) for network_object in request["sources"]
    ]
    findings += [
        score_object("destination", network_object)
        for network_object in request["destinations"]
    ]
    findings = [finding for finding in findings if finding is not None]
    if any(equals_ignoring_case(kind, "ANY") for kind in request["service_kinds"]):
        findings.append((ANY_SERVICE, "service is ANY"))
    return findings


def level_of(score):
    if score >= HIGH_FROM:
        return "High"
    if score >= MEDIUM_FROM:
        return "Medium"
    return "Low"


def assess(requests):
    """Return the score, level, reason text and summary comment."""
    lines = []
    uncapped = 0
    for request in requests:
        findings = score_request(request)
        if not findings:
            continue
        uncapped += sum(points for points, _ in findings)
        parts = [f"{reason} (+{points})" for points, reason in findings]
        lines.append(f"{request['order']}: {'; '.join(parts)}")
    score = min(uncapped, MAX_SCORE)
    level = level_of(score)

    if not requests:
        reason = "No access requests to assess."
    elif not lines:
        reason = f"None of the {len(requests)} access requests matched a risk rule."
    else:
        reason = "\n".join(lines)

    summary = (
        f"Risk score {score}/{MAX_SCORE} ({level}) for {len(requests)} access request(s); "
        f"{len(lines)} of them matched a risk rule."
    )
    if uncapped > score:
        summary += f" The rules added up to {uncapped} points, capped at {MAX_SCORE}."
    return score, level, reason, summary


# ---------------------------------------------------------------- write plan


def plan_writes(ticket, updates):
    """Return the current step and, per task, the fields to write.

    `updates` is a list of (field name, "text" or "drop-down", value). Every
    update is checked before anything is written, so a field that is
    missing, read-only, of another type, or a drop-down value that is not
    one of its options writes nothing.
    """
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
        raise ScriptError(
            f"step `{step['name']}` of ticket {ticket['id']} has no task to write to"
        )

    problems = []
    writes = [(task["id"], []) for task in step["tasks"]]
    for name, kind, value in updates:
        found = False
        for task, (_, fields) in zip(step["tasks"], writes):
            field = next((f for f in task["fields"] if f["name"] == name), None)
            if field is None:
                continue
            found = True
            problem = check_value(field, kind, value)
            if problem:
                if problem not in problems:
                    problems.append(problem)
            else:
                fields.append((field, value))
        if not found:
            problems.append(
                f"field `{name}` is not on the current step `{step['name']}`"
            )
    if problems:
        raise ScriptError(
            f"{len(problems)} field update(s) cannot be applied to step `{step['name']}` "
            f"of ticket {ticket['id']}, so none was written:\n  "
            + "\n  ".join(problems)
        )
    return step, [(task_id, fields) for task_id, fields in writes if fields]


# Field types that take each kind of value the script writes.
ACCEPTED_TYPES = {"text": ("text_field", "text_area"), "drop-down": ("drop_down_list",)}


def check_value(field, kind, value):
    """Return why `field` cannot take the value, or None when it can."""
    name, field_type = field["name"], field["type"]
    if field["read_only"]:
        return f"field `{name}` is read-only (type `{field_type}`)"
    if field_type not in ACCEPTED_TYPES[kind]:
        return (
            f"field `{name}` has type `{field_type}`, "
            f"which does not take a `{kind}` value"
        )
    if kind == "drop-down" and field["options"] and value not in field["options"]:
        options = ", ".join(f"`{option}`" for option in field["options"])
        return f"field `{name}`: `{value}` is not one of its options ({options})"
    return None


def fields_body(fields):
    """Build the <fields> body that writes several fields of one task."""
    elements = []
    for field, value in fields:
        tag = "selection" if field["type"] == "drop_down_list" else "text"
        elements.append(
            '<field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:type="{escape(field["type"])}"><id>{field["id"]}</id>'
            f"<name>{escape(field['name'])}</name><{tag}>{escape(value)}</{tag}></field>"
        )
    return "<fields>" + "".join(elements) + "</fields>"


# ------------------------------------------------------------------------ API


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects, so the credentials only go to SC_URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Api:
    """The SecureChange REST API over HTTP Basic authentication, in XML."""

    def __init__(self, url, user, password):
        self.base = url.rstrip("/") + API_PATH
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.authorization = f"Basic {token}"
        # The API is called directly: the *_proxy environment variables are ignored.
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), NoRedirect
        )

    def request(self, method, path, body=None):
        url = self.base + path
        data = None if body is None else body.encode("utf-8")
        request = urllib.request.Request(url, method=method, data=data)
        request.add_header("Authorization", self.authorization)
        request.add_header("Accept", "application/xml")
        if body is not None:
            request.add_header("Content-Type", "application/xml")
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                response_body = response.read()
        except urllib.error.HTTPError as error:
            detail = error_detail(error.read().decode("utf-8", "replace"))
            raise ScriptError(f"{method} {url} returned {error.code}{detail}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ScriptError(f"{method} {url} failed: {reason}") from None
        try:
            return response_body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ScriptError(
                f"{method} {url} returned a body that is not UTF-8: {error}"
            ) from None

    def get_ticket(self, ticket_id):
        return read_ticket(self.request("GET", f"tickets/{ticket_id}"))

    def put_fields(self, ticket_id, step_id, task_id, body):
        self.request(
            "PUT", f"tickets/{ticket_id}/steps/{step_id}/tasks/{task_id}/fields", body
        )

    def post_comment(self, ticket_id, step_id, task_id, text):
        body = f"<comment><content>{escape(text)}</content></comment>"
        self.request(
            "POST",
            f"tickets/{ticket_id}/steps/{step_id}/tasks/{task_id}/comments",
            body,
        )


def error_detail(body):
    """Return ` CODE: message` from SecureChange's <result> error body.

    A body of another form is quoted, cut to 300 characters.
    """
    try:
        result = ET.fromstring(body)
    except ET.ParseError:
        return f": {body.strip()[:300]}" if body.strip() else ""
    code = child_text(result, "code")
    message = child_text(result, "message")
    return f"{' ' + code if code else ''}: {message}"


# ----------------------------------------------------------------------- main


def required_env(name):
    value = os.environ.get(name)
    if not value:
        raise ScriptError(
            f"{name} is not set: "
            "set SC_URL, SC_USER and SC_PASSWORD for the SecureChange API"
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
        raise ScriptError(
            f"SCW_EVENT is `{event}`: expected one of {', '.join(EVENTS)}"
        )

    try:
        ticket_info = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScriptError(f"standard input is not valid UTF-8: {error}") from None
    ticket_id, stage_id, stage_name = read_ticket_info(ticket_info)
    if event == "TEST":
        # The Test button checks the setup, and the API must not be called.
        for name in ("SC_URL", "SC_USER", "SC_PASSWORD"):
            required_env(name)
        log("TEST event: SC_URL, SC_USER and SC_PASSWORD are set")
        return
    if ticket_id is None:
        raise ScriptError(f"the <ticket_info> document for {event} has no ticket <id>")
    if event != "ADVANCE":
        log(f"ticket {ticket_id}: ignoring {event} event")
        return

    api = Api(
        required_env("SC_URL"), required_env("SC_USER"), required_env("SC_PASSWORD")
    )
    ticket = api.get_ticket(ticket_id)

    # On ADVANCE <current_stage> names the step being left. The ticket's
    # current step is only a fallback, because it may already be the next.
    step = last_step_named(ticket, stage_name) if stage_id is not None else None
    if step is None:
        step = current_step(ticket)
    if step is None:
        log(f"ticket {ticket_id}: no step to score")
        return
    requests = latest_access_requests(ticket, step)
    if requests is None:
        step_name = step["name"]
        log(
            f'ticket {ticket_id}: no multi_access_request field up to step "{step_name}"'
        )
        return

    score, level, reason, summary = assess(requests)
    log(f"ticket {ticket_id}: risk score {score} ({level})")

    current = ticket["current_step"]
    if stage_id is not None and (current is None or current["id"] != stage_id):
        now = f"`{current['name']}` ({current['id']})" if current else "no current step"
        log(
            f"ticket {ticket_id} moved from step `{stage_name}` ({stage_id}) to {now} "
            "since the event, so nothing was written"
        )
        return

    updates = [(SCORE_FIELD, "text", str(score)), (REASON_FIELD, "text", reason)]
    if LEVEL_FIELD:
        updates.append((LEVEL_FIELD, "drop-down", level))
    target_step, task_writes = plan_writes(ticket, updates)

    for written, (task_id, fields) in enumerate(task_writes):
        try:
            api.put_fields(ticket_id, target_step["id"], task_id, fields_body(fields))
        except ScriptError as error:
            raise ScriptError(
                f"{error} ({written} earlier task write(s) were applied)"
            ) from None
        log(f"ticket {ticket_id}: wrote {len(fields)} field(s) on task {task_id}")
    first_task = target_step["tasks"][0]["id"]
    try:
        api.post_comment(ticket_id, target_step["id"], first_task, summary)
    except ScriptError as error:
        raise ScriptError(
            f"wrote the fields, but failed to add the comment: {error}"
        ) from None
    log(f"ticket {ticket_id}: added comment to task {first_task}")


def main():
    try:
        run()
    except ScriptError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

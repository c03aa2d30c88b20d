#!/usr/bin/env python3
"""Write a SecureChange ticket with COUNT access requests for the benchmark.

The ticket has the layout of tests/fixtures/tickets/1001.xml and loads into
the API emulator (`scw-emulator --data DIR` serves every *.xml file in DIR
whose root is <ticket>). Its steps are Open Request, Business Approval and
the current step Risk Review. Only Open Request carries the access requests,
so the scorer looks back to it from Risk Review, and 1,000 requests make a
file of about 3 MB.

The rows cycle through the patterns of row_pattern(), which hit every rule
of the risk-scorer hook and also include rows that no rule matches. With
--ticket-info the script also writes the <ticket_info> document of an
ADVANCE event that leaves Risk Review, for the scorer's standard input.

The steps and tasks have the ids of ticket 1001 (steps 3001 to 3003, tasks
4001 to 4003), so tests/fixtures/ticket_info/advance-1001.xml with the
ticket id replaced is a valid event for the generated ticket too.

Usage: make_ticket.py COUNT TICKET_ID OUTPUT [--review-tasks K]
                      [--ticket-info FILE]
"""

import argparse
import itertools
import sys
import xml.etree.ElementTree as ET

XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
REVIEW_STEP_ID = 3003
REVIEW_STEP_NAME = "Risk Review"
REVIEW_TASK_ID = 4003


def host(ip):
    return ("IP", {"ip_address": ip, "netmask": "255.255.255.255"})


def network(ip, netmask):
    return ("IP", {"ip_address": ip, "netmask": netmask})


ANY = ("ANY", {})
INTERNET = ("INTERNET", {})


def tcp(port):
    return ("PROTOCOL", {"protocol": "TCP", "port": str(port)})


def udp(port):
    return ("PROTOCOL", {"protocol": "UDP", "port": str(port)})


ANY_SERVICE = ("ANY", {})

JUSTIFICATION = (
    "Zugriff für die Abrechnungsanwendung: the settlement batch exchanges files "
    "with the payment gateway every night, and the monitoring agents poll the "
    "hosts every minute. Requested by the application owner after the data "
    "centre move; the firewall team reviews the rule again at the next "
    "quarterly recertification, and the change window is agreed with operations."
)


def row_pattern(i):
    """Return row `i` as (action, sources, destinations, services, the rules
    it hits). Rows cycle through the patterns and addresses vary with `i`."""
    a, b = i // 250 % 250 + 1, i % 250 + 1
    patterns = [
        (
            "Accept",
            [host(f"10.{a}.{b}.10")],
            [network(f"192.168.{b}.0", "255.255.255.0")],
            [tcp(443)],
            "none",
        ),
        ("Accept", [ANY], [host(f"10.{a}.{b}.20")], [tcp(443)], "ANY source"),
        ("Accept", [host(f"10.{a}.{b}.30")], [ANY], [tcp(22)], "ANY destination"),
        ("Accept", [INTERNET], [host(f"172.16.{b}.40")], [tcp(443)], "Internet source"),
        (
            "Accept",
            [host(f"172.17.{b}.50")],
            [INTERNET],
            [tcp(80)],
            "Internet destination",
        ),
        (
            "Accept",
            [network("10.0.0.0", "255.0.0.0")],
            [host(f"192.168.{b}.60")],
            [tcp(8443)],
            "/8",
        ),
        (
            "Accept",
            [host(f"10.{a}.{b}.70")],
            [network(f"172.{a % 16 + 16}.0.0", "255.255.0.0")],
            [udp(53)],
            "/16",
        ),
        (
            "Accept",
            [network(f"10.{b}.0.0", "255.0.255.0")],
            [host(f"10.{a}.{b}.80")],
            [tcp(1521)],
            "invalid netmask",
        ),
        (
            "Accept",
            [host(f"10.{a}.{b}.90")],
            [host(f"10.{b}.{a}.91")],
            [ANY_SERVICE],
            "ANY service",
        ),
        ("Drop", [ANY], [ANY], [ANY_SERVICE], "Drop adds nothing"),
        (
            "Remove",
            [network("10.0.0.0", "255.0.0.0")],
            [host(f"10.{a}.{b}.100")],
            [tcp(25)],
            "Remove adds nothing",
        ),
        (
            "Accept",
            [
                ("DNS", {"host_name": f"batch{b}.example.com"}),
                (
                    "RANGE",
                    {
                        "range_first_ip": f"10.{a}.{b}.1",
                        "range_last_ip": f"10.{a}.{b}.9",
                    },
                ),
            ],
            [network(f"10.{b}.2.0", "255.255.254.0"), network("0.0.0.0", "0.0.0.0")],
            [tcp(22), ANY_SERVICE],
            "/23, /0 and ANY service in one row",
        ),
        (
            "Accept",
            [
                (
                    "Object",
                    {"object_name": f"app-servers-{b}", "object_type": "Network Group"},
                )
            ],
            [("IP", {"ip_address": f"10.{a}.{b}.110"})],
            [("PREDEFINED", {"name": "ssh"})],
            "named object and host without netmask: none",
        ),
        (
            "Accept",
            [network(f"10.{a}.{b}.0", "255.255.255.000")],
            [host(f"10.{b}.{a}.120")],
            [tcp(443)],
            "netmask with a leading zero: invalid",
        ),
    ]
    return patterns[i % len(patterns)]


def add(parent, name, text=None, attributes=None):
    element = ET.SubElement(parent, name, attributes or {})
    if text is not None:
        element.text = str(text)
    return element


class TicketWriter:
    """Build the ticket, numbering every id from one counter."""

    def __init__(self, ticket_id, count, review_tasks):
        self.ticket_id = ticket_id
        self.count = count
        self.review_tasks = review_tasks
        self.ids = itertools.count(70000)

    def field(self, fields, field_type, name):
        attributes = {"xmlns:xsi": XSI_NAMESPACE, "xsi:type": field_type}
        field = add(fields, "field", attributes=attributes)
        add(field, "id", next(self.ids))
        add(field, "name", name)
        add(field, "read_only", "false")
        return field

    def access_requests(self, fields):
        field = self.field(fields, "multi_access_request", "Required Access")
        for i in range(self.count):
            action, sources, destinations, services, _ = row_pattern(i)
            request = add(field, "access_request")
            add(request, "id", next(self.ids))
            add(request, "order", f"AR{i + 1}")
            add(add(request, "risk_analysis_result"), "status", "not run")
            add(add(request, "verifier_result"), "status", "not run")
            add(request, "use_topology", "true")
            targets = add(request, "targets")
            target = add(targets, "target", attributes={"type": "Object"})
            add(target, "id", next(self.ids))
            add(target, "object_name", f"fw-edge-{i % 3 + 1:02}")
            add(target, "management_name", "cluster-dmz")
            add(add(request, "users"), "user", "Any")
            add(request, "source_domain", "Default")
            add(request, "destination_domain", "Default")
            self.objects(add(request, "sources"), "source", sources)
            self.objects(add(request, "destinations"), "destination", destinations)
            self.objects(add(request, "services"), "service", services)
            add(request, "action", action)
            add(request, "labels")
            # A requester's justification, as real rows carry, in non-ASCII text
            # so that the scorers' UTF-8 handling is exercised.
            add(request, "comment", f"Row {i + 1}: {JUSTIFICATION}")

    def objects(self, parent, name, objects):
        for kind, values in objects:
            element = add(parent, name, attributes={"type": kind})
            add(element, "id", next(self.ids))
            for key, value in values.items():
                add(element, key, value)

    def step(self, steps, step_id, name, first_task_id, assignees, status):
        """Add a step with one task per assignee, numbered from `first_task_id`,
        and return the tasks' <fields> elements."""
        step = add(steps, "step")
        add(step, "id", step_id)
        add(step, "name", name)
        add(step, "redone", "false")
        add(step, "skipped", "false")
        tasks = add(step, "tasks")
        task_fields = []
        for number, assignee in enumerate(assignees, start=1):
            task = add(tasks, "task")
            add(task, "id", first_task_id + number - 1)
            add(task, "assignee", assignee)
            add(task, "status", status)
            task_fields.append(add(task, "fields"))
        return task_fields

    def build(self):
        ticket = ET.Element("ticket")
        add(ticket, "id", self.ticket_id)
        add(ticket, "subject", f"Benchmark: {self.count} access requests")
        add(ticket, "requester", "j.meyer")
        add(ticket, "priority", "Normal")
        add(ticket, "status", "In Progress")
        workflow = add(ticket, "workflow")
        add(workflow, "id", 210)
        add(workflow, "name", "Access Request")
        steps = add(ticket, "steps")

        [fields] = self.step(steps, 3001, "Open Request", 4001, ["j.meyer"], "DONE")
        self.access_requests(fields)
        justification = self.field(fields, "text_area", "Business Justification")
        add(justification, "text", "Generated for the hook-runner benchmark.")

        [fields] = self.step(
            steps, 3002, "Business Approval", 4002, ["a.schulz"], "DONE"
        )
        approval = self.field(fields, "approve_reject", "Business Approval")
        add(approval, "approved", "true")
        add(approval, "reason", "Benchmark data.")

        # A review step with several tasks (dynamic assignment) repeats the
        # fields on every task.
        reviewers = [f"reviewer{number}" for number in range(1, self.review_tasks + 1)]
        for fields in self.step(
            steps,
            REVIEW_STEP_ID,
            REVIEW_STEP_NAME,
            REVIEW_TASK_ID,
            reviewers,
            "ASSIGNED",
        ):
            add(self.field(fields, "text_field", "Risk Score"), "text", "")
            add(self.field(fields, "text_area", "Risk Reason"), "text", "")
            options = add(self.field(fields, "drop_down_list", "Risk Level"), "options")
            for level in ("Low", "Medium", "High"):
                add(add(options, "option"), "value", level)
            add(self.field(fields, "checkbox", "Reviewed"), "value", "false")

        current = add(ticket, "current_step")
        add(current, "id", REVIEW_STEP_ID)
        add(current, "name", REVIEW_STEP_NAME)
        add(ticket, "comments")
        return ticket


def ticket_info(ticket_id, count):
    root = ET.Element("ticket_info")
    add(root, "id", ticket_id)
    add(root, "subject", f"Benchmark: {count} access requests")
    stage = add(root, "current_stage")
    add(stage, "id", REVIEW_STEP_ID)
    add(stage, "name", REVIEW_STEP_NAME)
    task = add(stage, "ticket_task")
    add(task, "id", REVIEW_TASK_ID)
    add(task, "name", REVIEW_STEP_NAME)
    add(root, "comment", "")
    return root


def write(root, path):
    ET.indent(root, space="    ")
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "count", type=int, help="number of access requests (at least 0)"
    )
    parser.add_argument("ticket_id", type=int, help="ticket id (1 or more)")
    parser.add_argument("output", help="path of the ticket XML file to write")
    parser.add_argument(
        "--review-tasks",
        type=int,
        default=1,
        help="tasks of the Risk Review step, each with the risk fields (default: 1)",
    )
    parser.add_argument(
        "--ticket-info",
        metavar="FILE",
        help="also write the <ticket_info> of an ADVANCE event",
    )
    args = parser.parse_args()
    if args.count < 0 or args.ticket_id < 1 or args.review_tasks < 1:
        parser.error("COUNT must be 0 or more, TICKET_ID and --review-tasks 1 or more")

    try:
        ticket = TicketWriter(args.ticket_id, args.count, args.review_tasks).build()
        write(ticket, args.output)
        if args.ticket_info:
            write(ticket_info(args.ticket_id, args.count), args.ticket_info)
    except OSError as error:
        print(f"make_ticket: failed to write: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

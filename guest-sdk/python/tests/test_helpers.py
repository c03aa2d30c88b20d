"""Unit tests of the pure helpers, run in plain Python against the generated
types (`make sdk-tests`)."""

import unittest

from componentize_py_types import Err
from wit_world.imports import api_types as t

from hook_runner_guest import HookFailed, Outcome, network, ticket, values
from hook_runner_guest.hook import run_hook
from hook_runner_guest.tickets import api_error
from wit_world.imports import tickets as tickets_import


def obj(kind, ip=None, netmask=None, name=None):
    return t.NetworkObject(kind=kind, ip_address=ip, netmask=netmask, name=name)


def field(name, value):
    return t.Field(id=0, name=name, field_type="text_field", read_only=False, value=value)


def step(step_id, name, tasks):
    return t.Step(id=step_id, name=name, redone=False, skipped=False, tasks=tasks)


def task(task_id, fields):
    return t.Task(id=task_id, name="Default", status="ASSIGNED", assignee="a", fields=fields)


def make_ticket(steps, current):
    return t.Ticket(
        id=42,
        subject="s",
        status="In Progress",
        priority="Normal",
        requester="r",
        workflow=t.NamedRef(id=1, name="Access"),
        steps=steps,
        current_step=None if current is None else t.NamedRef(id=current[0], name=current[1]),
        comments=[],
    )


class NetworkTest(unittest.TestCase):
    def test_prefix_len_of_valid_netmasks(self):
        cases = [("0.0.0.0", 0), ("128.0.0.0", 1), ("255.255.240.0", 20), ("255.255.255.255", 32)]
        for netmask, expected in cases:
            with self.subTest(netmask=netmask):
                self.assertEqual(network.prefix_len(obj("IP", "10.0.0.0", netmask)), expected)

    def test_prefix_len_none_for_invalid_netmasks(self):
        for netmask in ["255.0.255.0", "0.0.0.255", "255.255.255", "24", "", "ffff::"]:
            with self.subTest(netmask=netmask):
                self.assertIsNone(network.prefix_len(obj("IP", "10.0.0.0", netmask)))

    def test_host_address_only_for_single_hosts(self):
        self.assertEqual(network.host_address(obj("IP", "10.1.2.3", "255.255.255.255")), "10.1.2.3")
        self.assertEqual(network.host_address(obj("IP", "10.1.2.3")), "10.1.2.3")
        self.assertIsNone(network.host_address(obj("IP", "10.0.0.0", "255.0.0.0")))
        self.assertIsNone(network.host_address(obj("ANY")))
        self.assertIsNone(network.host_address(obj("Object", name="web")))

    def test_describe_object(self):
        self.assertEqual(network.describe_object(obj("IP", "10.0.0.0", "255.0.0.0")), "10.0.0.0/8")
        self.assertEqual(
            network.describe_object(obj("IP", "10.0.0.0", "255.0.255.0")),
            "10.0.0.0 netmask 255.0.255.0",
        )
        self.assertEqual(network.describe_object(obj("any")), "ANY")
        self.assertEqual(network.describe_object(obj("INTERNET")), "Internet")
        self.assertEqual(network.describe_object(obj("Object", name="web")), "web")

    def test_describe_service(self):
        tcp = t.Service(kind="PROTOCOL", protocol="TCP", port="443", name=None)
        self.assertEqual(network.describe_service(tcp), "tcp/443")
        any_service = t.Service(kind="ANY", protocol=None, port=None, name=None)
        self.assertEqual(network.describe_service(any_service), "ANY")


class TicketTest(unittest.TestCase):
    def test_current_step_by_id_then_name(self):
        steps = [step(1, "Request", []), step(2, "Review", [])]
        self.assertEqual(ticket.current_step(make_ticket(steps, (2, "Renamed"))).id, 2)
        self.assertEqual(ticket.current_step(make_ticket(steps, (99, "Request"))).id, 1)
        self.assertIsNone(ticket.current_step(make_ticket(steps, None)))

    def test_step_by_name_returns_latest_run(self):
        steps = [step(1, "Review", []), step(2, "Implement", []), step(3, "Review", [])]
        self.assertEqual(ticket.step(make_ticket(steps, None), "Review").id, 3)
        self.assertIsNone(ticket.step(make_ticket(steps, None), "Missing"))

    def test_fields_by_name_on_every_task(self):
        review = step(
            2,
            "Review",
            [
                task(10, [field("Owner", t.FieldValue_Text("net"))]),
                task(11, [field("Notes", t.FieldValue_Text("ok"))]),
            ],
        )
        self.assertEqual(ticket.text(ticket.step_field(review, "Notes")), "ok")
        self.assertIsNone(ticket.step_field(review, "owner"))
        self.assertEqual(len(list(ticket.step_fields(review))), 2)
        current = make_ticket([review], (2, "Review"))
        self.assertEqual(ticket.text(ticket.current_field(current, "Owner")), "net")

    def test_typed_views_match_their_kind_only(self):
        box = field("Done", t.FieldValue_Checkbox(True))
        self.assertTrue(ticket.checkbox(box))
        self.assertIsNone(ticket.text(box))
        drop = field("Level", t.FieldValue_DropDown(t.DropDown(selection="High", options=["High"])))
        self.assertEqual(ticket.selection(drop), "High")
        self.assertIsNone(ticket.date(drop))
        rows = field("Access", t.FieldValue_AccessRequests([]))
        self.assertEqual(ticket.access_requests(rows), [])
        self.assertIsNone(ticket.multi_text(rows))


class OutcomeTest(unittest.TestCase):
    def test_set_field_replaces_earlier_value(self):
        outcome = Outcome().set_field("A", values.text("1")).set_field("A", values.text("2"))
        self.assertEqual(len(outcome.field_updates), 1)
        self.assertEqual(outcome.field_updates[0].value, t.FieldInput_Text("2"))

    def test_to_wit_keeps_order(self):
        outcome = Outcome().set_field("A", values.checkbox(True)).comment("x").comment("y")
        wit = outcome.to_wit()
        self.assertEqual(wit.comments, ["x", "y"])
        self.assertEqual(wit.field_updates[0].field, "A")
        self.assertFalse(Outcome().to_wit().comments)
        self.assertTrue(Outcome().is_empty())

    def test_value_constructors(self):
        self.assertEqual(values.approve("ok"), t.FieldInput_ApproveReject(t.Approval(True, "ok")))
        self.assertEqual(values.reject("no"), t.FieldInput_ApproveReject(t.Approval(False, "no")))
        self.assertEqual(values.multi_text(("a", "b")), t.FieldInput_MultiText(["a", "b"]))
        self.assertEqual(values.drop_down("High"), t.FieldInput_DropDown("High"))


class RunHookTest(unittest.TestCase):
    def test_none_is_empty_outcome(self):
        result = run_hook(lambda event, info: None, t.Event.CREATE, None)
        self.assertEqual(result, t.Outcome(field_updates=[], comments=[]))

    def test_hook_failed_becomes_hook_error(self):
        def fail(event, info):
            raise HookFailed("scanner down", retryable=True)

        with self.assertRaises(Err) as raised:
            run_hook(fail, t.Event.CREATE, None)
        self.assertEqual(raised.exception.value, t.HookError("scanner down", True))

    def test_wrong_return_type_is_an_error(self):
        with self.assertRaises(Err) as raised:
            run_hook(lambda event, info: "done", t.Event.CREATE, None)
        self.assertIn("returned a str", raised.exception.value.message)
        self.assertFalse(raised.exception.value.retryable)

    def test_api_errors_are_retryable_only_when_unavailable(self):
        denied = api_error(tickets_import.ApiError_Denied("ticket 7"))
        self.assertFalse(denied.retryable)
        self.assertEqual(denied.kind, "denied")
        self.assertIn("ticket 7", denied.message)
        self.assertFalse(api_error(tickets_import.ApiError_NotFound("x")).retryable)
        self.assertTrue(api_error(tickets_import.ApiError_Unavailable("x")).retryable)


if __name__ == "__main__":
    unittest.main()

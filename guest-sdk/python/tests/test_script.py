"""Unit tests of the helpers for scripted conditions and dynamic-assignment
hooks, run in plain Python against the generated types (`make sdk-tests`)."""

import unittest
import unittest.mock

from componentize_py_types import Err
from wit_world.imports import api_types as t

from hook_runner_guest import HookFailed, task, ticket
from hook_runner_guest.script import run_assignment, run_condition


def requests_field(*ids):
    rows = [
        t.AccessRequest(
            id=request_id,
            order=f"AR{request_id}",
            action="Accept",
            sources=[],
            destinations=[],
            services=[],
            targets=[],
            users=[],
            comment="",
        )
        for request_id in ids
    ]
    return t.Field(
        id=0,
        name="Required Access",
        field_type="multi_access_request",
        read_only=False,
        value=t.FieldValue_AccessRequests(rows),
    )


def make_ticket(current):
    def one_task(task_id, *ids):
        return t.Task(id=task_id, name="T", status="ASSIGNED", assignee="a", fields=[requests_field(*ids)])

    steps = [
        t.Step(id=1, name="Open", redone=False, skipped=False, tasks=[one_task(1, 7)]),
        t.Step(
            id=2,
            name="Review",
            redone=False,
            skipped=False,
            tasks=[one_task(2, 10, 11), one_task(3, 11, 12)],
        ),
    ]
    return t.Ticket(
        id=42,
        subject="s",
        status="In Progress",
        priority="Normal",
        requester="r",
        workflow=t.NamedRef(id=1, name="Access"),
        steps=steps,
        current_step=current,
        comments=[],
    )


class TaskTests(unittest.TestCase):
    def test_self_assignment_by_default(self):
        created = task("Review", ["alice", "bob"], access_requests=[10])
        self.assertEqual(created.name, "Review")
        self.assertEqual(created.participants, ["alice", "bob"])
        self.assertIsInstance(created.mode, t.AssignmentMode_SelfAssignment)
        self.assertEqual(created.access_request_ids, [10])

    def test_manual_with_assigner(self):
        created = task("Review", iter(["alice"]), assigner="carol")
        self.assertEqual(created.mode, t.AssignmentMode_Manual("carol"))
        self.assertEqual(created.access_request_ids, [])

    def test_single_string_is_rejected(self):
        with self.assertRaisesRegex(TypeError, r"write \['alice'\]"):
            task("Review", "alice")


class CurrentAccessRequestsTests(unittest.TestCase):
    def test_each_request_once(self):
        full = make_ticket(t.NamedRef(id=2, name="Review"))
        ids = [request.id for request in ticket.current_access_requests(full)]
        self.assertEqual(ids, [10, 11, 12])

    def test_closed_ticket_has_none(self):
        self.assertEqual(ticket.current_access_requests(make_ticket(None)), [])


class RunConditionTests(unittest.TestCase):
    def test_returns_bool(self):
        self.assertIs(run_condition(lambda _: True, make_ticket(None)), True)

    def test_non_bool_is_hook_error(self):
        with self.assertRaises(Err) as raised:
            run_condition(lambda _: "yes", make_ticket(None))
        self.assertIn("returned a str", raised.exception.value.message)

    def test_hook_failed_is_hook_error(self):
        def fail(_):
            raise HookFailed("no networks", retryable=True)

        with self.assertRaises(Err) as raised:
            run_condition(fail, make_ticket(None))
        self.assertEqual(raised.exception.value.message, "no networks")
        self.assertTrue(raised.exception.value.retryable)


class RunAssignmentTests(unittest.TestCase):
    def test_returns_tasks(self):
        tasks = [task("A", ["alice"])]
        self.assertEqual(run_assignment(lambda _: tasks, make_ticket(None)), tasks)

    def test_wrong_type_is_hook_error(self):
        with self.assertRaises(Err) as raised:
            run_assignment(lambda _: ["A"], make_ticket(None))
        self.assertIn("list of tasks", raised.exception.value.message)

    def test_exception_is_hook_error(self):
        # The traceback goes to the host's log, which plain Python does not
        # have, so the test replaces the log function.
        with unittest.mock.patch("hook_runner_guest.log.error") as logged:
            with self.assertRaises(Err) as raised:
                run_assignment(lambda _: 1 / 0, make_ticket(None))
        self.assertIn("unhandled ZeroDivisionError", raised.exception.value.message)
        self.assertIn("ZeroDivisionError", logged.call_args.args[0])

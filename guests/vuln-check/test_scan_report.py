"""Unit tests of the vuln-check hook's report, in plain Python."""

import unittest

from wit_world.imports import api_types as t

import scan_report


def host(ip, netmask="255.255.255.255"):
    return t.NetworkObject(kind="IP", ip_address=ip, netmask=netmask, name=None)


def request(order, sources, destinations):
    return t.AccessRequest(
        id=0,
        order=order,
        action="Accept",
        sources=sources,
        destinations=destinations,
        services=[],
        targets=[],
        users=[],
        comment="",
    )


class ServersTest(unittest.TestCase):
    def test_distinct_hosts_in_ticket_order(self):
        rows = [
            request("AR1", [host("10.0.0.0", "255.0.0.0")], [host("10.1.1.1")]),
            request("AR2", [host("10.2.2.2")], [host("10.1.1.1")]),
        ]
        self.assertEqual(scan_report.servers(rows), ["10.1.1.1", "10.2.2.2"])


class ParseHostTest(unittest.TestCase):
    def test_valid_document(self):
        document = {"vulnerabilities": [{"id": "CVE-1", "severity": "high", "title": "x"}]}
        result = scan_report.parse_host("10.1.1.1", document)
        self.assertTrue(result.known)
        self.assertEqual(result.vulnerabilities, [scan_report.Vulnerability("CVE-1", "high", "x")])

    def test_invalid_documents_name_the_problem(self):
        cases = [
            ([], "expected a JSON object"),
            ({}, "`vulnerabilities` is missing"),
            ({"vulnerabilities": ["x"]}, "vulnerabilities[0] is not an object"),
            ({"vulnerabilities": [{"id": "CVE-1"}]}, "vulnerabilities[0] needs string"),
        ]
        for document, message in cases:
            with self.subTest(document=document):
                with self.assertRaises(ValueError) as raised:
                    scan_report.parse_host("10.1.1.1", document)
                self.assertIn(message, str(raised.exception))


class ReportTest(unittest.TestCase):
    def test_lines_sorted_by_severity_and_summary(self):
        results = [
            scan_report.HostResult(
                "10.1.1.1",
                True,
                [
                    scan_report.Vulnerability("CVE-2", "low", "b"),
                    scan_report.Vulnerability("CVE-1", "Critical", "a"),
                ],
            ),
            scan_report.HostResult("10.2.2.2", False, []),
            scan_report.HostResult("10.3.3.3", True, []),
        ]
        report = scan_report.Report(results)
        self.assertEqual(
            report.text(),
            "10.1.1.1: CVE-1 (Critical) a; CVE-2 (low) b\n"
            "10.2.2.2: not known to the scanner\n"
            "10.3.3.3: no known vulnerabilities",
        )
        self.assertEqual(
            report.summary(),
            "Vulnerability scan of 3 server(s): 1 with known vulnerabilities, "
            "worst severity critical.",
        )

    def test_summary_without_findings(self):
        report = scan_report.Report([scan_report.HostResult("10.1.1.1", True, [])])
        self.assertEqual(
            report.summary(), "Vulnerability scan of 1 server(s): 0 with known vulnerabilities."
        )


class LatestAccessRequestsTest(unittest.TestCase):
    def test_looks_back_to_earlier_step(self):
        rows = [request("AR1", [], [host("10.1.1.1")])]
        access = t.Field(
            id=1,
            name="Access",
            field_type="multi_access_request",
            read_only=False,
            value=t.FieldValue_AccessRequests(rows),
        )
        task = t.Task(id=1, name="T", status="DONE", assignee="a", fields=[access])
        first = t.Step(id=1, name="Open", redone=False, skipped=False, tasks=[task])
        review = t.Step(id=2, name="Review", redone=False, skipped=False, tasks=[])
        self.assertEqual(scan_report.latest_access_requests([first, review], review), rows)
        self.assertEqual(scan_report.latest_access_requests([review], review), [])


if __name__ == "__main__":
    unittest.main()

"""Unit tests of the `requests` helpers, in plain Python."""

import unittest

import requests

from hook_runner_guest import http


class IsDeniedTest(unittest.TestCase):
    def test_host_denial(self):
        error = requests.ConnectionError(
            "wasi-http request failed: ErrorCode_HttpRequestDenied()"
        )
        self.assertTrue(http.is_denied(error))

    def test_network_failure_is_not_denial(self):
        error = requests.ConnectionError(
            "wasi-http request failed: ErrorCode_ConnectionRefused()"
        )
        self.assertFalse(http.is_denied(error))

    def test_session_mounts_adapter_for_both_schemes(self):
        session = http.session()
        for url in ("http://scanner.test/", "https://scanner.test/"):
            with self.subTest(url=url):
                adapter = session.get_adapter(url)
                self.assertEqual(type(adapter).__name__, "WasiHttpAdapter")


if __name__ == "__main__":
    unittest.main()

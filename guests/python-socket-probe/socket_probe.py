"""Test-only hook: tries to open a TCP connection from Python and reports the
result in a comment, so that a test can check that the host denies sockets.

Configuration key: `port`, the port on 127.0.0.1 to connect to.
"""

import socket

from hook_runner_guest import Outcome, config, export_hook

CONNECT_TIMEOUT = 2


def probe(event, info):
    port = int(config.get_or("port", "0"))
    connection = None
    try:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(CONNECT_TIMEOUT)
        connection.connect(("127.0.0.1", port))
    except OSError as error:
        return Outcome().comment(
            f"socket connect to 127.0.0.1:{port} failed: {type(error).__name__}: {error}"
        )
    finally:
        if connection is not None:
            connection.close()
    return Outcome().comment(f"socket connect succeeded to 127.0.0.1:{port}")


WitWorld = export_hook(probe)

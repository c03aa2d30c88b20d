"""Test-only hook: tries to open a TCP connection and to resolve a host name
from Python, and reports each result in a comment, so that a test can check
that the host denies sockets and name lookups.

Configuration key: `port`, the port on 127.0.0.1 to connect to.
"""

# getaddrinfo encodes host names with the idna codec, which componentize-py
# keeps only when it is imported at build time.
import encodings.idna  # noqa: F401
import socket

from hook_runner_guest import Outcome, config, export_hook

CONNECT_TIMEOUT = 2


def probe(event, info):
    port = int(config.get_or("port", "0"))
    return Outcome().comment(connect(port)).comment(resolve("localhost", port))


def connect(port):
    connection = None
    try:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(CONNECT_TIMEOUT)
        connection.connect(("127.0.0.1", port))
    except OSError as error:
        return f"socket connect to 127.0.0.1:{port} failed: {type(error).__name__}: {error}"
    finally:
        if connection is not None:
            connection.close()
    return f"socket connect succeeded to 127.0.0.1:{port}"


def resolve(name, port):
    try:
        addresses = socket.getaddrinfo(name, port)
    except OSError as error:
        return f"name lookup of {name} failed: {type(error).__name__}: {error}"
    return f"name lookup of {name} succeeded: {addresses}"


WitWorld = export_hook(probe)

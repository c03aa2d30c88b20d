"""`requests` over `wasi:http`.

componentize-py keeps only the modules that are imported while it builds the
component, so import this module at the top level of the hook (not inside a
function) to make `requests` part of the component. Every request goes
through the host, which checks it against the `[[http]]` grants of the
hook's policy. A denied request raises `requests.ConnectionError`, and the
host then discards the hook's outcome.
"""

import sys

import componentize_py_types
import requests
import wit_world
from wasi_http_adapter import WasiHttpAdapter

# requests-wasi-http imports these modules only when a session is created,
# which happens after the build. Importing them here keeps them in the
# component.
import wit_world.imports.outgoing_handler  # noqa: F401
import wit_world.imports.types  # noqa: F401

# requests-wasi-http 0.1.0 looks for the `Err` class in `wit_world.types`,
# where componentize-py 0.25 no longer generates it.
sys.modules.setdefault("wit_world.types", componentize_py_types)


def is_denied(error: requests.RequestException) -> bool:
    """Return True when `error` comes from a request that the host denied
    because no `[[http]]` grant of the hook's policy allows it. Running the
    hook again does not help then."""
    return "HttpRequestDenied" in str(error)


def session() -> requests.Session:
    """Return a `requests.Session` that sends http and https requests through
    `wasi:http`."""
    adapter = WasiHttpAdapter(wit_world)
    http_session = requests.Session()
    http_session.mount("http://", adapter)
    http_session.mount("https://", adapter)
    return http_session

"""The hook's own settings from the hook-runner configuration."""

from typing import Optional

from ._bindings import config_import


def get(key: str) -> Optional[str]:
    """Return the value configured for `key`, or None when the configuration
    sets no such key for this hook."""
    return config_import.get(key)


def get_or(key: str, default: str) -> str:
    """Return the value configured for `key`, or `default` when the
    configuration sets no such key for this hook."""
    value = get(key)
    return default if value is None else value

"""Log lines that the host writes under the hook's name."""

from ._bindings import log_import

Level = log_import.Level


def log(level: Level, message: str) -> None:
    """Write `message` at `level`."""
    log_import.log(level, message)


def trace(message: str) -> None:
    """Write `message` at trace level."""
    log(Level.TRACE, message)


def debug(message: str) -> None:
    """Write `message` at debug level."""
    log(Level.DEBUG, message)


def info(message: str) -> None:
    """Write `message` at info level."""
    log(Level.INFO, message)


def warn(message: str) -> None:
    """Write `message` at warn level."""
    log(Level.WARN, message)


def error(message: str) -> None:
    """Write `message` at error level."""
    log(Level.ERROR, message)

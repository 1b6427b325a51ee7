"""Every way a submission can be refused, each with the stable code of contract/ERRORS.md.

The CLI and the batch turn any of these into one line; nothing else should be raised
out of a reader for bad input. ``JixiaoError`` is also the root of the run-level errors
(``pipeline.warehouse.errors``, ``pipeline.trace``), so every error jixiao raises on
purpose has a stable ``error_code`` and a sentence in ``message``.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """An error jixiao raises on purpose; ``error_code`` is stable, ``message`` one sentence.

    Its direct subclasses below are the refusals of a submission (contract/ERRORS.md).
    """

    error_code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyFile(JixiaoError):
    error_code = "empty_file"


class WrongFormat(JixiaoError):
    error_code = "wrong_format"


class CorruptFile(JixiaoError):
    error_code = "corrupt_file"


class Encrypted(JixiaoError):
    error_code = "encrypted"


class NoTextLayer(JixiaoError):
    error_code = "no_text_layer"


class UnsupportedFormat(JixiaoError):
    error_code = "unsupported_format"


class NotAForm(JixiaoError):
    error_code = "not_a_form"


class UndecodableText(JixiaoError):
    error_code = "undecodable_text"


class TooLarge(JixiaoError):
    error_code = "too_large"


class Timeout(JixiaoError):
    error_code = "timeout"


class InternalError(JixiaoError):
    error_code = "internal_error"

    @classmethod
    def from_exception(cls, exc: BaseException) -> InternalError:
        """Wrap an unexpected exception: its class and message, never its locals."""
        return cls(f"unexpected {type(exc).__name__}: {exc}")


ERROR_CODES: tuple[str, ...] = (
    "empty_file",
    "wrong_format",
    "corrupt_file",
    "encrypted",
    "no_text_layer",
    "unsupported_format",
    "not_a_form",
    "undecodable_text",
    "too_large",
    "timeout",
    "internal_error",
)

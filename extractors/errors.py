"""Every way a submission can be refused, each with the stable code of contract/ERRORS.md.

The CLI and the batch turn any of these into one line; nothing else should be raised
out of a reader for bad input. ``JixiaoError`` is also the root of the run-level errors
(``pipeline.warehouse.errors``, ``pipeline.trace``), so every error jixiao raises on
purpose has a stable ``error_code`` and a sentence in ``message``.

Messages a clerk acts on are Chinese first, then English (contract/CLI.md): every class
carries ``sentence_zh``, the Chinese sentence for its code, and ``message`` is that sentence
followed by the English details given where the error is raised. ``bilingual`` does the same
for a bare code (a reject made without an exception), so there is one rule for both.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """An error jixiao raises on purpose; ``error_code`` is stable, ``message`` one sentence.

    Its direct subclasses below are the refusals of a submission (contract/ERRORS.md).
    ``english`` is the detail given at the raise site; ``message`` is Chinese, then that.
    """

    error_code = "internal_error"
    sentence_zh = "发生意外错误，已记录，请联系系统管理员。"

    def __init__(self, message: str) -> None:
        self.english = message
        self.message = _join(self.sentence_zh, message)
        super().__init__(self.message)


class EmptyFile(JixiaoError):
    """The file is empty (0 bytes)."""

    error_code = "empty_file"
    sentence_zh = "文件是空的（0 字节），请重新提交。"


class WrongFormat(JixiaoError):
    """The extension says PDF or DOCX but the bytes are something else (named in the message)."""

    error_code = "wrong_format"
    sentence_zh = "文件内容与扩展名不符，请提交真正的 PDF、Word（.docx）或文本文件。"


class CorruptFile(JixiaoError):
    """A broken or truncated PDF or DOCX: it must be exported and sent again."""

    error_code = "corrupt_file"
    sentence_zh = "文件已损坏，请重新导出后再提交。"


class Encrypted(JixiaoError):
    """The PDF or DOCX is locked with a password."""

    error_code = "encrypted"
    sentence_zh = "文件设有密码，请去掉密码后重新提交。"


class NoTextLayer(JixiaoError):
    """Pages with no text layer that OCR cannot read either (a blank or illegible scan)."""

    error_code = "no_text_layer"
    sentence_zh = "页面上的内容无法识别，请提交原始电子文件或更清晰的扫描件。"


class UnsupportedFormat(JixiaoError):
    """A legacy Word .doc, .wps or .xls: the accepted formats are PDF, DOCX and text."""

    error_code = "unsupported_format"
    sentence_zh = "不支持此文件格式，请另存为 PDF、Word（.docx）或文本文件后提交。"


class NotAForm(JixiaoError):
    """A document that is not this form: the message names the expected labels not found."""

    error_code = "not_a_form"
    sentence_zh = "这不是整体绩效自评基础数据表：缺少表上应有的栏目。"


class UndecodableText(JixiaoError):
    """A text file in an unknown encoding (UTF-8, UTF-16 and GB18030 were tried)."""

    error_code = "undecodable_text"
    sentence_zh = "无法识别文本文件的编码（已尝试 UTF-8、UTF-16、GB18030），请另存为 UTF-8 后提交。"


class TooLarge(JixiaoError):
    """A file over the size limit, a ZIP bomb or an XML entity bomb: the limit and the size."""

    error_code = "too_large"
    sentence_zh = "文件超过大小限制（或解压后过大），请精简后重新提交。"


class Timeout(JixiaoError):
    """Reading took longer than the per-file time limit (retried on the next run)."""

    error_code = "timeout"
    sentence_zh = "读取该文件超过了单个文件的时间限制。"


class InternalError(JixiaoError):
    """Anything unexpected: the exception's class and message (never its locals); the batch goes on."""

    error_code = "internal_error"
    sentence_zh = "读取时发生意外错误，已记录，本批次其余文件照常处理；请联系系统管理员。"

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


def _join(sentence_zh: str, english: str) -> str:
    # A detail that already carries the sentence (a message wrapped into another) keeps it once.
    english = english.replace(sentence_zh, "").strip()
    return f"{sentence_zh} {english}" if english else sentence_zh


def _classes(root: type[JixiaoError] = JixiaoError) -> list[type[JixiaoError]]:
    found = [root]
    for sub in root.__subclasses__():
        found += _classes(sub)
    return found


def sentence_for(code: str) -> str:
    """The Chinese sentence of an error code (that of ``internal_error`` for an unknown one)."""
    for cls in _classes()[1:]:
        if cls.error_code == code:
            return cls.sentence_zh
    return InternalError.sentence_zh


def bilingual(code: str, english: str) -> str:
    """The message a clerk reads for ``code``: its Chinese sentence, then the English details."""
    return _join(sentence_for(code), english)

"""Messages a clerk acts on are Chinese first, then English (contract/CLI.md), by one rule.

Every error class carries the Chinese sentence of its code; a reject made from a bare code
gets the same sentence; a message wrapped into another keeps the sentence once.
"""

from __future__ import annotations

import re

import pytest

import pipeline.trace  # noqa: F401  (its error classes join the registry)
import pipeline.warehouse.errors  # noqa: F401
from extractors import errors
from extractors.errors import ERROR_CODES, InternalError, JixiaoError, bilingual, sentence_for
from pipeline.batch import Reject

HAN = re.compile(r"[\u4e00-\u9fff]")


def _all_classes(root: type[JixiaoError] = JixiaoError) -> list[type[JixiaoError]]:
    return [root] + [c for sub in root.__subclasses__() for c in _all_classes(sub)]


@pytest.mark.parametrize("cls", _all_classes(), ids=lambda c: c.__name__)
def test_every_error_class_has_a_chinese_sentence_of_its_own(cls: type[JixiaoError]) -> None:
    assert HAN.search(cls.sentence_zh) and cls.sentence_zh.endswith("。"), cls
    if cls is not JixiaoError and cls.error_code != "internal_error":
        # not inherited: a new code must say in Chinese what it means
        assert "sentence_zh" in vars(cls), f"{cls.__name__} ({cls.error_code}) has no sentence_zh"


def test_error_codes_of_errors_md_are_unchanged_and_each_has_a_sentence() -> None:
    assert ERROR_CODES == ("empty_file", "wrong_format", "corrupt_file", "encrypted", "no_text_layer",
                           "unsupported_format", "not_a_form", "undecodable_text", "too_large",
                           "timeout", "internal_error")
    sentences = {code: sentence_for(code) for code in ERROR_CODES}
    assert len(set(sentences.values())) == len(ERROR_CODES)  # each code says its own thing


def test_message_is_chinese_then_the_english_detail() -> None:
    exc = errors.Encrypted("the PDF is locked with a password")
    assert exc.message == "文件设有密码，请去掉密码后重新提交。 the PDF is locked with a password"
    assert exc.english == "the PDF is locked with a password" and str(exc) == exc.message
    assert exc.error_code == "encrypted"


def test_a_reject_from_a_bare_code_reads_the_same_and_a_wrapped_message_keeps_one_sentence() -> None:
    reject = Reject("a.pdf", None, "timeout", "reading took longer than the 60 s limit per file")
    assert reject.message.startswith(sentence_for("timeout") + " reading took longer")
    wrapped = f"the reading could not be loaded: {InternalError.from_exception(KeyError('x')).message}"
    once = Reject("a.pdf", None, "internal_error", wrapped).message
    assert once.count(InternalError.sentence_zh) == 1 and once.startswith(InternalError.sentence_zh)
    # already bilingual: unchanged
    assert bilingual("timeout", reject.message) == reject.message

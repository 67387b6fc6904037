"""A logging filter that removes what must never reach a log: NIR-like numbers and e-mail addresses, from the
message, from its traceback (``exc_info``) and from its stack (``stack_info``)."""

import logging
import re

NIR_LIKE = re.compile(r"\b[12378]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2A|2B)\s?\d{3}\s?\d{3}\s?(?:\d{2})?\b", re.I)
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_FORMATTER = logging.Formatter()


def scrub(text: str) -> str:
    return EMAIL_LIKE.sub("[email]", NIR_LIKE.sub("[nir]", text))


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:  # formatters print exc_text when set, never the raw exception again
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True

"""A logging filter that removes what must never reach a log: NIR-like numbers and e-mail addresses."""

import logging
import re

NIR_LIKE = re.compile(r"\b[12378]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2A|2B)\s?\d{3}\s?\d{3}\s?(?:\d{2})?\b", re.I)
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(text: str) -> str:
    return EMAIL_LIKE.sub("[email]", NIR_LIKE.sub("[nir]", text))


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

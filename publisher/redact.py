"""Keep credentials out of every log line, even at the most verbose level."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO

# Libraries whose debug output shows request headers and signed URLs.
CHATTY_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")
SIGNATURE_RE = re.compile(
    r"(Signature=|X-Amz-Signature=|X-Amz-Credential=|X-Amz-Security-Token=|Credential=)[^\s,&'\"]+"
)


class RedactingFilter(logging.Filter):
    """Replaces known secrets and request signatures in log records with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """
        >>> RedactingFilter(["AKIAEXAMPLEKEY"]).redact("key AKIAEXAMPLEKEY; Signature=abc123 ok")
        'key [redacted]; Signature=[redacted] ok'
        """
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return SIGNATURE_RE.sub(r"\1[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        return True


def configure_logging(level: int, secrets: Iterable[str], stream: TextIO) -> None:
    """Log to ``stream`` at ``level``; AWS libraries stay at warnings; secrets are redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))

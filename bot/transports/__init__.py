"""Thin adapters: Telegram, Zalo, the console chat; the shared delivery; ``serve`` runs them."""

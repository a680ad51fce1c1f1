"""Linking a chat account to an officer of the roster: by one-time code or by one's own phone number."""

from __future__ import annotations

import re

from . import messages as m
from .replies import Reply, Sender
from .storage import Officer

CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}$")


class Linking:
    """Intents of ``Core`` for accounts not linked yet (``self.store``, ``self.officer`` from the core)."""

    def instructions(self, sender: Sender) -> Reply:
        contact = sender.caps.contact
        return Reply(m.LINK_INSTRUCTIONS + ("\n" + m.LINK_BY_PHONE if contact else ""), ask_contact=contact)

    def start(self, sender: Sender, payload: str = "") -> Reply:
        if payload.strip():
            return self.link_code(sender, payload)
        officer = self.officer(sender)
        if officer is None:
            return self.instructions(sender)
        return Reply(m.WELCOME_BACK.format(name=officer.full_name) + "\n\n" + m.HELP)

    def link_code(self, sender: Sender, code: str) -> Reply:
        officer, why = self.store.redeem_code(code, sender.platform, sender.user_id, sender.chat_id)
        if officer is None:
            return Reply({"unknown": m.CODE_UNKNOWN, "used": m.CODE_USED, "expired": m.CODE_EXPIRED}[why])
        return self._linked(officer)

    def contact(self, sender: Sender, contact_user_id: str | None, phone: str) -> Reply:
        if not contact_user_id or str(contact_user_id) != str(sender.user_id):
            return Reply(m.CONTACT_NOT_OWN)
        matches = self.store.officers_by_phone(phone)
        if len(matches) != 1:
            return Reply(m.PHONE_NOT_FOUND if not matches else m.PHONE_AMBIGUOUS)
        officer = matches[0]
        self.store.link(sender.platform, sender.user_id, sender.chat_id, officer.staff_id, "contact")
        return self._linked(officer)

    @staticmethod
    def _linked(officer: Officer) -> Reply:
        return Reply(m.LINKED.format(name=officer.full_name, unit=officer.unit or "—"), linked=True)

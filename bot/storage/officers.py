"""Officers, their linked chat accounts and one-time link codes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from .db import iso

ROLES = ("officer", "hr", "iso", "admin")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped


def normalise_phone(phone: str) -> str:
    """'+84 912-345-678', '84912345678' and '0912345678' all become '0912345678'."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    elif digits and not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits
    return digits


@dataclass(frozen=True)
class Officer:
    staff_id: str
    full_name: str
    unit: str = ""
    position: str = ""
    phone: str = ""
    role: str = "officer"
    status: str = "active"  # "inactive": removed from the roster, records kept for HR

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def active(self) -> bool:
        return self.status == "active"


def _officer(row: dict) -> Officer:
    return Officer(row["staff_id"], row["full_name"], row["unit"] or "", row["position"] or "",
                   row["phone"] or "", row["role"] or "officer", row.get("status") or "active")


class Officers:
    """Methods of ``Store`` for the roster; ``self.db`` and ``self.now()`` come from the store."""

    def upsert_officer(self, officer: Officer) -> bool:
        """Insert or update by staff_id (the status is left alone); True when the officer is new."""
        existing = self.officer(officer.staff_id)
        row = {k: v for k, v in officer.__dict__.items() if k != "status"}
        row.update(phone_norm=normalise_phone(officer.phone), updated_at=self.now())
        if existing is None:
            self.db["officers"].insert({**row, "created_at": self.now()})
        else:
            self.db["officers"].update(officer.staff_id, row)
        return existing is None

    def officer(self, staff_id: str) -> Officer | None:
        rows = list(self.db["officers"].rows_where("staff_id = ?", [staff_id]))
        return _officer(rows[0]) if rows else None

    def officers(self, unit: str | None = None, active_only: bool = False) -> list[Officer]:
        clauses, args = [], []
        if unit:
            clauses.append("unit = ?")
            args.append(unit)
        if active_only:
            clauses.append("status = 'active'")
        where = " and ".join(clauses) or None
        return [_officer(r) for r in self.db["officers"].rows_where(where, args or None, order_by="unit, staff_id")]

    def officers_by_phone(self, phone: str) -> list[Officer]:
        """Active officers with this phone number: an inactive one can never link again by phone."""
        norm = normalise_phone(phone)
        return [_officer(r) for r in self.db["officers"].rows_where("phone_norm = ? and status = 'active'", [norm])] \
            if norm else []

    def deactivate(self, staff_id: str) -> int:
        """Mark an officer inactive: chat accounts unlinked, unused codes voided, web console sessions and
        sign-in links ended. Returns accounts removed."""
        with self.db.conn:
            self.db.execute("update officers set status = 'inactive', deactivated_at = ?, updated_at = ? "
                            "where staff_id = ? and status = 'active'", [self.now(), self.now(), staff_id])
            self.db.execute("update web_sessions set ended_at = ? where staff_id = ? and ended_at is null",
                            [self.now(), staff_id])
            self.db.execute("update web_links set used_at = ? where staff_id = ? and used_at is null",
                            [self.now(), staff_id])
            return self._unlink(staff_id)

    def activate(self, staff_id: str) -> None:
        with self.db.conn:
            self.db.execute("update officers set status = 'active', deactivated_at = null, updated_at = ? "
                            "where staff_id = ?", [self.now(), staff_id])

    # accounts and link codes -----------------------------------------------------------
    def account_officer(self, platform: str, user_id: str) -> Officer | None:
        """The active officer linked to this chat account, or None."""
        rows = list(self.db.query(
            "select o.* from accounts a join officers o using (staff_id) where a.platform = ? and a.user_id = ? "
            "and o.status = 'active'", [platform, str(user_id)]))
        return _officer(rows[0]) if rows else None

    def accounts(self, staff_id: str) -> list[dict]:
        return list(self.db["accounts"].rows_where("staff_id = ?", [staff_id]))

    def link(self, platform: str, user_id: str, chat_id: str, staff_id: str, how: str) -> None:
        with self.db.conn:
            self.db["accounts"].upsert(
                {"platform": platform, "user_id": str(user_id), "chat_id": str(chat_id), "staff_id": staff_id,
                 "linked_at": self.now(), "linked_by": how},
                pk=("platform", "user_id"),
            )

    def unlink(self, staff_id: str) -> int:
        """Remove an officer's chat accounts and void their unused codes; returns accounts removed."""
        with self.db.conn:
            return self._unlink(staff_id)

    def _unlink(self, staff_id: str) -> int:
        self.db.execute("delete from link_codes where staff_id = ? and used_at is null", [staff_id])
        return self.db.execute("delete from accounts where staff_id = ?", [staff_id]).rowcount

    def new_code(self, staff_id: str, days: int = 7) -> dict:
        """A link-code row for ``staff_id``, not yet saved (``save_codes`` saves a batch)."""
        now = self.clock()
        return {"code": "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)), "staff_id": staff_id,
                "created_at": iso(now), "expires_at": iso(now + timedelta(days=days))}

    def save_codes(self, rows: list[dict]) -> None:
        """Save new codes in one transaction; each officer's earlier unused codes stop working."""
        with self.db.conn:
            for row in rows:
                self.db.execute("delete from link_codes where staff_id = ? and used_at is null", [row["staff_id"]])
            self.db["link_codes"].insert_all(rows)

    def create_code(self, staff_id: str, days: int = 7) -> tuple[str, str]:
        row = self.new_code(staff_id, days)
        self.save_codes([row])
        return row["code"], row["expires_at"]

    def redeem_code(self, code: str, platform: str, user_id: str, chat_id: str) -> tuple[Officer | None, str]:
        """Link the account if the code is valid: (officer, "") or (None, "unknown" | "used" | "expired")."""
        code = re.sub(r"[\s-]", "", code).upper()
        with self.db.conn:
            rows = list(self.db.query(
                "select c.* from link_codes c join officers o using (staff_id) where c.code = ? and o.status = 'active'",
                [code]))
            if not rows:
                return None, "unknown"
            row = rows[0]
            if row["used_at"]:
                return None, "used"
            if row["expires_at"] < self.now():
                return None, "expired"
            self.db.execute("update link_codes set used_at = ?, used_by = ? where code = ?",
                            [self.now(), f"{platform}:{user_id}", code])
        self.link(platform, user_id, chat_id, row["staff_id"], "code")
        return self.officer(row["staff_id"]), ""

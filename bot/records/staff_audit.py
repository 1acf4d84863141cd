"""Study-team accounts (password hash, optional second factor, last login) and
the audit trail: who did what to which handoff, and every account change."""
from __future__ import annotations

from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.records import crypto
from bot.records.database import Database
from bot.records.tables import AuditEntry, StaffUser, utcnow


def _staff_user(s: Session, username: str) -> StaffUser:
    user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is None:
        raise LookupError(f"no staff account named '{username}'")
    return user


class StaffAuditRecords(Database):
    # Accounts are managed from the command line only, hence the "cli" actor.

    def add_staff_user(self, username: str, password_hash: str) -> None:
        with self.session() as s:
            if s.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).first():
                raise ValueError(f"a staff account named '{username}' exists already")
            s.add(StaffUser(username=username, password_hash=password_hash))
            s.add(AuditEntry(actor="cli", action="staff_user_added", detail=username))

    def staff_password_hash(self, username: str) -> Optional[str]:
        with self.session() as s:
            return s.execute(sa.select(StaffUser.password_hash).where(StaffUser.username == username)).scalar()

    def set_staff_password(self, username: str, password_hash: str) -> None:
        with self.session() as s:
            _staff_user(s, username).password_hash = password_hash
            s.add(AuditEntry(actor="cli", action="staff_password_changed", detail=username))

    def set_staff_totp(self, username: str, secret: Optional[str]) -> None:
        """Turns the second factor on (a base32 secret, stored encrypted) or off (None)."""
        with self.session() as s:
            _staff_user(s, username).totp_secret_enc = crypto.encrypt(secret) if secret else None
            s.add(AuditEntry(actor="cli", action="staff_totp_enabled" if secret else "staff_totp_disabled",
                             detail=username))

    def staff_totp_secret(self, username: str) -> Optional[str]:
        with self.session() as s:
            enc = s.execute(sa.select(StaffUser.totp_secret_enc).where(StaffUser.username == username)).scalar()
        return crypto.decrypt(enc) if enc else None

    def staff_logged_in(self, username: str) -> None:
        with self.session() as s:
            user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one()
            user.last_login_at = utcnow()

    def staff_language(self, username: str) -> Optional[str]:
        """The staff pages' language this account chose, or None (the site's)."""
        with self.session() as s:
            return s.execute(sa.select(StaffUser.language).where(StaffUser.username == username)).scalar()

    def set_staff_language(self, username: str, language: Optional[str], actor: str) -> None:
        with self.session() as s:
            _staff_user(s, username).language = language
            s.add(AuditEntry(actor=actor, action="staff_language_set", detail=f"{username}: {language or 'site'}"))

    def staff_users(self) -> List[str]:
        with self.session() as s:
            return list(s.execute(sa.select(StaffUser.username).order_by(StaffUser.username)).scalars())

    def remove_staff_user(self, username: str) -> None:
        with self.session() as s:
            s.delete(_staff_user(s, username))
            s.add(AuditEntry(actor="cli", action="staff_user_removed", detail=username))

    def audit(self, actor: str, action: str, reference: Optional[str] = None, detail: str = "") -> None:
        with self.session() as s:
            s.add(AuditEntry(actor=actor, action=action, reference=reference, detail=detail))

    def audit_trail(self, reference: Optional[str] = None) -> List[AuditEntry]:
        with self.session() as s:
            q = sa.select(AuditEntry).order_by(AuditEntry.id)
            if reference:
                q = q.where(AuditEntry.reference == reference)
            return list(s.execute(q).scalars())

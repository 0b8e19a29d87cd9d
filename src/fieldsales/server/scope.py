"""Who may read and write which records: the one place the server decides scope.

- ``shared`` (catalogue, target groups): everyone in the tenant reads, admins write.
- ``team`` (teams, user directory): everyone in the tenant reads; admins write teams, and the
  ``users`` directory is written only by the server's account functions (it mirrors accounts).
- ``owner`` and ``customer``: a record belongs to one salesperson (``owner_id``; for everything
  under a customer, the customer's owner). Its owner reads and writes it; a manager reads the
  whole tenant and also sets sales targets; nobody else sees it.
Manager decisions on plans go through ``plans`` (never through a push), see ``PROTECTED_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsales.domain.enums import Role
from fieldsales.records import Scope
from fieldsales.server.validation import Rejection, record_class

#: Collections only the server itself writes (mirrors of server-side state).
SERVER_ONLY: frozenset[str] = frozenset({"users"})
#: Owner-scoped collections a manager may write for anyone in the tenant.
MANAGER_WRITABLE: frozenset[str] = frozenset({"sales_targets"})
#: Fields a push may not change: decisions are taken through ``POST /plans/{id}/approve|reject``.
PROTECTED_FIELDS: dict[str, frozenset[str]] = {
    "account_plans": frozenset({"decided_at", "decided_by", "manager_comment"}),
    "account_plan_versions": frozenset({"decision", "decided_by", "decided_at", "manager_comment"}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user a request acts for."""

    account_id: str
    tenant_id: str
    role: Role
    username: str
    full_name: str
    team_id: str | None
    session_id: str

    @property
    def reads_whole_tenant(self) -> bool:
        return self.role is Role.MANAGER


def can_read_owner(principal: Principal, owner_id: str | None) -> bool:
    """Read access to a stored record whose scope owner is ``owner_id`` (None: shared/team)."""
    return owner_id is None or owner_id == principal.account_id or principal.reads_whole_tenant


def check_write(principal: Principal, collection: str, owner_id: str | None) -> None:
    """Raise a ``Rejection`` unless ``principal`` may write a record of ``collection`` whose scope
    owner is ``owner_id`` (checked for the stored and for the new state of a record)."""
    scope = record_class(collection).scope
    if collection in SERVER_ONLY:
        raise Rejection(
            "server_managed",
            "Gebruikers worden door de beheerder op de server beheerd, niet via synchronisatie.",
        )
    if scope in (Scope.SHARED, Scope.TEAM):
        if principal.role is not Role.ADMIN:
            raise Rejection("forbidden", "Alleen een beheerder mag de catalogus en teams wijzigen.")
        return
    if owner_id == principal.account_id:
        return
    if principal.role is Role.MANAGER and collection in MANAGER_WRITABLE:
        return
    raise Rejection(
        "forbidden", "U mag alleen uw eigen klanten en prospects en hun gegevens wijzigen."
    )

"""``/admin``: user management for the tenant's administrators.

The same operations as the ``fieldsales-admin`` commands, limited to the admin's own tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, NoReturn

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from fieldsales.domain.enums import Role
from fieldsales.server import accounts
from fieldsales.server.deps import AdminDep, EngineDep, HasherDep
from fieldsales.server.errors import ConflictError, InvalidRequestError, NotFoundError
from fieldsales.server.routes.common import error_responses

router = APIRouter(prefix="/admin", tags=["admin"])

Username = Annotated[str, Path(min_length=1, max_length=80)]


class AccountPublic(BaseModel):
    id: str
    username: str
    full_name: str
    email: str | None
    role: Role
    team_id: str | None
    active: bool
    created_at: datetime


class AccountCreate(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    full_name: str = Field(min_length=1, max_length=120)
    role: Role = Role.SALESPERSON
    email: str | None = Field(default=None, max_length=200)
    team_id: str | None = Field(default=None, max_length=36)


class PasswordReset(BaseModel):
    password: str = Field(min_length=1, max_length=200)


def _public(info: accounts.AccountInfo) -> AccountPublic:
    return AccountPublic(
        id=info.id,
        username=info.username,
        full_name=info.full_name,
        email=info.email,
        role=info.role,
        team_id=info.team_id,
        active=info.active,
        created_at=info.created_at,
    )


def _raise(exc: accounts.AccountError) -> NoReturn:
    if exc.code in ("username_taken",):
        raise ConflictError(exc.message, code=exc.code) from exc
    raise InvalidRequestError(exc.message, code=exc.code) from exc


def _own_account(engine: EngineDep, principal: AdminDep, username: str) -> accounts.AccountInfo:
    info = accounts.get_account(engine, username=username)
    if info is None or info.tenant_id != principal.tenant_id:
        raise NotFoundError("Deze gebruiker bestaat niet.", code="unknown_user")
    return info


@router.get("/users", response_model=list[AccountPublic], responses=error_responses(401, 403))
def list_users(principal: AdminDep, engine: EngineDep) -> list[AccountPublic]:
    return [_public(a) for a in accounts.list_accounts(engine, tenant_id=principal.tenant_id)]


@router.post(
    "/users",
    response_model=AccountPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_user(
    body: AccountCreate, principal: AdminDep, engine: EngineDep, hasher: HasherDep
) -> AccountPublic:
    try:
        user_id = accounts.create_user(
            engine,
            tenant_id=principal.tenant_id,
            username=body.username,
            password=body.password,
            role=body.role,
            full_name=body.full_name,
            email=body.email,
            team_id=body.team_id,
            hasher=hasher,
        )
    except accounts.AccountError as exc:
        _raise(exc)
    info = accounts.get_account(engine, account_id=user_id)
    if info is None:  # deleted in between by another admin: say so rather than crash
        raise NotFoundError("Deze gebruiker bestaat niet.", code="unknown_user")
    return _public(info)


@router.post(
    "/users/{username}/deactivate",
    status_code=204,
    responses=error_responses(401, 403, 404),
)
def deactivate(username: Username, principal: AdminDep, engine: EngineDep) -> Response:
    info = _own_account(engine, principal, username)
    accounts.deactivate_user(engine, username=info.username)
    return Response(status_code=204)


@router.post(
    "/users/{username}/password",
    status_code=204,
    responses=error_responses(401, 403, 404, 422),
)
def reset_password(
    username: Username,
    body: PasswordReset,
    principal: AdminDep,
    engine: EngineDep,
    hasher: HasherDep,
) -> Response:
    info = _own_account(engine, principal, username)
    try:
        accounts.reset_password(
            engine, username=info.username, password=body.password, hasher=hasher
        )
    except accounts.AccountError as exc:
        _raise(exc)
    return Response(status_code=204)

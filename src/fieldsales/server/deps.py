"""FastAPI dependencies: the app's engine and settings, and the authenticated principal."""

from __future__ import annotations

from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine

from fieldsales.domain.enums import Role
from fieldsales.server.auth import principal_for_token
from fieldsales.server.errors import ForbiddenError, UnauthorizedError
from fieldsales.server.scope import Principal
from fieldsales.server.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.hasher
    return hasher


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]


def current_principal(
    engine: EngineDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise UnauthorizedError()
    return principal_for_token(engine, settings, token)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def admin_principal(principal: PrincipalDep) -> Principal:
    if principal.role is not Role.ADMIN:
        raise ForbiddenError("Alleen een beheerder mag gebruikers beheren.", code="admin_only")
    return principal


AdminDep = Annotated[Principal, Depends(admin_principal)]

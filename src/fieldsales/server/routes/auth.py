"""``/auth``: OAuth2 password login, refresh, logout, and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from fieldsales.server import auth
from fieldsales.server.deps import EngineDep, HasherDep, PrincipalDep, SettingsDep, client_ip
from fieldsales.server.models import tenants
from fieldsales.server.routes.common import error_responses
from fieldsales.sync.protocol import Me, RefreshRequest, TokenResponse

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenResponse, responses=error_responses(401, 403, 422, 429))
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    engine: EngineDep,
    settings: SettingsDep,
    hasher: HasherDep,
) -> TokenResponse:
    """Log in with username and password (form fields); returns an access and a refresh token."""
    issued = auth.login(
        engine,
        settings,
        hasher,
        username=form.username,
        password=form.password,
        client_ip=client_ip(request),
    )
    return TokenResponse(**issued)


@router.post("/refresh", response_model=TokenResponse, responses=error_responses(401, 422))
def refresh(body: RefreshRequest, engine: EngineDep, settings: SettingsDep) -> TokenResponse:
    """Trade a refresh token (once) for a new token pair of the same session."""
    return TokenResponse(**auth.refresh(engine, settings, refresh_token=body.refresh_token))


@router.post("/logout", status_code=204, responses=error_responses(401))
def logout(principal: PrincipalDep, engine: EngineDep) -> Response:
    """End the session: its access and refresh tokens stop working."""
    auth.logout(engine, principal)
    return Response(status_code=204)


@router.get("/me", response_model=Me, responses=error_responses(401))
def me(principal: PrincipalDep, engine: EngineDep) -> Me:
    with engine.connect() as conn:
        organisation = conn.execute(
            select(tenants.c.name).where(tenants.c.id == principal.tenant_id)
        ).scalar_one_or_none()
    return Me(
        user_id=principal.account_id,
        username=principal.username,
        full_name=principal.full_name,
        role=principal.role.value,
        tenant_id=principal.tenant_id,
        team_id=principal.team_id,
        organisation=organisation or "",
    )

"""The steps of an account plan's workflow, each in a small dialog: submit, revise, decide.

Which of them a user is offered is the domain's answer (``plan_workflow.can_submit``,
``can_revise``, ``can_decide``), asked by the plan screen; the services check it again when the
step is taken. The dialogs only say what the step means and collect what it needs:

- *Indienen*: the plan goes to the manager as the next numbered version and is frozen until
  the decision.
- *Herzien*: a rejected plan goes back to draft with the manager's comment still in view; an
  approved one too, but that takes a new approval, so the dialog says so first.
- *Goedkeuren* / *Afkeuren*: the manager's decision, with a comment that is required for a
  rejection (the domain's rule; its Dutch message shows at the comment field).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.domain.enums import PlanStatus
from fieldsales.services.errors import InvalidInput
from fieldsales.services.plans import check_decision, decide_plan, revise_plan, submit_plan
from fieldsales.sync.errors import SyncError, SyncRetryableError
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.views.form_dialog import FormDialog

#: A decision is the server's: without a connection it waits for the manager, not in an outbox.
OFFLINE = (
    "Geen verbinding met de server. Goedkeuren en afkeuren gaan via de server: probeer het "
    "opnieuw zodra u online bent."
)


class SubmitDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        *,
        plan_id: str,
        number: int,
        on_submitted: Callable[[int], Any],
        on_refused: Callable[[InvalidInput], Any],
    ) -> None:
        self.plan_id = plan_id
        self.on_submitted = on_submitted
        self.on_refused = on_refused
        super().__init__(
            ctx,
            title=f"Versie {number} indienen?",
            fields=[
                ft.Text(
                    "Uw leidinggevende beoordeelt het plan zoals het nu is. Tot die beslissing "
                    "kunt u het niet wijzigen."
                )
            ],
            confirm="Indienen",
            key="submit",
            label="Accountplan indienen",
        )

    def save(self) -> None:
        try:
            version = submit_plan(self.ctx.store, actor=self.ctx.actor, plan_id=self.plan_id)
        except InvalidInput as exc:  # the plan is not complete: shown at what is missing
            self.close()
            self.on_refused(exc)
            return
        except USER_ERRORS as exc:
            self.close()
            self.ctx.toast(user_message(exc))
            return
        self.ctx.data_changed()
        self.close()
        self.on_submitted(version.number)


class ReviseDialog(FormDialog):
    """Only for an approved plan: a rejected one is revised at once (that is what it is for)."""

    def __init__(self, ctx: AppContext, *, plan_id: str, on_revised: Callable[[], Any]) -> None:
        self.plan_id = plan_id
        self.on_revised = on_revised
        super().__init__(
            ctx,
            title="Goedgekeurd plan herzien?",
            fields=[
                ft.Text(
                    "Het plan wordt weer een concept. Uw wijzigingen gaan opnieuw ter "
                    "goedkeuring naar uw leidinggevende, als een nieuwe versie; de goedgekeurde "
                    "versie blijft bewaard."
                )
            ],
            confirm="Herzien",
            key="revise",
            label="Goedgekeurd accountplan herzien",
        )

    def save(self) -> None:
        if self.ctx.call(revise_plan, plan_id=self.plan_id) is None:
            return
        self.close()
        self.on_revised()


def revise_now(ctx: AppContext, *, plan_id: str, on_revised: Callable[[], Any]) -> None:
    if ctx.call(revise_plan, plan_id=plan_id) is not None:
        on_revised()


class DecisionDialog(FormDialog):
    """Goedkeuren (a comment is optional) or Afkeuren (a comment is required)."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        plan_id: str,
        approve: bool,
        about: str,
        on_decided: Callable[[PlanStatus], Any],
    ) -> None:
        self.plan_id = plan_id
        self.approve = approve
        self.on_decided = on_decided
        self.comment = ft.TextField(
            label="Toelichting (niet verplicht)" if approve else "Toelichting voor de verkoper",
            hint_text=None if approve else "Wat moet er anders?",
            multiline=True,
            min_lines=3,
            max_lines=8,
            autofocus=True,
            error_max_lines=3,  # the domain's reason is a whole sentence
            key="decision-comment",
        )
        super().__init__(
            ctx,
            title=f"{about} goedkeuren" if approve else f"{about} afkeuren",
            fields=[self.comment],
            confirm="Goedkeuren" if approve else "Afkeuren",
            key="decision",
            label="Accountplan goedkeuren" if approve else "Accountplan afkeuren",
        )
        confirm_button = self.dialog.actions[-1]
        assert isinstance(confirm_button, ft.FilledButton)
        confirm_button.on_click = self._decide

    def save(self) -> None:
        """Without a server (a demo device) the decision is the device's own; with one, the
        server takes it (``_decide``): a plan's decision is never pushed."""
        self.comment.error = None
        try:
            plan = decide_plan(
                self.ctx.store,
                actor=self.ctx.actor,
                plan_id=self.plan_id,
                approve=self.approve,
                comment=self.comment.value or "",
            )
        except USER_ERRORS as exc:
            self._refused(exc)
            return
        self.ctx.data_changed()
        self.close()
        self.on_decided(plan.status)

    async def _decide(self) -> None:
        if self.ctx.hub.server_url is None:
            self.save()
            return
        self.comment.error = None
        comment = self.comment.value or ""
        try:  # what the server would refuse, refused here first (and offline too)
            check_decision(
                self.ctx.store,
                actor=self.ctx.actor,
                plan_id=self.plan_id,
                approve=self.approve,
                comment=comment,
            )
        except USER_ERRORS as exc:
            self._refused(exc)
            return
        try:
            await asyncio.to_thread(
                self.ctx.hub.decide_plan,
                plan_id=self.plan_id,
                approve=self.approve,
                comment=comment,
            )
        except SyncRetryableError:
            self.ctx.toast(OFFLINE)
            return
        except SyncError as exc:
            self.ctx.toast(exc.message)
            return
        self.close()
        self.on_decided(PlanStatus.APPROVED if self.approve else PlanStatus.REJECTED)

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, InvalidInput) and exc.field == "comment":
            self.comment.error = exc.message
        else:
            self.ctx.toast(user_message(exc))

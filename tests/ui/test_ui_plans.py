"""Accountplannen in the app: a salesperson writes a plan (texts, goals, actions) with the
customer's figures at hand and submits it as version 1; the manager rejects it with a comment
(an empty one refused), the salesperson reads it, revises and resubmits as version 2, the
manager approves; only a manager of the team is offered the decision; two versions compare
into readable lines; the approved plan's actions are ticked off (with an undo) and become planned
visits, and the plan shows how far it is carried out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import flet as ft
import pytest
from flet_harness import FletHarness
from sqlmodel import select
from ui_data import add_catalogue, add_user, clock

from fieldsales.domain.enums import (
    ActionKind,
    ActionStatus,
    GoalKind,
    PlanDecision,
    PlanStatus,
    Role,
)
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    Customer,
    PlanAction,
    PlanGoal,
    Product,
    Visit,
)
from fieldsales.services import customers, plans, sales
from fieldsales.services.errors import NotAllowed
from fieldsales.store import Store
from fieldsales.ui.main import build_app
from fieldsales.ui.shell import Shell
from fieldsales.ui.views.plan_editor import plan_entry

PLANS_TAB = 3
MANAGER = Actor(user_id="u-mark", role=Role.MANAGER, team_id="t-1")
REJECTION = "Het omzetdoel voor koffie is te laag: de klant groeit al twee jaar."


@pytest.fixture
def team(store: Store, actor: Actor) -> None:
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    add_user(store, MANAGER, username="mark", full_name="Mark Jansen")


@pytest.fixture
def products(store: Store) -> list[Product]:
    return add_catalogue(store)


@pytest.fixture
def customer(store: Store, actor: Actor, team: None, products: list[Product]) -> Customer:
    made = customers.create_customer(store, actor=actor, name="Bakkerij Jansen", city="Utrecht")
    beans, machine = products
    for on, product, quantity in ((date(2025, 5, 1), beans, 100), (date(2026, 3, 2), machine, 1)):
        sales.create_order(
            store,
            actor=actor,
            customer_id=made.id,
            order_date=on,
            lines=[sales.LineRequest(product.id, Decimal(quantity))],
        )
    return made


async def plans_tab(store: Store, actor: Actor) -> FletHarness:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), PLANS_TAB)
    assert h.get(key="screen-title").value == "Accountplannen"
    return h


async def open_plan(store: Store, actor: Actor, plan_id: str) -> FletHarness:
    h = await plans_tab(store, actor)
    await h.click(h.get(key=f"plan-{plan_id}"))
    assert h.get(key="screen-title").value == "Accountplan"
    return h


def visible(h: FletHarness, key: str) -> bool:
    return bool(h.find(key=key))


def stored_plan(store: Store, plan_id: str) -> AccountPlan:
    with store.read() as session:
        plan = session.get(AccountPlan, plan_id)
        assert plan is not None
        return plan


def versions(store: Store, plan_id: str) -> list[AccountPlanVersion]:
    with store.read() as session:
        query = (
            select(AccountPlanVersion)
            .where(AccountPlanVersion.plan_id == plan_id)
            .order_by(AccountPlanVersion.number)  # type: ignore[arg-type]
        )
        return list(session.exec(query).all())


def submitted_plan(store: Store, actor: Actor, customer: Customer, *, year: int = 2027) -> str:
    """A plan with a revenue goal for Koffie, submitted as version 1 (through the services)."""
    plan = plans.create_plan(store, actor=actor, customer_id=customer.id, year=year)
    plans.update_plan(store, actor=actor, plan_id=plan.id, analysis="Groeiende klant.")
    plans.add_goal(
        store,
        actor=actor,
        plan_id=plan.id,
        kind=GoalKind.REVENUE,
        target_value=Decimal(40000),
        product_group_id=koffie(store),
    )
    plans.submit_plan(store, actor=actor, plan_id=plan.id)
    return plan.id


def koffie(store: Store) -> str:
    with store.read() as session:
        product = session.exec(select(Product)).first()
        assert product is not None
        assert product.product_group_id is not None
        return product.product_group_id


def diff_lines(h: FletHarness) -> list[tuple[str, str, str]]:
    """The comparison as (section, what happened, line), as a screen reader reads it."""
    out: list[tuple[str, str, str]] = []
    section = ""
    for control in h.get(key="compare-result").controls:
        if isinstance(control, ft.Text):
            section = str(control.value)
        else:
            icon, text = control.controls
            out.append((section, str(icon.semantics_label), str(text.value)))
    return out


async def save_dialog(h: FletHarness, prefix: str) -> None:
    await h.click(h.get(key=f"{prefix}-save"))


# --- writing and submitting ---------------------------------------------------------------------


async def test_a_plan_is_written_with_goals_and_actions_and_submitted_as_version_1(
    store: Store, actor: Actor, customer: Customer
) -> None:
    h = await plans_tab(store, actor)
    assert h.has_text("Nog geen accountplannen")
    await h.click(h.get(key="new-plan"))
    assert h.get(key="new-plan-year").value == "2027"  # late November: next year's plan
    await h.enter_text(h.get(key="new-plan-search"), "bakk")
    await h.click(h.get(key=f"new-plan-customer-{customer.id}"))
    assert h.crashes() == []
    assert h.get(key="screen-title").value == "Accountplan"
    assert h.get(key="plan-header").value == "Bakkerij Jansen · 2027"
    assert h.get(key="plan-status").value == "Concept · nog niet ingediend"
    # The customer's figures at hand: this year so far against last year.
    assert h.has_text("Omzet 2026 tot nu: € 1.899,00 (2025 zelfde periode: € 2.495,00, -23,9 %)")
    assert h.has_text("Omzet 2025: € 2.495,00")
    with store.read() as session:
        [plan] = session.exec(select(AccountPlan)).all()
    assert (plan.year, plan.status) == (2027, PlanStatus.DRAFT)

    await h.enter_text(h.get(key="plan-analysis"), "Bakkerij met drie filialen.\nGroeit.")
    await h.enter_text(h.get(key="plan-opportunities"), "Koffiecorner in elk filiaal")
    await h.enter_text(h.get(key="plan-threats"), "Concurrent biedt lagere prijzen")
    await h.click(h.get(key="plan-save"))
    assert stored_plan(store, plan.id).opportunities == "Koffiecorner in elk filiaal"

    # Submitting without a goal is refused, at the goals.
    await h.click(h.get(key="plan-submit"))
    await save_dialog(h, "submit")
    assert h.get(key="plan-goals-error").value == (
        "Leg minstens één meetbare doelstelling vast voordat u het plan indient."
    )
    assert versions(store, plan.id) == []

    # A revenue goal for one product group; a wrong amount is refused at the field.
    await h.click(h.get(key="plan-add-goal"))
    await h.select(h.get(key="goal-group"), koffie(store))
    assert h.get(key="goal-target").helper == "2026 tot nu: € 1.899,00 · 2025: € 2.495,00"
    await h.enter_text(h.get(key="goal-target"), "veel")
    await save_dialog(h, "goal")
    assert h.get(key="goal-target").error == (
        "'veel' is geen geldig bedrag. Gebruik bijvoorbeeld 1.234,56."
    )
    await h.enter_text(h.get(key="goal-target"), "40.000")
    await save_dialog(h, "goal")
    assert h.has_text("Omzet Koffie: € 40.000,00")
    # A count goal must be whole: the service's message shows at the field.
    await h.click(h.get(key="plan-add-goal"))
    await h.select(h.get(key="goal-kind"), GoalKind.VISITS.value)
    await h.enter_text(h.get(key="goal-target"), "2,5")
    await save_dialog(h, "goal")
    assert h.get(key="goal-target").error == "Dit doel is een aantal: geef een heel getal."
    await h.enter_text(h.get(key="goal-target"), "6")
    await save_dialog(h, "goal")
    assert h.has_text("Bezoeken: 6 bezoeken")

    # Actions: an empty one is refused at its description; one added and removed again.
    await h.click(h.get(key="plan-add-action"))
    await save_dialog(h, "action")
    assert h.get(key="action-description").error == "Een actie heeft een omschrijving nodig."
    await h.enter_text(h.get(key="action-description"), "Demodag espressomachine")
    await h.enter_text(h.get(key="action-due"), "15-03-2027")
    await save_dialog(h, "action")
    await h.click(h.get(key="plan-add-action"))
    await h.select(h.get(key="action-kind"), ActionKind.CALL.value)
    await h.enter_text(h.get(key="action-description"), "Bellen over kerstpakketten")
    await save_dialog(h, "action")
    with store.read() as session:
        call = session.exec(select(PlanAction).where(PlanAction.kind == ActionKind.CALL)).one()
    await h.click(h.get(key=f"action-remove-{call.id}"))
    assert not h.has_text("Bellen over kerstpakketten")
    assert h.has_text("Bezoek · uiterlijk 15-03-2027")

    await h.click(h.get(key="plan-submit"))
    await save_dialog(h, "submit")
    assert h.crashes() == []
    assert h.snack_texts()[-1] == "Versie 1 ingediend bij uw leidinggevende."
    status = h.get(key="plan-status").value  # the services date it by the real clock
    assert status.startswith("Ingediend · versie 1 op ")
    assert status.endswith(", wacht op beoordeling")
    [v1] = versions(store, plan.id)
    assert v1.number == 1
    assert v1.content["analysis"] == "Bakkerij met drie filialen.\nGroeit."
    assert v1.content["threats"] == "Concurrent biedt lagere prijzen"
    assert sorted((g["kind"], g["target_value"]) for g in v1.content["goals"]) == [
        ("revenue", "40000.00"),
        ("visits", "6"),
    ]
    assert [a["description"] for a in v1.content["actions"]] == ["Demodag espressomachine"]
    # Submitted: frozen for its author, who cannot decide on it either.
    assert h.get(key="plan-analysis").read_only
    assert not visible(h, "plan-add-goal")
    assert not visible(h, "plan-submit")
    assert not visible(h, "plan-approve")


# --- the manager's decision and the revision ----------------------------------------------------


async def test_rejected_with_comment_revised_resubmitted_and_approved(
    store: Store, actor: Actor, customer: Customer
) -> None:
    plan_id = submitted_plan(store, actor, customer)

    h = await plans_tab(store, MANAGER)
    assert h.get(key="plans-review").content.value == "Ter beoordeling (1)"
    assert h.has_text("Ingediend · versie 1 · Anna de Vries")
    await h.click(h.get(key=f"plan-{plan_id}"))
    assert h.get(key="plan-author").value == "Opgesteld door Anna de Vries"
    assert not visible(h, "plan-submit")
    assert h.get(key="plan-analysis").read_only
    await h.click(h.get(key="plan-reject"))
    await save_dialog(h, "decision")
    assert h.get(key="decision-comment").error == (
        "Geef bij afkeuren een toelichting, zodat de verkoper weet wat er moet veranderen."
    )
    assert stored_plan(store, plan_id).status is PlanStatus.SUBMITTED
    await h.enter_text(h.get(key="decision-comment"), REJECTION)
    await save_dialog(h, "decision")
    assert h.crashes() == []
    assert h.snack_texts()[-1] == "Accountplan afgekeurd; Anna de Vries ziet uw toelichting."
    assert h.get(key="screen-title").value == "Accountplannen"  # back to the queue
    assert not visible(h, "plans-review")

    h = await plans_tab(store, actor)
    assert h.get(key="plans-returned").content.value == "Afgekeurd: aanpassen en opnieuw indienen"
    assert h.has_text(f"Opmerking: {REJECTION}")
    await h.click(h.get(key=f"plan-{plan_id}"))
    assert h.get(key="plan-comment-text").value == (
        f"Mark Jansen heeft versie 1 afgekeurd:\n{REJECTION}"
    )
    await h.click(h.get(key="plan-revise"))
    assert stored_plan(store, plan_id).status is PlanStatus.DRAFT
    assert visible(h, "plan-comment")  # still in view while the plan is reworked
    with store.read() as session:
        goal = session.exec(select(PlanGoal)).one()
    await h.click(h.get(key=f"goal-{goal.id}"))
    assert h.get(key="goal-target").value == "40.000,00"
    await h.enter_text(h.get(key="goal-target"), "50.000")
    await save_dialog(h, "goal")
    assert h.has_text("Omzet Koffie: € 50.000,00")
    await h.click(h.get(key="plan-submit"))
    await save_dialog(h, "submit")
    assert h.snack_texts()[-1] == "Versie 2 ingediend bij uw leidinggevende."
    assert not visible(h, "plan-comment")

    h = await open_plan(store, MANAGER, plan_id)
    await h.click(h.get(key="plan-approve"))
    await save_dialog(h, "decision")  # no comment needed to approve
    assert h.snack_texts()[-1] == "Accountplan goedgekeurd."
    assert stored_plan(store, plan_id).status is PlanStatus.APPROVED
    assert [(v.number, v.decision, v.manager_comment) for v in versions(store, plan_id)] == [
        (1, PlanDecision.REJECTED, REJECTION),
        (2, PlanDecision.APPROVED, ""),
    ]
    assert versions(store, plan_id)[1].content["goals"][0]["target_value"] == "50000.00"


async def test_only_a_manager_of_the_team_is_offered_the_decision(
    store: Store, actor: Actor, customer: Customer
) -> None:
    plan_id = submitted_plan(store, actor, customer)
    h = await open_plan(store, actor, plan_id)
    assert h.get(key="plan-status").value.startswith("Ingediend · versie 1")
    assert not visible(h, "plan-approve")
    assert not visible(h, "plan-reject")
    with pytest.raises(NotAllowed):
        plans.decide_plan(store, actor=actor, plan_id=plan_id, approve=True)

    elsewhere = Actor(user_id="u-eva", role=Role.MANAGER, team_id="t-2")
    add_user(store, elsewhere, username="eva", full_name="Eva Smit")
    h = await plans_tab(store, elsewhere)
    assert not visible(h, "plans-review")
    await h.click(h.get(key=f"plan-{plan_id}"))
    assert not visible(h, "plan-approve")

    h = await plans_tab(store, MANAGER)
    await h.click(h.get(key=f"plan-{plan_id}"))
    assert visible(h, "plan-approve")
    assert visible(h, "plan-reject")
    assert stored_plan(store, plan_id).status is PlanStatus.SUBMITTED


# --- versions -----------------------------------------------------------------------------------


async def test_comparing_versions_shows_the_changed_goal_in_words(
    store: Store, actor: Actor, customer: Customer
) -> None:
    plan_id = submitted_plan(store, actor, customer)
    plans.decide_plan(store, actor=MANAGER, plan_id=plan_id, approve=False, comment=REJECTION)
    plans.revise_plan(store, actor=actor, plan_id=plan_id)
    with store.read() as session:
        goal = session.exec(select(PlanGoal)).one()
    plans.update_goal(
        store,
        actor=actor,
        goal_id=goal.id,
        kind=GoalKind.REVENUE,
        target_value=Decimal(50000),
        product_group_id=goal.product_group_id,
    )
    plans.update_plan(
        store, actor=actor, plan_id=plan_id, analysis="Groeiende klant.\nTwee filialen erbij."
    )
    plans.add_action(
        store,
        actor=actor,
        plan_id=plan_id,
        kind=ActionKind.VISIT,
        description="Demodag",
        due_on=date(2027, 3, 15),
    )

    h = await open_plan(store, actor, plan_id)
    assert h.has_text("Afgekeurd op")  # version 1 with its decision
    await h.click(h.get(key="plan-compare"))  # the draft against version 1
    assert h.get(key="screen-title").value == "Versies vergelijken"
    assert (h.get(key="compare-old").value, h.get(key="compare-new").value) == ("1", "concept")
    assert h.has_text("Twee filialen erbij.")
    assert h.has_text("Doelstelling Omzet Koffie gewijzigd: doel van € 40.000,00 naar € 50.000,00")

    plans.submit_plan(store, actor=actor, plan_id=plan_id)
    h = await open_plan(store, actor, plan_id)
    await h.click(h.get(key="plan-compare"))
    assert (h.get(key="compare-old").value, h.get(key="compare-new").value) == ("1", "2")
    assert diff_lines(h) == [
        ("Analyse markt en klant", "Toegevoegd", "Twee filialen erbij."),
        (
            "Doelstellingen",
            "Gewijzigd",
            "Doelstelling Omzet Koffie gewijzigd: doel van € 40.000,00 naar € 50.000,00",
        ),
        ("Acties", "Toegevoegd", "Actie 'Demodag' (bezoek), uiterlijk 15-03-2027 (toegevoegd)"),
    ]
    assert h.get(key="compare-summary").value == "3 wijzigingen"
    await h.select(h.get(key="compare-old"), "2")
    assert h.get(key="compare-summary").value == "Dezelfde versie: kies twee verschillende."
    assert not h.has_text("Doelstelling Omzet Koffie gewijzigd")


# --- execution ----------------------------------------------------------------------------------


async def test_ticking_off_actions_and_planning_a_visit_show_in_the_execution(
    store: Store, actor: Actor, customer: Customer
) -> None:
    plan = plans.create_plan(store, actor=actor, customer_id=customer.id, year=2026)
    plans.add_goal(
        store, actor=actor, plan_id=plan.id, kind=GoalKind.VISITS, target_value=Decimal(4)
    )
    call = plans.add_action(
        store,
        actor=actor,
        plan_id=plan.id,
        kind=ActionKind.CALL,
        description="Bellen over de winterkaart",
        due_on=date(2026, 11, 1),
    )
    demo = plans.add_action(
        store,
        actor=actor,
        plan_id=plan.id,
        kind=ActionKind.VISIT,
        description="Demodag espressomachine",
        due_on=date(2026, 12, 15),
    )
    plans.submit_plan(store, actor=actor, plan_id=plan.id)

    h = await open_plan(store, actor, plan.id)
    assert not visible(h, "plan-execution-box")  # not approved yet: nothing to carry out
    assert not visible(h, f"action-done-{call.id}")

    plans.decide_plan(store, actor=MANAGER, plan_id=plan.id, approve=True)
    h = await open_plan(store, actor, plan.id)
    assert h.get(key="plan-execution").value == "0 van 2 acties uitgevoerd (0 %)"
    assert h.has_text("Telefoongesprek · uiterlijk 01-11-2026 · te laat")
    await h.click(h.get(key=f"action-done-{call.id}"))
    assert h.crashes() == []
    assert h.get(key="plan-execution").value == "1 van 2 acties uitgevoerd (50 %)"
    assert h.get(key="plan-execution-bar").value == 0.5
    assert h.get(key="plan-execution-detail").value == (
        "Van de actie die nu klaar moest zijn: 1 uitgevoerd, 0 op tijd."
    )
    assert h.has_text("Telefoongesprek · uiterlijk 01-11-2026 · uitgevoerd op 27-11-2026")
    with store.read() as session:
        done = session.get(PlanAction, call.id)
        assert done is not None
        assert done.status is ActionStatus.DONE

    # A mis-tap is undone from the snack bar.
    [snack] = [d for d in h.dialogs() if isinstance(d, ft.SnackBar)]
    assert snack.action == "Ongedaan maken"
    await h.session.dispatch_event(snack._i, "action", None)
    await h.settle()
    assert h.get(key="plan-execution").value == "0 van 2 acties uitgevoerd (0 %)"

    # The visit action becomes a planned visit tied to it.
    await h.click(h.get(key=f"action-visit-{demo.id}"))
    assert h.get(key="plan-topics").value == "Demodag espressomachine"
    assert h.get(key="plan-date").value == "15-12-2026"
    await h.enter_text(h.get(key="plan-time"), "10:00")
    await h.click(h.get(key="plan-save"))
    assert h.crashes() == []
    assert h.has_text("Bezoek · uiterlijk 15-12-2026 · bezoek gepland 15-12-2026 om 10:00")
    assert not visible(h, f"action-visit-{demo.id}")
    with store.read() as session:
        visit = session.exec(select(Visit).where(Visit.plan_action_id == demo.id)).one()
    assert visit.planned_start == datetime(2026, 12, 15, 10, 0).astimezone()


async def test_the_manager_sees_the_execution_but_does_not_tick_off(
    store: Store, actor: Actor, customer: Customer
) -> None:
    plan = plans.create_plan(store, actor=actor, customer_id=customer.id, year=2026)
    plans.add_goal(
        store, actor=actor, plan_id=plan.id, kind=GoalKind.VISITS, target_value=Decimal(4)
    )
    action = plans.add_action(
        store, actor=actor, plan_id=plan.id, kind=ActionKind.CALL, description="Bellen"
    )
    plans.submit_plan(store, actor=actor, plan_id=plan.id)
    plans.decide_plan(store, actor=MANAGER, plan_id=plan.id, approve=True)
    h = await open_plan(store, MANAGER, plan.id)
    assert h.get(key="plan-execution").value == "0 van 1 actie uitgevoerd (0 %)"
    assert not visible(h, f"action-done-{action.id}")
    with pytest.raises(NotAllowed):
        plans.complete_action(store, actor=MANAGER, action_id=action.id, on=date(2026, 11, 27))


# --- the way in from the customer file ----------------------------------------------------------


async def test_plan_entry_writes_the_coming_years_plan_then_opens_it(
    store: Store, actor: Actor, customer: Customer
) -> None:
    shells: list[Shell] = []

    def start(page: ft.Page) -> None:
        shells.append(build_app(page, store=store, actor=actor, clock=clock))

    h = await FletHarness().start(start)
    [shell] = shells

    async def show_entry() -> None:
        shell.content.content = plan_entry(shell.ctx, customer.id)
        shell.page.update()
        await h.settle()

    await show_entry()
    button = h.get(key="plan-entry-2027")
    assert button.content == "Accountplan 2027"
    assert button.tooltip == "Accountplan 2027 opstellen"
    assert not visible(h, "plan-entry-2026")  # no plan this year, and it is too late to write one
    await h.click(button)
    assert h.get(key="plan-header").value == "Bakkerij Jansen · 2027"
    assert h.snack_texts()[-1] == "Accountplan 2027 aangemaakt als concept."

    # What was typed is kept when the screen is left without saving.
    await h.enter_text(h.get(key="plan-threats"), "Nieuwe concurrent in de straat")
    await h.click(h.get(key="back"))
    assert h.snack_texts()[-1] == "Accountplan opgeslagen."
    with store.read() as session:
        [plan] = session.exec(select(AccountPlan)).all()
    assert plan.threats == "Nieuwe concurrent in de straat"

    await show_entry()
    assert h.get(key="plan-entry-2027").tooltip == "Accountplan 2027 openen (concept)"
    await h.click(h.get(key="plan-entry-2027"))
    with store.read() as session:
        assert len(session.exec(select(AccountPlan)).all()) == 1  # opened, not made twice
    assert h.get(key="plan-threats").value == "Nieuwe concurrent in de straat"
    await h.click(h.get(key="plan-open-file"))  # the whole file one tap away
    assert h.get(key="screen-title").value == "Klantdossier"
    assert h.get(key="file-name").value == "Bakkerij Jansen"
    # and the file leads back to the plan, under its header
    assert h.get(key="plan-entry-2027").tooltip == "Accountplan 2027 openen (concept)"

    # A manager opens the team's plans from a file but does not write them.
    shells.clear()
    h = await FletHarness().start(
        lambda page: shells.append(build_app(page, store=store, actor=MANAGER, clock=clock))
    )
    [shell] = shells
    await show_entry()
    assert h.get(key="plan-entry-2027").tooltip == "Accountplan 2027 openen (concept)"

"""In-process Flet 1.0.5 test harness: no Flutter client, no browser, no network.

A fake ``Connection`` records what Flet would send to the Flutter client; events are injected the
way the real client sends them (``session.dispatch_event`` / ``session.apply_patch``), so
auto-update after handlers, dialogs and service calls all run as in the real app.

Adapted from the team's Flet probe (``shared/reference/flet-probe``). It touches Flet internals,
which is why ``flet`` is pinned to 1.0.5.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

_ENCODE = configure_encode_object_for_msgpack(BaseControl)


class RecordingConnection(Connection):
    """Records outgoing messages and answers client-side method calls with fakes."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []
        self.session: Session | None = None
        # {("UrlLauncher", "launch_url"): fn(**args)}; unanswered calls fail like a client would.
        self.method_handlers: dict[tuple[str, str], Callable[..., Any]] = {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.pubsubhub = PubSubHub()
        self.page_url = "http://127.0.0.1:8550"
        self.loop = asyncio.get_running_loop()

    def send_message(self, message: Message) -> None:
        # Encode like the real transports: the msgpack encoder snapshots lists that the next
        # diff is computed against; without it new controls are never indexed.
        msgpack.packb([message.action, message.body], default=_ENCODE)
        self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD and self.session is not None:
            body = message.body
            control = self.session.index.get(body.control_id)
            key = (type(control).__name__, body.name)
            args = dict(body.args or {})
            self.calls.append((key[0], key[1], args))
            handler = self.method_handlers.get(key)
            result: Any = None
            error: str | None = f"no fake for {key}"
            if handler is not None:
                try:  # a fake that raises answers with an error, as a failing client does
                    result, error = handler(**args), None
                except Exception as exc:
                    error = str(exc)
            self.loop.call_soon(
                self.session.handle_invoke_method_results,
                body.control_id,
                body.call_id,
                result,
                error,
            )


class FletHarness:
    """One app session; ``start(main)`` runs the app's entry point like the server would."""

    def __init__(self, *, width: float = 412, height: float = 915) -> None:
        self.conn = RecordingConnection()
        self.session = Session(self.conn)
        self.conn.session = self.session
        self.conn.method_handlers[("UrlLauncher", "launch_url")] = lambda **kw: None
        self.page: ft.Page = self.session.page
        self._size = (width, height)

    async def start(self, main: Callable[[ft.Page], Any]) -> FletHarness:
        """Mimic Flet's REGISTER_CLIENT + session start sequence, then run ``main``."""
        from flet.controls.context import _context_page, context

        width, height = self._size
        self.session.apply_page_patch(
            {"route": "/", "width": width, "height": height, "platform": "linux", "web": True}
        )
        self.conn.send_message(
            Message(
                MessageAction.REGISTER_CLIENT,
                RegisterClientResponseBody(
                    session_id=self.session.id,
                    page_patch=self.session.get_page_patch(),
                    error="",
                ),
            )
        )
        _context_page.set(self.page)  # type: ignore[arg-type]
        context.reset_auto_update()
        result = main(self.page)
        if asyncio.iscoroutine(result):
            await result
        await self.session.after_event(self.page)
        await self.settle()
        return self

    async def settle(self, turns: int = 10) -> None:
        """Let scheduled updates and method-call answers run; then, like the Flutter client
        after its closing animation, report closed dialogs dismissed."""
        for _ in range(turns):
            await asyncio.sleep(0)
        for dialog in list(self.page._dialogs.controls):
            if not dialog.open and dialog.on_dismiss is not None:
                await self.session.dispatch_event(dialog._i, "dismiss", None)
                for _ in range(turns):
                    await asyncio.sleep(0)

    async def wait_until(
        self, condition: Callable[[], Any], *, timeout: float = 10.0, what: str = ""
    ) -> None:
        """Let the loop run (updates the app hands over from its sync threads) until
        ``condition()`` holds; fails with what the page shows when it does not in time."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"not reached: {what or condition}; page shows {self.texts()}")
            await asyncio.sleep(0.02)
        await self.settle()

    # ---- finders ---------------------------------------------------------------------------
    def all_controls(self) -> list[BaseControl]:
        return list(self.session.index.values())

    def find(
        self,
        key: str | None = None,
        type_: type | None = None,
        text: str | None = None,
        *,
        include_hidden: bool = False,
    ) -> list[Any]:
        """Controls on the page (indexed by the session) matching all the given criteria;
        hidden ones (``visible=False`` up the tree, closed dialogs) only with ``include_hidden``."""
        out = []
        for control in self.all_controls():
            if key is not None and _key(control) != key:
                continue
            if type_ is not None and not isinstance(control, type_):
                continue
            if text is not None and text not in _texts(control):
                continue
            if not include_hidden and not _visible(control):
                continue
            out.append(control)
        return out

    def get(
        self,
        key: str | None = None,
        type_: type | None = None,
        text: str | None = None,
        *,
        include_hidden: bool = False,
    ) -> Any:
        found = self.find(key=key, type_=type_, text=text, include_hidden=include_hidden)
        assert len(found) == 1, f"expected 1 control for {key=} {type_=} {text=}, got {found}"
        return found[0]

    def has_text(self, text: str) -> bool:
        """Whether some visible control shows ``text`` (as part of its value/label)."""
        return any(text in t for c in self.all_controls() if _visible(c) for t in _texts(c))

    def texts(self) -> list[str]:
        return [t for c in self.all_controls() if _visible(c) for t in _texts(c)]

    def dialogs(self) -> list[Any]:
        return [d for d in self.page._dialogs.controls if getattr(d, "open", False)]

    def snack_texts(self) -> list[str]:
        return [
            t
            for d in self.page._dialogs.controls
            if isinstance(d, ft.SnackBar)
            for t in _texts(d.content)
        ]

    def launched_urls(self) -> list[str]:
        return [str(args["url"]) for cls, name, args in self.conn.calls if name == "launch_url"]

    # ---- user actions (what the Flutter client would send) ----------------------------------
    async def click(self, control: BaseControl) -> None:
        assert _visible(control), f"{control} is not visible"
        assert not getattr(control, "disabled", False), f"{control} is disabled"
        await self.session.dispatch_event(control._i, "click", None)
        await self.settle()

    async def enter_text(self, control: BaseControl, text: str) -> None:
        self.session.apply_patch(control._i, {"value": text})
        await self.session.dispatch_event(control._i, "change", text)
        await self.settle()

    async def select(self, control: BaseControl, value: str) -> None:
        """Pick an option of a Dropdown (Flutter sends the new value, then ``select``)."""
        self.session.apply_patch(control._i, {"value": value})
        await self.session.dispatch_event(control._i, "select", value)
        await self.settle()

    async def navigate(self, control: BaseControl, index: int) -> None:
        """Tap destination ``index`` of a NavigationBar/NavigationRail."""
        self.session.apply_patch(control._i, {"selected_index": index})
        await self.session.dispatch_event(control._i, "change", str(index))
        await self.settle()

    async def resize(self, width: float, height: float) -> None:
        self.session.apply_page_patch({"width": width, "height": height})
        await self.session.dispatch_event(
            self.page._i, "resize", {"width": width, "height": height}
        )
        await self.settle()

    def crashes(self) -> list[Message]:
        return [m for m in self.conn.messages if m.action == MessageAction.SESSION_CRASHED]


def _key(control: BaseControl) -> Any:
    """The control's Flet ``key``, else its ``data`` when that is a string: the app keeps the
    identity of controls it rebuilds in ``data`` (see ``fieldsales.ui.widgets``)."""
    key = getattr(control, "key", None)
    if key is None and isinstance(getattr(control, "data", None), str):
        return control.data
    return getattr(key, "value", key)


def _texts(control: Any) -> Iterator[str]:
    if control is None:
        return
    if isinstance(control, str):
        yield control
        return
    for attr in ("value", "content", "label", "tooltip", "text", "title", "hint_text"):
        value = getattr(control, attr, None)
        if isinstance(value, str):
            yield value
        elif isinstance(value, ft.Text) and isinstance(value.value, str):
            yield value.value


def _visible(control: Any) -> bool:
    """Visible if it and all its ancestors are (``visible`` and, for dialogs, ``open``)."""
    node = control
    while node is not None:
        if getattr(node, "visible", True) is False:
            return False
        if isinstance(node, ft.DialogControl) and not getattr(node, "open", False):
            return False
        node = getattr(node, "parent", None)
    return True

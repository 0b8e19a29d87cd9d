"""Afspelen: listening to a voice memo inside the app, on the phone, the laptop and in a browser.

Writing the full report in the evening starts with listening to what was said in the car, and
on a phone the only other way is saving the file and finding a player for it. So a memo whose
bytes are on the device gets a play button in every attachment list.

The bytes are handed to Flet's ``Audio`` service (flet-audio) as they are: a path would mean
nothing to a browser, which has no access to the app's files, while bytes play everywhere
(memos are small: about half a megabyte a minute). One memo plays at a time per app session;
starting another stops the first. The service reports when playing ends, and every play button
of that memo is set back.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref

import flet as ft
import flet_audio as fa

from fieldsales.services.attachments import open_attachment
from fieldsales.ui.context import AppContext
from fieldsales.ui.theme import TOUCH_TARGET

#: How long the device may take to start a memo or let it go.
ANSWER_TIMEOUT_S = 10.0
#: How long to wait for the device to report a memo loaded before asking it to play.
LOAD_WAIT_S = 3.0
#: The states in which nothing plays any more.
_ENDED = {fa.AudioState.COMPLETED, fa.AudioState.STOPPED, fa.AudioState.DISPOSED}


class Player:
    """The session's player and the play buttons showing its state.

    Each memo gets its own ``Audio`` service, made with the memo's bytes as its source, and is
    played once the client reports it loaded: a source set on an existing service left
    ``play`` waiting for an answer that never came (Chromium, Flet 1.0.5). A service no longer
    referenced here is unregistered by Flet.
    """

    def __init__(self, ctx: AppContext) -> None:
        # Weakly: this player is the value of a weak dictionary keyed by ``ctx``, and a strong
        # reference back would keep every session that ever played a memo alive.
        self._ctx = weakref.ref(ctx)
        self.audio: fa.Audio | None = None
        self.playing: str | None = None  # the attachment id
        self.buttons: weakref.WeakSet[PlayButton] = weakref.WeakSet()

    @property
    def ctx(self) -> AppContext:
        ctx = self._ctx()
        assert ctx is not None, "the session of this player is gone"
        return ctx

    async def toggle(self, attachment_id: str, filename: str) -> None:
        if self.playing == attachment_id:
            await self.stop()
            return
        path = self.ctx.read(open_attachment, attachment_id=attachment_id)
        if path is None:
            self.ctx.toast(f"'{filename}' staat nog niet op dit apparaat.")
            return
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError:
            self.ctx.toast(f"'{filename}' kan op dit apparaat niet worden gelezen.")
            return
        await self.stop()
        loaded = asyncio.Event()
        audio = fa.Audio(src=data, on_loaded=lambda _: loaded.set(), on_state_change=self._on_state)
        self.audio = audio
        self._set(attachment_id)
        with contextlib.suppress(TimeoutError):  # a device that does not say: play anyway
            await asyncio.wait_for(loaded.wait(), LOAD_WAIT_S)
        if self.audio is not audio:  # stopped, or another memo started, while it loaded
            return
        try:
            await asyncio.wait_for(audio.play(), ANSWER_TIMEOUT_S)
        except Exception:  # no audio output, or a format this device cannot play
            if self.audio is audio:
                await self.stop()
                self.ctx.toast(f"'{filename}' kan op dit apparaat niet worden afgespeeld.")

    async def stop(self) -> None:
        audio, self.audio = self.audio, None
        if self.playing is not None:
            self._set(None)
        if audio is None:
            return
        with contextlib.suppress(Exception):  # the player was gone already: nothing plays
            await asyncio.wait_for(audio.release(), ANSWER_TIMEOUT_S)

    def _on_state(self, e: fa.AudioStateChangeEvent) -> None:
        if e.control is self.audio and e.state in _ENDED and self.playing is not None:
            self.audio = None
            self._set(None)

    def _set(self, attachment_id: str | None) -> None:
        self.playing = attachment_id
        for button in list(self.buttons):
            button.show(playing=button.attachment_id == attachment_id)
        self.ctx.page.update()


_players: weakref.WeakKeyDictionary[AppContext, Player] = weakref.WeakKeyDictionary()


def player_for(ctx: AppContext) -> Player:
    """One player per session, made on first use (inside a handler, where Flet knows the
    page the service belongs to)."""
    player = _players.get(ctx)
    if player is None:
        player = Player(ctx)
        _players[ctx] = player
    return player


class PlayButton:
    """ "Afspelen" / "Stoppen" for one memo; lists are rebuilt, so state lives in the player."""

    def __init__(self, ctx: AppContext, *, attachment_id: str, filename: str) -> None:
        self.ctx = ctx
        self.playing = False
        self.attachment_id = attachment_id
        self.filename = filename
        # An icon button: it sits beside the open action in a list tile a phone's width.
        self.control = ft.IconButton(
            on_click=self.toggle,
            width=TOUCH_TARGET,
            height=TOUCH_TARGET,
            data=f"attachment-play-{attachment_id}",
        )
        player = _players.get(ctx)
        self.show(playing=player is not None and player.playing == attachment_id)
        if player is not None:
            player.buttons.add(self)

    async def toggle(self) -> None:
        player = player_for(self.ctx)
        player.buttons.add(self)
        await player.toggle(self.attachment_id, self.filename)

    def show(self, *, playing: bool) -> None:
        self.playing = playing
        label = f"{'Stoppen' if playing else 'Afspelen'}: {self.filename}"
        # The icon's own label names the button for screen readers (a tooltip alone is merged
        # into the list tile's label and leaves the button nameless).
        self.control.icon = ft.Icon(
            ft.Icons.STOP if playing else ft.Icons.PLAY_ARROW, semantics_label=label
        )
        self.control.tooltip = label

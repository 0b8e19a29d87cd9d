"""The app's sync hub without a server: the address it remembers, and whose session it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsales.services import browse
from fieldsales.store import open_store
from fieldsales.sync.background import stored_tokens
from fieldsales.sync.client import Tokens
from fieldsales.sync.errors import SyncAuthError, SyncRefusedError
from fieldsales.ui.sync_hub import SyncHub


def test_the_server_is_remembered_and_a_session_stays_with_its_server(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        hub = SyncHub(store, server_url="https://a.example.nl/")
        assert browse.server_url(store) == "https://a.example.nl"
        assert not hub.signed_in
        _tokens, save = stored_tokens(store)
        save(Tokens(access_token="", refresh_token="r-1"))
        hub.close()

        again = SyncHub(store)  # no --server: the remembered one, with its session
        assert again.server_url == "https://a.example.nl"
        assert again.signed_in
        again.close()

        other = SyncHub(store, server_url="https://b.example.nl")
        assert other.server_url == "https://b.example.nl"
        assert not other.signed_in  # a session of server A means nothing to server B
        assert stored_tokens(store)[0] is None
        other.close()


def test_no_server_no_sync(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        hub = SyncHub(store)
        assert hub.server_url is None
        assert hub.state().status is None
        hub.start()  # nothing to start
        assert not hub.running
        with pytest.raises(SyncRefusedError, match="nog geen server"):
            hub.sign_in("anna", "geheim")
        with pytest.raises(SyncAuthError):
            hub.foreground_sync()
        with pytest.raises(SyncRefusedError, match="http:// of https://"):
            SyncHub(store, server_url="ftp://x")

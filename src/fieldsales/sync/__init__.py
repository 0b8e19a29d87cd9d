"""Offline-first sync of the device's store with the central server.

This package's ``__init__`` imports nothing: the server imports ``sync.protocol`` and must not
pull the device's store in with it. What the app uses::

    from fieldsales.sync.background import BackgroundSync, stored_tokens
    from fieldsales.sync.client import SyncClient, make_http_client

    tokens, save = stored_tokens(store)
    client = SyncClient(make_http_client(server_url), username=name, password=ask_password,
                        tokens=tokens, on_tokens=save)
    background = BackgroundSync(store, client, on_status=show_indicator, on_finished=snack_bar)
    background.start()            # syncs now, after changes (notify_change), every 5 minutes
    background.notify_change()    # after a service saved something
    background.status             # SyncStatus: state, online, pending, last_sync_at, message
    summary = background.day_end(progress=show_progress)   # off the UI thread
    background.stop()

``protocol``: the wire models shared with the server. ``client``: HTTP calls. ``engine``: push,
pull, merge, reset, retry. ``background``: the loop and the day-end batch. ``summary``: progress
and the outcome. ``errors``: what can go wrong, split by what the caller can do.
"""

"""The device's local store: one SQLite file with the synced records and their outbox.

```python
store = open_store()                      # creates or migrates the file in the data directory
with store.unit_of_work() as uow:         # BEGIN IMMEDIATE: one write transaction
    uow.add(visit)                        # each write records its outbox mutation at flush
    uow.commit()                          # without it, leaving the block rolls back
with store.read() as session:             # a read-only snapshot
    ...
```
See ``core`` (opening, migration, backups), ``uow`` (units of work), ``session`` and ``outbox``
(how changes are captured), ``queries`` (search, outbox and sync-state helpers).
"""

from fieldsales.store.core import DATA_DIR_ENV, Store, default_path, open_store
from fieldsales.store.errors import StoreBusyError, StoreError
from fieldsales.store.migrations import LATEST_VERSION
from fieldsales.store.outbox import PendingMutation
from fieldsales.store.session import APPLYING_SYNC, StoreSession
from fieldsales.store.uow import UnitOfWork

__all__ = [
    "APPLYING_SYNC",
    "DATA_DIR_ENV",
    "LATEST_VERSION",
    "PendingMutation",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoreSession",
    "UnitOfWork",
    "default_path",
    "open_store",
]

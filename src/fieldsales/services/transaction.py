"""The one way services write: a unit of work whose failures reach the UI as ServiceErrors.

The store validates records on ``add``/``update`` (domain ValidationError) and may be busy or
damaged (StoreError); the UI should only ever need to catch ``ServiceError`` and show its message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fieldsales.domain.errors import DomainError
from fieldsales.services.errors import ServiceError, StoreUnavailable, from_domain
from fieldsales.store import Store, StoreError, UnitOfWork


@contextmanager
def transaction(store: Store) -> Iterator[UnitOfWork]:
    try:
        with store.unit_of_work() as uow:
            yield uow
    except DomainError as exc:
        raise from_domain(exc) from exc
    except StoreError as exc:
        raise StoreUnavailable(exc.message, code=exc.code, retryable=exc.retryable) from exc


__all__ = ["ServiceError", "transaction"]

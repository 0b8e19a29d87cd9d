"""Property-based API test: whatever schemathesis sends, the server never answers 5xx.

For every operation of the OpenAPI schema it generates valid and invalid requests and sends them,
authenticated as an admin of a fresh tenant, to the real app on both databases. (The operations
are walked here rather than through ``schemathesis.pytest.from_fixture``, whose lazy loader
relies on a pytest-internal attribute that pytest 9 no longer has.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from server_support import Backend, make_world

EXAMPLES_PER_OPERATION_AND_MODE = 25


def test_no_input_makes_the_server_fail(backend: Backend) -> None:
    world = make_world(backend)
    user = world.ada
    schema = schemathesis.openapi.from_asgi("/openapi.json", backend.client.app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert {op.path for op in operations} >= {"/sync/push", "/sync/pull", "/auth/token"}
    calls = 0

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=user.headers, checks=[not_a_server_error])
                if case.path == "/auth/logout" or case.path.startswith("/admin/users"):
                    # The case may have ended the session or changed the admin: log in afresh.
                    user.login()

            try:
                run()
            except Unsatisfiable:
                # No invalid request exists for an operation without inputs (GET /health).
                assert mode is GenerationMode.NEGATIVE, operation.path
    assert calls >= len(operations) * 2

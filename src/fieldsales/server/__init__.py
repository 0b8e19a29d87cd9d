"""The central API: accounts, the sync protocol and managers' decisions (FastAPI).

Modules, from the outside in:

- ``cli`` (``fieldsales-server``), ``app`` (``create_app``), ``routes/*`` (HTTP), ``deps``
- ``middleware`` (body size limit, gzip bodies), ``errors`` (the one error envelope)
- ``syncing`` (push and pull), ``plans`` (decisions), ``accounts``, ``auth``, ``imports``,
  ``seeding``, ``maintenance``, ``admin_commands`` (the server's ``fieldsales-admin`` commands)
- ``scope`` (who may read and write what), ``validation`` (pushed data against the record
  classes), ``writer`` and ``recordstore`` (the generic ``records`` table), ``versioning`` (the
  per-tenant version sequence)
- ``models`` (the server's own tables), ``migrate`` and ``migrations/`` (Alembic), ``db``,
  ``settings``, ``security``

It imports ``fieldsales.domain``, ``fieldsales.records`` and ``fieldsales.sync.protocol``, never
the device's store, services or UI.
"""

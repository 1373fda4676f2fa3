"""The domain: the worker's pure rules, with no I/O.

Mapping a shop order to Zoho Books payloads (every function takes the order,
the organization's setup as a ``Catalog`` and the settings, and returns
payloads or raises ``MappingProblem``), deciding an order's next step, and the
rules the Zoho client follows for what it shares between replicas: the request
budget (``budget_ledger``, ``lanes``) and access-token timing (``token_rules``,
on the ``connection`` value).

Nothing here does I/O or imports a client or an adapter (no aio_pika, pymongo,
aiohttp, nor ``worker.zoho``, ``worker.store``, ``worker.sync``,
``worker.messaging``): adapters at the edge load state, apply these rules and
write the result back.
"""

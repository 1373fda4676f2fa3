"""The domain: pure mapping of a shop order to Zoho Books payloads.

Nothing here does I/O or imports a client (no aio_pika, pymongo, aiohttp, nor
``worker.zoho``): every function takes the order, the organization's setup as a
``Catalog`` and the settings, and returns payloads or raises ``MappingProblem``.
Adapters at the edge turn Zoho's answers into a ``Catalog`` and send the payloads.
"""

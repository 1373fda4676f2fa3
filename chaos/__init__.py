"""The chaos suite (``make chaos``, docs/chaos.md): seeded fault injection outside ``make test``.

Each scenario runs a seeded workload (``tests/support/workload.py``) through
several ``zbsync run`` replicas while something goes wrong on purpose (Zoho
faults, replicas killed, the broker or the database restarted), then the
checker compares the publisher's ledger, the sandbox's invoices and the stored
orders and prints one table row per scenario. Every process a scenario starts
is stopped when it ends, however it ends.
"""

"""``zbsync demo``: the sandbox, a worker and a week of sample orders, then what Zoho shows.

``run`` drives it, ``samples`` holds the orders, ``report`` prints the result.
"""

from __future__ import annotations

from .run import DEMO_DATABASE, run_demo

__all__ = ["DEMO_DATABASE", "run_demo"]

"""``zbsync run`` as a separate OS process for end-to-end tests.

Each process has its own connections, like a replica in production. Its JSON
log is read as it is written: ``started`` resolves once it consumes, and the
lines stay available for assertions (for instance, that no secret appears).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_WAIT = 60.0
ZBSYNC_RUN = ("-m", "worker", "run")
CHECKOUT = Path(__file__).resolve().parents[2]


async def eventually(check: Callable[[], Awaitable[bool]], *, what: str = "condition") -> None:
    """Wait until ``check`` holds, re-checking as things happen; fail after a generous bound."""
    try:
        async with asyncio.timeout(DEFAULT_WAIT):
            while not await check():  # noqa: ASYNC110 - the state lives in other processes
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"no {what} within {DEFAULT_WAIT} s") from None


@dataclass
class WorkerProcess:
    """One running ``zbsync run``."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    keep_lines: bool = True  # False: only the lines up to "consuming" (long benchmark runs)
    _consuming: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, env: dict[str, str], command: Sequence[str] = ZBSYNC_RUN, *, keep_lines: bool = True
    ) -> WorkerProcess:
        """Start a worker (``python`` + ``command``) and return once it consumes."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *command,
            env=env,
            cwd=CHECKOUT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        worker = cls(process, keep_lines=keep_lines)
        worker._reader = asyncio.create_task(worker._read())
        waiting = asyncio.create_task(worker._consuming.wait())
        try:
            done, _ = await asyncio.wait(
                {waiting, worker._reader}, timeout=DEFAULT_WAIT, return_when=asyncio.FIRST_COMPLETED
            )
        except BaseException:  # cancelled while starting: nobody else can stop this process
            waiting.cancel()
            await asyncio.shield(worker.kill())
            raise
        if waiting not in done:
            waiting.cancel()
            await worker.kill()
            raise AssertionError("worker did not start consuming:\n" + "\n".join(worker.lines))
        return worker

    def events(self) -> list[dict[str, Any]]:
        """The JSON log lines seen so far."""
        return [json.loads(line) for line in self.lines if line.startswith("{")]

    async def stop(self) -> int:
        """SIGTERM, then wait for the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.wait()

    async def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process.returncode is None:
            self.process.kill()
        await self.wait()

    async def wait(self) -> int:
        """The exit code, once the process ended and its log was read."""
        code = await self.process.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        return code

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace").rstrip()
            if self.keep_lines or not self._consuming.is_set():
                self.lines.append(line)
            if '"consuming"' in line:
                self._consuming.set()

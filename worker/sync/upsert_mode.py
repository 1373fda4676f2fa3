"""Whether creates upsert by a unique invoice custom field: asked of Zoho once per organization.

``ZBSYNC_ZOHO_INVOICE_UNIQUE_FIELD`` names the field; Zoho decides whether it can
serve. The first check (at start, or the first pass that may create an invoice)
reads the organization's invoice custom fields (``GET /settings/fields?entity=
invoice``): the field must be there, active and marked unique. The answer is
logged once with its reason, shown as the metric ``zbsync_invoice_upsert`` and
kept for the life of the process (a restart asks again). A missing field, one
that takes duplicates, or a list Zoho will not give means plain creates with
lookups. A transient failure decides nothing: the next pass asks again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

from ..domain.lanes import Lane
from ..metrics import INVOICE_UPSERT
from ..zoho.errors import ConnectionBroken, PermanentZohoError
from ..zoho.models import CustomField

log = structlog.get_logger(__name__)


class FieldSource(Protocol):
    """Where the organization's invoice custom fields are read (``Books``)."""

    @property
    def organization_id(self) -> str:
        """The organization."""
        ...

    async def invoice_custom_fields(self, lane: Lane) -> list[CustomField]:
        """Its invoice custom fields."""
        ...


@dataclass(frozen=True)
class UpsertCheck:
    """The outcome: the field to upsert by (None: plain creates with lookups) and why."""

    field: str | None
    reason: str


def judge(wanted: str, fields: Sequence[CustomField]) -> UpsertCheck:
    """Whether ``wanted`` can key upserts, given the organization's invoice custom fields."""
    found = next((field for field in fields if field.api_name == wanted), None)
    if found is None:
        return UpsertCheck(None, f"Zoho has no invoice custom field {wanted}")
    if not found.is_active:
        return UpsertCheck(None, f"{wanted} is inactive in Zoho")
    if found.is_unique is not True:
        return UpsertCheck(None, f"{wanted} is not unique in Zoho (duplicate values allowed)")
    return UpsertCheck(wanted, f"{wanted} is unique in Zoho")


class UpsertMode:
    """One organization's answer, asked once and shared by every pass of this process."""

    def __init__(self, books: FieldSource, wanted: str | None) -> None:
        self._books, self._wanted = books, wanted
        self._check: UpsertCheck | None = None
        self._asking = asyncio.Lock()  # concurrent passes share one question

    @property
    def check(self) -> UpsertCheck | None:
        """The answer, once Zoho gave one (None before, or when no field is configured)."""
        return self._check

    async def field(self, lane: Lane) -> str | None:
        """The field creates upsert by, or None; asks Zoho the first time."""
        if self._wanted is None:
            return None
        async with self._asking:
            if self._check is None:
                self._check = await self._ask(self._wanted, lane)
                self._report(self._check)
        return self._check.field

    async def _ask(self, wanted: str, lane: Lane) -> UpsertCheck:
        try:
            fields = await self._books.invoice_custom_fields(lane)
        except ConnectionBroken:
            raise
        except PermanentZohoError as exc:
            return UpsertCheck(None, f"Zoho did not list the invoice custom fields: {exc}")
        return judge(wanted, fields)

    def _report(self, check: UpsertCheck) -> None:
        organization = self._books.organization_id
        INVOICE_UPSERT.labels(organization).set(1 if check.field else 0)
        if check.field:
            log.info("invoice creates upsert", organization=organization, reason=check.reason)
        else:
            log.warning(
                "invoice creates look up first: upsert mode unavailable",
                organization=organization,
                field=self._wanted,
                reason=check.reason,
            )

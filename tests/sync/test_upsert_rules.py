"""Upsert mode's rules without services: judging the field, asking once, when to look first."""

from __future__ import annotations

import pytest

from worker.domain.lanes import Lane
from worker.sync.records import Intent, OrderRecord
from worker.sync.upsert_create import earlier_upsert, header_safe, new_intent, skips_lookup
from worker.sync.upsert_mode import UpsertMode, judge
from worker.zoho.errors import ConnectionBroken, ZohoNotFound, ZohoUnavailable
from worker.zoho.models import CustomField

FIELD = "cf_order_ref"


def _field(api_name: str = FIELD, **extra: object) -> CustomField:
    return CustomField.model_validate({"customfield_id": "1", "api_name": api_name, **extra})


@pytest.mark.parametrize(
    ("fields", "use", "reason"),
    [
        ([_field(is_unique=True)], True, "cf_order_ref is unique in Zoho"),
        ([_field("cf_other", is_unique=True)], False, "Zoho has no invoice custom field"),
        ([_field(is_unique=False)], False, "is not unique in Zoho"),
        ([_field()], False, "is not unique in Zoho"),  # Zoho did not say: not trusted
        ([_field(is_unique=True, is_active=False)], False, "is inactive in Zoho"),
    ],
)
def test_only_an_active_field_zoho_calls_unique_keys_upserts(
    fields: list[CustomField], use: bool, reason: str
) -> None:
    check = judge(FIELD, fields)
    assert (check.field == FIELD) is use
    assert reason in check.reason


class FakeFields:
    """A field list that answers, or fails, as the test says; counts the questions."""

    organization_id = "20061234567"

    def __init__(self, *answers: list[CustomField] | Exception) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def invoice_custom_fields(self, lane: Lane) -> list[CustomField]:
        """The next answer."""
        self.asked += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_the_answer_is_kept_after_the_first_question() -> None:
    source = FakeFields([_field(is_unique=True)])
    mode = UpsertMode(source, FIELD)
    assert await mode.field(Lane.LIVE) == FIELD
    assert await mode.field(Lane.LIVE) == FIELD
    assert source.asked == 1


async def test_nothing_is_asked_without_a_configured_field() -> None:
    source = FakeFields()
    assert await UpsertMode(source, None).field(Lane.LIVE) is None
    assert source.asked == 0


async def test_a_refused_list_means_plain_creates_for_good() -> None:
    source = FakeFields(ZohoNotFound("Invalid URL Passed", code=5, http_status=404))
    mode = UpsertMode(source, FIELD)
    assert await mode.field(Lane.LIVE) is None
    assert await mode.field(Lane.LIVE) is None
    assert mode.check is not None
    assert mode.check.reason.startswith("Zoho did not list the invoice custom fields")
    assert source.asked == 1


@pytest.mark.parametrize(
    "failure", [ZohoUnavailable("HTTP 500"), ConnectionBroken("refresh token revoked")]
)
async def test_a_failure_that_says_nothing_about_the_field_is_asked_again(
    failure: Exception,
) -> None:
    source = FakeFields(failure, [_field(is_unique=True)])
    mode = UpsertMode(source, FIELD)
    with pytest.raises(type(failure)):
        await mode.field(Lane.LIVE)
    assert mode.check is None
    assert await mode.field(Lane.LIVE) == FIELD


def _record(intent: Intent | None) -> OrderRecord:
    return OrderRecord(order_id="1001", paid=True, intent=intent)


def _intent(*, sent: bool, field: str | None) -> Intent:
    return Intent(
        organization_id="20061234567",
        reference="ORD-1001",
        started_ms=1,
        sent_ms=2 if sent else None,
        upsert_field=field,
    )


@pytest.mark.parametrize(
    ("field", "intent", "reference", "skips"),
    [
        (None, None, "ORD-1001", False),  # upsert mode off: the usual path
        (FIELD, None, "ORD-1001", True),
        (FIELD, _intent(sent=True, field=FIELD), "ORD-1001", True),  # a lost upsert
        (FIELD, _intent(sent=False, field=None), "ORD-1001", True),  # never left
        (FIELD, _intent(sent=True, field=None), "ORD-1001", False),  # a lost plain create
        (FIELD, _intent(sent=True, field="cf_old"), "ORD-1001", False),  # keyed by another
        (FIELD, None, "ORD-€1", False),  # cannot be a header value: created plainly
    ],
)
def test_when_a_create_may_skip_the_lookup(
    field: str | None, intent: Intent | None, reference: str, skips: bool
) -> None:
    assert skips_lookup(field, _record(intent), reference) is skips


def test_only_a_lost_upsert_by_the_same_field_is_repeated() -> None:
    lost = _intent(sent=True, field=FIELD)
    assert earlier_upsert(_record(lost), FIELD) == lost
    assert earlier_upsert(_record(lost), None) is None
    assert earlier_upsert(_record(_intent(sent=False, field=FIELD)), FIELD) is None
    assert earlier_upsert(_record(_intent(sent=True, field=None)), FIELD) is None


def test_a_new_intent_is_keyed_only_by_a_reference_a_header_can_carry() -> None:
    assert new_intent("org", "ORD-1", 5, FIELD).upsert_field == FIELD
    assert new_intent("org", "ORD-1", 5, None).upsert_field is None
    assert new_intent("org", "ORD-ü", 5, FIELD).upsert_field is None
    assert [header_safe(v) for v in ("ORD-1", "", " ORD", "A\nB")] == [True, False, False, False]

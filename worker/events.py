"""The event contract: what the shop publishes (SPEC §2).

A CloudEvents 1.0 envelope in structured JSON mode whose ``data`` is the order.
``parse_event`` turns raw message bytes into an ``OrderEvent`` or raises
``EventRejected`` with the dead-letter reason code and a readable detail.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

MAX_EVENT_BYTES = 1024 * 1024
EventType = Literal["order.paid", "order.updated", "order.deleted"]
EVENT_TYPES: tuple[EventType, ...] = ("order.paid", "order.updated", "order.deleted")
RejectReason = Literal[
    "invalid_json", "not_cloudevent", "unknown_type", "too_large", "invalid_order"
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Money = Annotated[Decimal, Field(max_digits=20, decimal_places=6, allow_inf_nan=False)]
Rate = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True)]


class EventRejected(Exception):
    """A message that cannot be an order event; goes to the dead-letter queue with the reason."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: RejectReason = reason
        self.detail = detail


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)


class Customer(_Model):
    """Who bought; the email keys the Zoho contact (with the currency)."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+$")]
    first_name: Text | None = None
    last_name: Text | None = None
    company: Text | None = None
    phone: Text | None = None
    vat_number: Text | None = None
    tax_code: Text | None = None


class Address(_Model):
    """A billing or shipping address."""

    line1: Text | None = None
    line2: Text | None = None
    city: Text | None = None
    postcode: Text | None = None
    region: Text | None = None
    country: CountryCode | None = None
    company: Text | None = None
    name: Text | None = None


class OrderLine(_Model):
    """A product line."""

    sku: Text | None = None
    name: Text
    description: Text | None = None
    quantity: Annotated[Decimal, Field(gt=0, allow_inf_nan=False, decimal_places=4)]
    unit_price: Annotated[Money, Field(ge=0)]
    tax_rate: Rate | None = None


class Discount(_Model):
    """A discount; one entry per VAT rate when a coupon spans several."""

    code: Text | None = None
    description: Text | None = None
    amount: Annotated[Money, Field(gt=0)]
    tax_rate: Rate | None = None


class Shipping(_Model):
    """Shipping; an amount of 0 adds no line."""

    description: Text | None = None
    amount: Annotated[Money, Field(ge=0)]
    tax_rate: Rate | None = None


class OrderRef(_Model):
    """What an ``order.deleted`` needs: the order id, and its revision if known."""

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    revision: Annotated[int, Field(ge=0)] | None = None


class Order(OrderRef):
    """The order as the shop sees it: the snapshot the invoice is built from."""

    number: Text | None = None
    status: Text | None = None
    currency: CurrencyCode
    placed_at: AwareDatetime | None = None
    paid_at: AwareDatetime | None = None
    prices_include_tax: bool = False
    customer: Customer
    billing_address: Address | None = None
    shipping_address: Address | None = None
    lines: Annotated[tuple[OrderLine, ...], Field(min_length=1, max_length=1000)]
    discounts: tuple[Discount, ...] = ()
    shipping: Shipping | None = None
    total: Money
    exchange_rate: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)] | None = None

    @property
    def display_number(self) -> str:
        """The number the shop shows; the id when it has none."""
        return self.number or self.id


class CloudEvent(BaseModel):
    """The CloudEvents 1.0 envelope (structured mode); extension attributes are kept."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"]
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    source: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    type: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    time: AwareDatetime
    datacontenttype: str | None = None
    subject: str | None = None
    data: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _json_data(self) -> CloudEvent:
        if self.datacontenttype not in (None, "application/json"):
            raise ValueError("datacontenttype must be application/json")
        return self


class OrderEvent(BaseModel):
    """A validated order event: the envelope facts the worker uses and the order."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    source: str
    type: EventType
    time: datetime
    order: Order | OrderRef

    @property
    def order_id(self) -> str:
        """The shop's order id."""
        return self.order.id


def parse_event(body: bytes) -> OrderEvent:
    """Validate a message body, or raise ``EventRejected`` saying why not."""
    if len(body) > MAX_EVENT_BYTES:
        raise EventRejected("too_large", f"{len(body)} bytes; the limit is {MAX_EVENT_BYTES}")
    envelope = _envelope(_decode(body))
    if envelope.type not in EVENT_TYPES:
        raise EventRejected("unknown_type", f"type {envelope.type!r} is not one of {EVENT_TYPES}")
    return OrderEvent(
        event_id=envelope.id,
        source=envelope.source,
        type=envelope.type,
        time=envelope.time,
        order=_order(envelope),
    )


def _decode(body: bytes) -> object:
    # json with parse_float=Decimal keeps every digit of an amount; pydantic's own JSON parser
    # goes through float for long numbers.
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise EventRejected("invalid_json", str(exc)) from None
    except RecursionError:
        raise EventRejected("invalid_json", "nested too deeply to parse") from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _envelope(raw: object) -> CloudEvent:
    if not isinstance(raw, dict):
        raise EventRejected("not_cloudevent", "the body is not a JSON object")
    try:
        return CloudEvent.model_validate(raw)
    except ValidationError as exc:
        raise EventRejected("not_cloudevent", _describe(exc)) from None


def _order(envelope: CloudEvent) -> Order | OrderRef:
    model: type[OrderRef] = OrderRef if envelope.type == "order.deleted" else Order
    try:
        return model.model_validate(envelope.data or {})
    except ValidationError as exc:
        raise EventRejected("invalid_order", _describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'data'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)[:10]
    ]
    return "; ".join(problems)

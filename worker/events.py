"""The event contract: what the shop publishes (SPEC §2).

A CloudEvents 1.0 envelope in structured JSON mode whose ``data`` is the order.
``parse_event`` turns raw message bytes into an ``OrderEvent`` or raises
``EventRejected`` with the dead-letter reason code and a readable detail.

Shops send absence in many forms (SPEC §2): a missing key, ``null``, ``""``,
whitespace only, an empty object or list, or an object or list holding only
such values. Every model of the order reads them one way (``_Model``): an
optional field given so is absent; a required one is missing, and the detail
names it (``customer.email: Field required``).
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
from pydantic.fields import FieldInfo

MAX_EVENT_BYTES = 1024 * 1024
EventType = Literal["order.paid", "order.updated", "order.deleted"]
EVENT_TYPES: tuple[EventType, ...] = ("order.paid", "order.updated", "order.deleted")
RejectReason = Literal[
    "invalid_json", "not_cloudevent", "unknown_type", "too_large", "invalid_order"
]

# The pattern says "not blank" in the JSON Schema; the parser has turned blanks into absence.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=r"\S")
]
Money = Annotated[Decimal, Field(max_digits=20, decimal_places=6, allow_inf_nan=False)]
Rate = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False)]
CurrencyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]


class EventRejected(Exception):
    """A message that cannot be an order event; goes to the dead-letter queue with the reason."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: RejectReason = reason
        self.detail = detail


def is_blank(value: object) -> bool:
    """Whether ``value`` is absence as shops send it: null, "", whitespace only, or an
    empty object or list (or one holding nothing but such values)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(is_blank(item) for item in value)
    return False


def _absent(field: FieldInfo | None, value: object) -> bool:
    """Whether a field given as ``value`` counts as not given at all."""
    if field is None:
        return False
    if field.is_required():
        # A required object is kept, so the detail names the field missing inside it
        # ("customer.email"), not the whole object.
        return value is None or value == [] or (isinstance(value, str) and not value.strip())
    return is_blank(value)


class _Model(BaseModel):
    """A part of the order: absent values are dropped before validation."""

    model_config = ConfigDict(frozen=True, extra="ignore", coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_absent(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {key: value for key, value in data.items() if not _absent(fields.get(key), value)}


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
    # Shops compute a bundle's unit price as total / quantity and send every float digit
    # (WooCommerce: 16.666666666666668); the mapping rounds it to the currency.
    unit_price: Annotated[
        Decimal, Field(ge=0, max_digits=40, decimal_places=20, allow_inf_nan=False)
    ]
    tax_rate: Rate | None = None


class Discount(_Model):
    """A discount; one entry per VAT rate when a coupon spans several. A zero amount (a
    free-shipping coupon, say) is accepted and adds no line."""

    code: Text | None = None
    description: Text | None = None
    amount: Annotated[Money, Field(ge=0)]
    tax_rate: Rate | None = None


class Shipping(_Model):
    """Shipping; an amount of 0 adds no line."""

    description: Text | None = None
    amount: Annotated[Money, Field(ge=0)]
    tax_rate: Rate | None = None


class OrderRef(_Model):
    """What an ``order.deleted`` needs: the order id, and its revision if known."""

    id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"\S")
    ]
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
    errors = exc.errors(include_input=False, include_url=False)
    # "lines: Tuple should have at least 1 item after validation" only echoes an error
    # inside the list, which already names the field.
    inner = {error["loc"][:depth] for error in errors for depth in range(len(error["loc"]))}
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'data'}: {error['msg']}"
        for error in errors
        if not (error["type"] == "too_short" and error["loc"] in inner)
    ]
    return "; ".join(problems[:10])

"""The shop's customers: new and returning, some sharing a name, some moving house.

``CustomerPool.next_buyer`` decides, seeded, who places the next order: a new
customer or (with ``repeat_share``) one who bought before. The first two new
customers are namesakes (same first and last name, different emails), so the
second one meets Zoho's unique display name (code 3062). A returning customer
sometimes brings a new phone number or address (the contact is updated), and
once types the email in another case (still the same contact); from the third
return on, one of the base currency pays in USD (a second contact: one per email and currency).

``names="distinct"`` gives every new customer a name of their own instead (a
number after the last name), except a ``namesake_share`` of them who take an
earlier customer's name: a benchmark sets how often Zoho meets 3062.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

from .shop_orders import Address, Customer

NameStyle = Literal["few", "distinct"]

NAMES = (
    ("Giulia", "Bianchi"), ("Zoë", "Ångström"), ("Łukasz", "Żółciński"), ("Ørjan", "Æsir"),
    ("Διονύσης", "Παπαδόπουλος"), ("健", "渡辺"), ("José María", "Núñez-Ibáñez"),
    ("Siobhán", "O'Brien"), ("Mario", "Rossi"), ("Anaïs", "Lefèvre"), ("Jürgen", "Groß"),
    ("Chloé", "Dubois"), ("Ayşe", "Yılmaz"),  # noqa: RUF001 - a Turkish dotless i
    ("Nguyễn", "Thị Hoa"), ("Olga", "Смирнова"),
    ("Francesca", "D'Amico"), ("Pieter", "van der Berg"), ("Ana", "Sá"), ("Lars", "Øster"),
)  # fmt: skip
COMPANIES = ("Caffè Aurora S.r.l.", "Feinkost Groß GmbH", "L'Épicerie Fine SARL", "Tè & Co. S.n.c.")
EU_ADDRESSES = (
    Address("Via Torino 12", "Milano", "20123", "IT", region="MI"),
    Address("Schillerstraße 5", "München", "80336", "DE", line2="Hinterhaus, 3. OG"),
    Address("12 rue de la Paix", "Paris", "75002", "FR"),
    Address("Calle de Alcalá 48", "Madrid", "28014", "ES", line2="Piso 2º"),
    Address("Piazza del Campo 1", "Siena", "53100", "IT", region="SI"),
)
US_ADDRESSES = (
    Address("350 Fifth Avenue", "New York", "10118", "US", line2="Suite 4200", region="NY"),
    Address("1 Market Street", "San Francisco", "94105", "US", region="CA"),
)


@dataclass(frozen=True)
class Buyer:
    """Who places an order, in which currency, and whether they bought before."""

    customer: Customer
    currency: str
    returning: bool


@dataclass
class CustomerPool:
    """Every customer so far, by their lower-cased email, with their home currency."""

    rng: random.Random
    repeat_share: float = 0.45
    usd_share: float = 0.15
    known: dict[str, tuple[Customer, str]] = field(default_factory=dict)
    names: NameStyle = "few"
    namesake_share: float = 0.0  # with distinct names: new customers named like an earlier one
    returns: int = 0
    second_currency_used: bool = False

    def next_buyer(self) -> Buyer:
        """A returning customer (``repeat_share``, once some exist), else a new one."""
        if self.known and self.rng.random() < self.repeat_share:
            return self._returning()
        customer, currency = self._new()
        self.known[customer.email.lower()] = (customer, currency)
        return Buyer(customer, currency, returning=False)

    def _new(self) -> tuple[Customer, str]:
        number = len(self.known)
        first, last = self._name(number)
        currency = "USD" if number >= 2 and self.rng.random() < self.usd_share else "EUR"
        addresses = US_ADDRESSES if currency == "USD" else EU_ADDRESSES
        business = currency == "EUR" and self.rng.random() < 0.2
        customer = Customer(
            email=f"{_ascii(first)}.{_ascii(last)}.{number}@example.com",
            first_name=first,
            last_name=last,
            address=self.rng.choice(addresses),
            company=self.rng.choice(COMPANIES) + f" #{number}" if business else None,
            phone=f"+39 02 555 {number:04d}" if self.rng.random() < 0.5 else None,
            vat_number=f"IT{10_000_000_000 + number:011d}" if business else None,
        )
        return customer, currency

    def _name(self, number: int) -> tuple[str, str]:
        if self.names == "few":  # the first two are namesakes, then 19 names for everyone
            return NAMES[0] if number < 2 else self.rng.choice(NAMES)
        if number and self.rng.random() < self.namesake_share:
            earlier, _ = self.known[self.rng.choice(sorted(self.known))]
            return earlier.first_name, earlier.last_name
        first, last = self.rng.choice(NAMES)
        return first, f"{last} {number}"

    def _returning(self) -> Buyer:
        key = self.rng.choice(sorted(self.known))
        customer, currency = self.known[key]
        roll = self.rng.random()
        if roll < 0.2:
            customer = replace(customer, phone=f"+39 347 {self.rng.randrange(10**7):07d}")
        elif roll < 0.3:
            customer = replace(customer, address=replace(customer.address, line1="Via Nuova 7"))
        self.known[key] = (customer, currency)
        if roll > 0.9:  # the same person, typing the email in another case
            customer = replace(customer, email=customer.email.title())
        self.returns += 1
        second = self.usd_share > 0 and not self.second_currency_used
        if self.returns >= 3 and currency == "EUR" and second:
            currency, self.second_currency_used = "USD", True  # a second contact for one email
        return Buyer(customer, currency, returning=True)


def _ascii(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum()) or "kunde"

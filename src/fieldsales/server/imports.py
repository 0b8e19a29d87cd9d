"""CSV imports an admin runs: the product catalogue, price lists, and orders from the ERP.

Every row is checked on its own. Bad rows are reported with their line number and a Dutch reason;
good rows are kept. Ids are derived from the business keys (SKU, price-list name, ERP order
number), so importing the same file again updates records instead of duplicating them, and only
what really changed gets a new version (devices pull it like any other change).

Files may be comma- or semicolon-separated (Dutch Excel writes ``;``), UTF-8 (with or without
BOM) or Windows-1252; amounts and quantities may be written the Dutch way (``1.234,56``).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, select

from fieldsales.domain.enums import OrderSource, OrderStatus, VatRate
from fieldsales.domain.errors import DomainError
from fieldsales.domain.money import parse_amount, parse_date, parse_decimal, to_cents
from fieldsales.domain.pricing import LineInput, line_amounts
from fieldsales.records.base import to_wire_value
from fieldsales.server.db import write_transaction
from fieldsales.server.models import records
from fieldsales.server.validation import Rejection, validate_data
from fieldsales.server.writer import ServerWriter

_NAMESPACE = uuid.UUID("6f1c7c1e-5d0b-4c55-9c55-2f7b0b8a9e11")

CsvSource = str | Path | TextIO


class RowError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # line number in the file, the header being line 1
    reason: str


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    imported: int = 0
    records_written: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        lines = [
            f"{self.rows} regels gelezen, {self.imported} geïmporteerd, "
            f"{len(self.rejected)} afgekeurd, {self.records_written} records bijgewerkt."
        ]
        lines += [f"regel {r.line}: {r.reason}" for r in self.rejected]
        return "\n".join(lines)


def stable_id(tenant_id: str, *parts: str) -> str:
    """An id that the same business key always maps to, within one tenant."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join((tenant_id, *parts))))


def _read_text(source: CsvSource) -> str:
    if isinstance(source, Path):
        raw = source.read_bytes()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("cp1252")
    if isinstance(source, str):
        return source
    return source.read()


def read_rows(source: CsvSource, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs with lower-cased, trimmed column names."""
    text = _read_text(source).lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = required - header
    if missing:
        raise Rejection(
            "missing_columns",
            "Kolommen ontbreken in het bestand: " + ", ".join(sorted(missing)) + ".",
        )
    for row in reader:
        cleaned = {
            (key or "").strip().lower(): (value or "").strip()
            for key, value in row.items()
            if key is not None and not isinstance(value, list)
        }
        if not any(cleaned.values()):
            continue
        yield reader.line_num, cleaned


def _need(row: dict[str, str], name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowError(f"kolom '{name}' is leeg")
    return value


def _parsed(parse: Callable[[str], Any], value: str) -> Any:
    try:
        return parse(value)
    except DomainError as exc:
        raise RowError(exc.message) from exc


_VAT = {
    "21": VatRate.HIGH,
    "high": VatRate.HIGH,
    "hoog": VatRate.HIGH,
    "9": VatRate.LOW,
    "low": VatRate.LOW,
    "laag": VatRate.LOW,
    "0": VatRate.ZERO,
    "zero": VatRate.ZERO,
    "nul": VatRate.ZERO,
}
_BOOL = {"1": True, "ja": True, "true": True, "j": True, "0": False, "nee": False, "false": False}


def _vat(value: str) -> VatRate:
    rate = _VAT.get(value.strip().lower().rstrip("%").strip())
    if rate is None:
        raise RowError(f"onbekend btw-tarief '{value}' (gebruik 21, 9 of 0)")
    return rate


def _date(value: str) -> date:
    result: date = _parsed(parse_date, value)
    return result


def _cents(value: str) -> int:
    amount: Decimal = _parsed(parse_amount, value)
    return to_cents(amount)


def _write_row(report: ImportReport, line: int, write: Callable[[], int]) -> None:
    try:
        report.records_written += write()
        report.imported += 1
    except RowError as exc:
        report.rejected.append(RejectedRow(line, exc.reason))
    except Rejection as exc:
        report.rejected.append(RejectedRow(line, exc.message))


def _upsert(writer: ServerWriter, collection: str, record_id: str, fields: dict[str, Any]) -> int:
    before = writer.get(record_id)
    version = before.version if before is not None else None
    row = writer.upsert(collection, record_id, fields)
    return int(row.version != version)


def _all_of(writer: ServerWriter, collection: str) -> list[Any]:
    ids = list(
        writer.conn.execute(
            select(records.c.id).where(
                records.c.tenant_id == writer.tenant_id,
                records.c.collection == collection,
                records.c.deleted.is_(False),
            )
        ).scalars()
    )
    writer.load(ids)
    return [writer.rows[i] for i in ids]


PRODUCT_COLUMNS = {"sku", "name", "group_code", "list_price"}


def import_catalogue(engine: Engine, *, tenant_id: str, source: CsvSource) -> ImportReport:
    """Products with their groups. Columns: sku, name, group_code, list_price; optional
    group_name, unit, vat (21/9/0), description, active (ja/nee), introduced_on."""
    report = ImportReport()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, tenant_id)
        for line, row in read_rows(source, PRODUCT_COLUMNS):
            report.rows += 1

            def write(row: dict[str, str] = row) -> int:
                code = _need(row, "group_code")
                group_id = stable_id(tenant_id, "product_group", code.lower())
                sku = _need(row, "sku")
                fields: dict[str, Any] = {
                    "sku": sku,
                    "name": _need(row, "name"),
                    "product_group_id": group_id,
                    "list_price_cents": _cents(_need(row, "list_price")),
                }
                if row.get("unit"):
                    fields["unit"] = row["unit"]
                if row.get("vat"):
                    fields["vat_rate"] = _vat(row["vat"]).value
                if "description" in row:
                    fields["description"] = row["description"]
                if row.get("active"):
                    active = _BOOL.get(row["active"].lower())
                    if active is None:
                        raise RowError(f"'{row['active']}' bij actief: gebruik ja of nee")
                    fields["active"] = active
                if row.get("introduced_on"):
                    fields["introduced_on"] = _date(row["introduced_on"]).isoformat()
                product_id = stable_id(tenant_id, "product", sku.lower())
                existing = writer.get(product_id)
                validate_data("products", {**(existing.data if existing else {}), **fields})
                # Only a row that is valid as a whole writes anything (its group included).
                written = 0
                if writer.get(group_id) is None or row.get("group_name"):
                    written += _upsert(
                        writer,
                        "product_groups",
                        group_id,
                        {"code": code, "name": row.get("group_name") or code},
                    )
                return written + _upsert(writer, "products", product_id, fields)

            _write_row(report, line, write)
        writer.finish()
    return report


TARGET_GROUP_COLUMNS = {"code", "name"}


def import_target_groups(engine: Engine, *, tenant_id: str, source: CsvSource) -> ImportReport:
    """Target groups (doelgroepen: A/B/C by potential, or sectors). Columns: code, name;
    optional visit_interval_days (how often a customer in the group is visited, default 90)
    and description. The code is the key: a re-import updates a group rather than adding one,
    so customers assigned to it stay assigned."""
    report = ImportReport()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, tenant_id)
        for line, row in read_rows(source, TARGET_GROUP_COLUMNS):
            report.rows += 1

            def write(row: dict[str, str] = row) -> int:
                code = _need(row, "code")
                fields: dict[str, Any] = {"code": code, "name": _need(row, "name")}
                if row.get("visit_interval_days"):
                    try:
                        fields["visit_interval_days"] = int(row["visit_interval_days"])
                    except ValueError as exc:
                        raise RowError(
                            f"'{row['visit_interval_days']}' bij visit_interval_days: "
                            "gebruik een aantal dagen"
                        ) from exc
                if "description" in row:
                    fields["description"] = row["description"]
                group_id = stable_id(tenant_id, "target_group", code.lower())
                existing = writer.get(group_id)
                validate_data("target_groups", {**(existing.data if existing else {}), **fields})
                return _upsert(writer, "target_groups", group_id, fields)

            _write_row(report, line, write)
        writer.finish()
    return report


PRICE_LIST_COLUMNS = {"price_list", "sku", "price"}


def import_price_lists(engine: Engine, *, tenant_id: str, source: CsvSource) -> ImportReport:
    """Customer price lists. Columns: price_list, sku, price; optional min_quantity, valid_from,
    valid_until (the last two apply to the whole list)."""
    report = ImportReport()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, tenant_id)
        products = {str(p.data["sku"]).lower(): p.id for p in _all_of(writer, "products")}
        for line, row in read_rows(source, PRICE_LIST_COLUMNS):
            report.rows += 1

            def write(row: dict[str, str] = row) -> int:
                name = _need(row, "price_list")
                sku = _need(row, "sku")
                product_id = products.get(sku.lower())
                if product_id is None:
                    raise RowError(f"onbekend artikel '{sku}': importeer eerst de catalogus")
                list_fields: dict[str, Any] = {"name": name}
                for column in ("valid_from", "valid_until"):
                    if row.get(column):
                        list_fields[column] = _date(row[column]).isoformat()
                list_id = stable_id(tenant_id, "price_list", name.lower())
                minimum = (
                    _parsed(parse_decimal, row["min_quantity"])
                    if row.get("min_quantity")
                    else Decimal(1)
                )
                item_id = stable_id(tenant_id, "price_list_item", list_id, product_id, str(minimum))
                item = {
                    "price_list_id": list_id,
                    "product_id": product_id,
                    "price_cents": _cents(_need(row, "price")),
                    "min_quantity": str(minimum),
                }
                validate_data("price_list_items", item)
                validate_data("price_lists", list_fields)
                written = _upsert(writer, "price_lists", list_id, list_fields)
                return written + _upsert(writer, "price_list_items", item_id, item)

            _write_row(report, line, write)
        writer.finish()
    return report


ORDER_COLUMNS = {"order_number", "order_date", "customer_number", "sku", "quantity", "unit_price"}
_STATUS = {s.value: s for s in OrderStatus}


def import_erp_orders(engine: Engine, *, tenant_id: str, source: CsvSource) -> ImportReport:
    """Orders (revenue) from an ERP export, one row per order line. Columns: order_number,
    order_date, customer_number, sku, quantity, unit_price; optional discount (percent), vat
    (21/9/0, default the product's), description, status (default delivered), line.

    Amounts are computed per line by ``domain.pricing`` and the order's totals are the sums of its
    imported lines; lines are keyed by order number and line number (or position in the file).
    """
    report = ImportReport()
    with write_transaction(engine) as conn:
        writer = ServerWriter(conn, tenant_id)
        customers = {
            str(c.data["customer_number"]).lower(): c
            for c in _all_of(writer, "customers")
            if c.data.get("customer_number")
        }
        products = {str(p.data["sku"]).lower(): p for p in _all_of(writer, "products")}
        orders: dict[str, dict[str, Any]] = {}
        positions: dict[str, int] = {}
        for line, row in read_rows(source, ORDER_COLUMNS):
            report.rows += 1

            def write(row: dict[str, str] = row) -> int:
                number = _need(row, "order_number")
                customer = customers.get(_need(row, "customer_number").lower())
                if customer is None:
                    raise RowError(f"onbekend klantnummer '{row['customer_number']}'")
                product = products.get(_need(row, "sku").lower())
                if product is None:
                    raise RowError(f"onbekend artikel '{row['sku']}'")
                order_date = _date(_need(row, "order_date"))
                quantity: Decimal = _parsed(parse_decimal, _need(row, "quantity"))
                if quantity < 0:
                    raise RowError("aantal mag niet negatief zijn")
                unit_price = _cents(_need(row, "unit_price"))
                if unit_price < 0:
                    raise RowError("prijs mag niet negatief zijn")
                discount = (
                    _parsed(parse_decimal, row["discount"].rstrip("%"))
                    if row.get("discount")
                    else Decimal(0)
                )
                vat = _vat(row["vat"]) if row.get("vat") else VatRate(product.data["vat_rate"])
                status = _STATUS.get((row.get("status") or "delivered").lower())
                if status is None:
                    raise RowError(f"onbekende status '{row['status']}'")
                order = orders.get(number)
                if order is None:
                    order = {
                        "id": stable_id(tenant_id, "erp_order", number),
                        "customer": customer,
                        "date": order_date,
                        "status": status,
                        "lines": [],
                    }
                elif order["customer"].id != customer.id:
                    raise RowError(f"order {number} staat al op een andere klant")
                try:
                    amounts = line_amounts(
                        LineInput(
                            quantity=quantity,
                            unit_price_cents=unit_price,
                            discount_percent=discount,
                            vat_rate=vat,
                        )
                    )
                except DomainError as exc:
                    raise RowError(exc.message) from exc
                position = positions.get(number, 0) + 1
                line_key = row.get("line") or str(position)
                line_id = stable_id(tenant_id, "erp_order_line", number, line_key)
                fields = {
                    "order_id": order["id"],
                    "customer_id": customer.id,
                    "position": position,
                    "product_id": product.id,
                    "description": row.get("description") or str(product.data.get("name", "")),
                    "quantity": to_wire_value(quantity),
                    "unit_price_cents": unit_price,
                    "discount_percent": to_wire_value(discount),
                    "vat_rate": vat.value,
                    "net_cents": amounts.net_cents,
                    "vat_cents": amounts.vat_cents,
                }
                orders[number] = order
                positions[number] = position
                order["lines"].append((line_id, fields))
                return 0

            _write_row(report, line, write)

        for number, order in orders.items():
            customer = order["customer"]
            net = sum(f["net_cents"] for _, f in order["lines"])
            vat_total = sum(f["vat_cents"] for _, f in order["lines"])
            report.records_written += _upsert(
                writer,
                "orders",
                order["id"],
                {
                    "customer_id": customer.id,
                    "owner_id": customer.owner_id,
                    "order_number": number,
                    "order_date": order["date"].isoformat(),
                    "status": order["status"].value,
                    "source": OrderSource.ERP.value,
                    "erp_reference": number,
                    "net_cents": net,
                    "vat_cents": vat_total,
                    "gross_cents": net + vat_total,
                },
            )
            for line_id, fields in order["lines"]:
                report.records_written += _upsert(writer, "order_lines", line_id, fields)
        writer.finish()
    return report

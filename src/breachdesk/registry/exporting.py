"""Write the registry as CSV (UTF-8 with BOM, or CP932) or XLSX; masked by default, always formula-safe."""

from __future__ import annotations

import codecs
import csv
from typing import IO, Any

from breachdesk.core.crypto import cipher_for
from breachdesk.core.exports import safe_cell as safe_cell  # re-exported: tests and callers import it here
from breachdesk.core.exports import safe_row
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ENCRYPTED, Person

HEADER = [
    "member_id",
    "name",
    "name_kana",
    "email",
    "phone",
    "postal_code",
    "address",
    "birth_date",
    "affected",
    "items",
    "source",
]


TABLE = "registry.person"


def rows(*, incident: Incident, masked: bool) -> Any:
    """Yield the header and one row per person, decrypted and (unless ``masked`` is false) masked."""
    cipher = cipher_for(incident.pk)
    yield HEADER
    people = (
        Person.objects.filter(incident=incident)
        .order_by("id")
        .values_list(*ENCRYPTED.values(), "affected", "items", "source", "aad_id")
    )
    labels = list(ENCRYPTED)
    width = len(labels)
    for row in people.iterator(chunk_size=2000):
        aad_id = row[width + 3]
        values = [
            cipher.decrypt(label, blob, table=TABLE, row=aad_id) or ""
            for label, blob in zip(labels, row[:width], strict=True)
        ]
        if masked:
            values = [mask(label, value) for label, value in zip(labels, values, strict=True)]
        yield safe_row(
            [
                *values,
                "1" if row[width] else "0",
                ",".join(vocabulary.keys_of(row[width + 1])),
                row[width + 2],
            ]
        )


def write(*, incident: Incident, fmt: str, encoding: str, masked: bool, out: IO[bytes]) -> int:
    """Write the export to ``out`` and return the number of people written."""
    count = -1
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("registry")
        for row in rows(incident=incident, masked=masked):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a string, never a formula, whatever it starts with
                cells.append(cell)
            sheet.append(cells)
            count += 1
        workbook.save(out)
        return count
    codec = "utf-8-sig" if encoding == "utf-8" else "cp932"
    writer_stream = codecs.getwriter(codec)(out, "replace")
    writer = csv.writer(writer_stream, lineterminator="\r\n")
    for row in rows(incident=incident, masked=masked):
        writer.writerow(row)
        count += 1
    writer_stream.flush()
    return count

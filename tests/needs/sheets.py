"""Spreadsheets of the needs tests: real XLSX workbooks (openpyxl) and CSV files."""

import io

from openpyxl import Workbook


def xlsx(rows, title="Besoins"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv(rows):
    return "\r\n".join(";".join(str(cell) for cell in row) for row in rows).encode("utf-8-sig")

"""Real .xlsx files for import tests, written by openpyxl as an office's Excel would save them."""

import openpyxl


def write_workbook(path, sheets):
    """Write `sheets` ({sheet name: [row, …]}, the header first) to `path`; returns the path."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path

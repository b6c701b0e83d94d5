"""Writes tests/fixtures/excel/users.xlsx with openpyxl (pip install openpyxl).

    python3 scripts/make_excel_fixture.py tests/fixtures/excel/users.xlsx

A users table in a sheet named 学员 (dates as Excel date cells, a numeric id, a whole number
stored as a float, an age out of range on sheet row 4, a date typed as text), and a second sheet
that holds no table.
"""
import datetime
import sys

import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "学员"
ws.append(["user_id", "signup_date", "gender", "age", "city", "occupation"])
ws.append(["u1", datetime.date(2025, 3, 4), "女", 28, "上海", "白领"])
ws.append([1002, datetime.datetime(2025, 5, 6, 7, 8, 9), "男", 35.0, "北京", "程序员"])
ws.append(["u3", datetime.date(2025, 6, 1), "女", 999, "广州", "学生"])
ws.append(["u4", "2025-07-01", "男", 41, "成都", "教师"])
notes = wb.create_sheet("备注")
notes.append(["note"])
notes.append(["not a table"])
wb.save(sys.argv[1])

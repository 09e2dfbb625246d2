"""Helpers for bench/xlsx.sh (python3; openpyxl for `openpyxl`).

  clone STORE COUNT
      Grows a district store made by `enroll import` to COUNT applications by copying its
      applications rows (new ids and collection numbers 9xxxxxxx, the same current revision,
      so the form data and the store's own rows stay as enroll wrote them). Synthetic: the
      copies share their form data, which is all the export reads.
  openpyxl STORE SCHEMAS OUT
      Writes the same workbook as `enroll export xlsx` with openpyxl's write-only mode: a
      sheet per form, the collection number first, then the status, station, school, reasons,
      flags, every field of the form's data (ID numbers and phones as str, dates as datetime),
      the application id and revision. It reads the store straight from SQLite.
"""
import datetime
import json
import re
import sqlite3
import sys
import uuid


def clone(store, count):
    db = sqlite3.connect(store + "/district.sqlite")
    db.execute("PRAGMA foreign_keys = OFF")
    columns = [row[1] for row in db.execute("PRAGMA table_info(applications)")]
    originals = db.execute("SELECT %s FROM applications ORDER BY collection_number" % ", ".join(columns)).fetchall()
    have = len(originals)
    index_id, index_number = columns.index("id"), columns.index("collection_number")
    index_child = columns.index("child_id") if "child_id" in columns else None
    marks = ", ".join("?" * len(columns))
    batch = []
    for i in range(count - have):
        row = list(originals[i % have])
        row[index_id] = str(uuid.UUID(int=i + 1))
        row[index_number] = "9%07d" % i
        if index_child is not None and row[index_child] is not None:
            row[index_child] = "%s-%d" % (row[index_child], i)
        batch.append(row)
        if len(batch) == 10000:
            db.executemany("INSERT INTO applications (%s) VALUES (%s)" % (", ".join(columns), marks), batch)
            batch = []
    if batch:
        db.executemany("INSERT INTO applications (%s) VALUES (%s)" % (", ".join(columns), marks), batch)
    db.commit()
    print(db.execute("SELECT count(*) FROM applications").fetchone()[0])


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def flatten(value, prefix, out):
    if isinstance(value, dict):
        for key, child in value.items():
            flatten(child, prefix + "." + key if prefix else key, out)
    elif isinstance(value, list):
        for position, child in enumerate(value):
            flatten(child, "%s[%d]" % (prefix, position), out)
    else:
        out[prefix] = value


def write_openpyxl(store, schemas, out):
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    db = sqlite3.connect(store + "/district.sqlite")
    wb = openpyxl.Workbook(write_only=True)
    forms = [row[0] for row in db.execute("SELECT DISTINCT form FROM applications ORDER BY form")]
    for form in forms:
        # The columns: the first application's flattened keys (the forms' data all have one shape).
        first = db.execute(
            "SELECT r.form_json FROM applications a JOIN revisions r ON r.digest = a.current_digest WHERE a.form = ? "
            "ORDER BY a.collection_number LIMIT 1", (form,)).fetchone()[0]
        keys = {}
        flatten(json.loads(first), "", keys)
        keys = list(keys)
        ws = wb.create_sheet(form[:31])
        ws.freeze_panes = "A2"
        header = ["采集编号", "状态", "采集点", "录取学校", "驳回原因", "标记"] + keys + ["申请编号", "版本"]
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)
        rows = 0
        query = ("SELECT a.collection_number, a.status, a.station, a.school, a.reasons, a.id, a.current_revision, r.form_json, "
                 "(SELECT group_concat(flag, ' ') FROM flags f WHERE f.application_id = a.id) "
                 "FROM applications a JOIN revisions r ON r.digest = a.current_digest WHERE a.form = ? ORDER BY a.collection_number")
        for number, status, station, school, reasons, app_id, revision, form_json, flags in db.execute(query, (form,)):
            values = {}
            flatten(json.loads(form_json), "", values)
            row = [number, status, station, school or "", "; ".join(json.loads(reasons or "[]")), flags or ""]
            for key in keys:
                value = values.get(key)
                if isinstance(value, str) and DATE.match(value):
                    value = datetime.datetime.strptime(value, "%Y-%m-%d")
                elif isinstance(value, bool):
                    value = "是" if value else "否"
                row.append(value)
            row += [app_id, revision]
            ws.append(row)
            rows += 1
        ws.auto_filter.ref = "A1:%s%d" % (openpyxl.utils.get_column_letter(len(header)), rows + 1)
    wb.save(out)


if __name__ == "__main__":
    if sys.argv[1] == "clone":
        clone(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "openpyxl":
        write_openpyxl(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: xlsx_bench.py clone STORE COUNT | openpyxl STORE SCHEMAS OUT")

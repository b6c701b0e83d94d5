"""Runs the feature query of `persona-lab profile --emit-sql duckdb` in DuckDB.

Usage: python3 duckdb_features.py DATA_DIR QUERY.sql OUT.csv

The contract tables of DATA_DIR (users.csv, courses.csv, events.csv; Parquet files of the same
names work too) become DuckDB views of the same names, read by DuckDB's own CSV reader (types
detected on the whole file), and the query's result is written with every float in full
precision (repr), for `tests/warehouse.rs` to compare with Persona Lab's own features.
Needs the `duckdb` Python package (pip install duckdb); nothing else.
"""

import csv
import os
import sys

import duckdb


def main() -> None:
    data, query, out = sys.argv[1:4]
    con = duckdb.connect()
    for table in ("users", "courses", "events"):
        for ext, reader in (("csv", "read_csv"), ("parquet", "read_parquet")):
            path = os.path.join(data, f"{table}.{ext}")
            if os.path.exists(path):
                options = ", header = true, sample_size = -1" if ext == "csv" else ""
                con.execute(
                    f"CREATE VIEW {table} AS SELECT * FROM {reader}('{path}'{options})"
                )
                break
    with open(query, encoding="utf-8") as f:
        result = con.execute(f.read())
    names = [d[0] for d in result.description]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(names)
        for row in result.fetchall():
            w.writerow([repr(v) if isinstance(v, float) else v for v in row])


if __name__ == "__main__":
    main()

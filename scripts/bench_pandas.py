"""The pandas baseline for scripts/bench-load.sh: read the three files and apply the same row
checks as `persona-lab validate` (types, required values, known events, timestamps, ranges,
duplicate ids, orphans)."""
import sys

import pandas as pd

d = sys.argv[1]
users = pd.read_csv(f"{d}/users.csv", dtype=str)
courses = pd.read_csv(f"{d}/courses.csv", dtype=str)
ev = pd.read_csv(f"{d}/events.csv", dtype={"user_id": str, "course_id": str, "event": str, "text": str})
bad = pd.Series(False, index=ev.index)
bad |= ev["user_id"].isna() | ev["course_id"].isna()
bad |= ~ev["event"].isin(["view", "click", "enroll", "purchase", "complete", "rate", "comment", "share", "refund"])
ts = pd.to_datetime(ev["ts"], errors="coerce", format="mixed")
bad |= ts.isna()
for col in ["amount", "watch_sec"]:
    v = pd.to_numeric(ev[col], errors="coerce")
    bad |= (ev[col].notna() & v.isna()) | (v < 0)
r = pd.to_numeric(ev["rating"], errors="coerce")
bad |= (ev["rating"].notna() & r.isna()) | (r < 1) | (r > 5)
users_bad = users["user_id"].duplicated() | users["user_id"].isna()
courses_bad = courses["course_id"].duplicated() | courses["course_id"].isna()
ok = ev[~bad]
orphans = (~ok["user_id"].isin(users["user_id"]) | ~ok["course_id"].isin(courses["course_id"])).sum()
print(len(ev), int((~bad).sum()), int(bad.sum()), int(orphans), int(users_bad.sum()), int(courses_bad.sum()))

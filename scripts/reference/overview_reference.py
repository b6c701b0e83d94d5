"""The overview's counts computed with pandas, for `tests/overview.rs`.

    python3 scripts/reference/overview_reference.py tests/fixtures/overview/reference.json

Datasets: the bundled sample (`sample-data`) and the CDNOW purchase log
(`tests/fixtures/clv/events.csv`, real customers, no users.csv or courses.csv). For each:
totals, every month (active / new / returning learners, orders, revenue), the ten best
courses and categories by revenue, the funnel over all courses and by category (a learner's
furthest stage counts for every stage before it) and sign-up cohort retention.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

STAGES = ["view", "click", "enroll", "purchase", "complete"]


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False) if os.path.exists(path) else None


def month(ts):
    return ts.dt.year * 12 + ts.dt.month - 1


def label(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def funnel(ev, key):
    ev = ev[ev.event.isin(STAGES)].copy()
    ev["stage"] = ev.event.map(STAGES.index)
    furthest = ev.groupby([key, "user_id"]).stage.max().reset_index()
    out = {}
    for g, part in furthest.groupby(key):
        out[g] = [int((part.stage >= s).sum()) for s in range(5)]
    return out


def one(folder, events_file=None):
    users = read(os.path.join(folder, "users.csv"))
    courses = read(os.path.join(folder, "courses.csv"))
    ev = read(events_file or os.path.join(folder, "events.csv"))
    ev["ts"] = pd.to_datetime(ev.ts, format="mixed")
    ev["amount"] = pd.to_numeric(ev.amount.replace("", np.nan)) if "amount" in ev else 0.0
    ev["money"] = ev.amount.fillna(0.0)
    ev["m"] = month(ev.ts)
    ids = set(ev.user_id)
    if users is not None:
        ids |= set(users.user_id)
    buy = ev[ev.event == "purchase"]
    last = ev.ts.max()
    last_seen = ev.groupby("user_id").ts.max()
    first_month = ev.groupby("user_id").m.min()
    months = []
    for m in range(ev.m.min(), ev.m.max() + 1):
        part = ev[ev.m == m]
        active = set(part.user_id)
        new = sum(1 for u in active if first_month[u] == m)
        b = part[part.event == "purchase"]
        months.append(dict(month=label(m), active=len(active), new=new,
                           returning=len(active) - new, orders=len(b),
                           revenue=float(b.money.sum())))
    if courses is not None:
        ev = ev.merge(courses[["course_id", "category"]], on="course_id", how="left")
        ev["category"] = ev.category.fillna("").replace("", "—")
    else:
        ev["category"] = "—"
    ev["all"] = "all"
    buy = ev[ev.event == "purchase"]

    def sales(key):
        rows = []
        for g, part in ev.groupby(key):
            b = part[part.event == "purchase"]
            rows.append(dict(key=g, learners=part.user_id.nunique(),
                             buyers=b.user_id.nunique(), orders=len(b),
                             revenue=float(b.money.sum())))
        rows.sort(key=lambda r: (-r["revenue"], -r["buyers"], r["key"]))
        return rows[:10]

    joined = ev.groupby("user_id").m.min()
    if users is not None and "signup_date" in users:
        s = users[users.signup_date != ""]
        signup = month(pd.to_datetime(s.signup_date, format="mixed"))
        signup.index = s.user_id
        joined = pd.concat([signup, joined[~joined.index.isin(signup.index)]])
    last_month = ev.m.max()
    active = set(zip(ev.user_id, ev.m))
    cohorts = []
    for m, part in joined.groupby(joined):
        if m > last_month:
            continue
        span = min(int(last_month - m), 12)
        members = list(part.index)
        cohorts.append(dict(month=label(int(m)), size=len(members), retention=[
            sum((u, m + k) in active for u in members) / len(members) for k in range(span + 1)]))
    return dict(
        learners=len(ids),
        active_learners=int((last_seen > last - pd.Timedelta(days=30)).sum()),
        buyers=buy.user_id.nunique(), orders=len(buy), revenue=float(buy.money.sum()),
        months=months, courses=sales("course_id"), categories=sales("category"),
        funnel_all=funnel(ev, "all"), funnel_category=funnel(ev, "category"),
        cohorts=cohorts)


def main():
    out = {
        "source": "pandas " + pd.__version__,
        "sample": one("sample-data"),
        "cdnow": one("tests/fixtures/clv"),
    }
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)


main()

#!/usr/bin/env python3
"""Hostile-input sweep of the persona-lab command line.

Usage:
    python3 scripts/hostile_sweep.py BIN WORKDIR [--only PATTERN] [--timeout 60] [--list] [--keep]

BIN is the persona-lab binary. The sweep runs `BIN sample --out WORKDIR/base --users 3000
--seed 5`, builds bent datasets under WORKDIR/ds (a copy of base with one file altered), runs a
matrix of commands on each, one at a time, and records for every case: name, command, exit code,
seconds, peak memory (`/usr/bin/time -f %M` when present, else wait4), the first 300 characters
of stderr and a verdict. It prints a summary and every non-OK case, and writes WORKDIR/report.json.

Verdicts (one per case; `flags` lists every one that applied, the first of
DATA_LOSS > TIMEOUT > BAD_EXIT > LEAK > SILENT is the verdict):
  OK         exit 0, or exit 2 with a non-empty stderr that is a sentence (no `panicked`,
             `RUST_BACKTRACE`, `internal error`)
  BAD_EXIT   exit 1, 101, 134, 137, any other code or a signal; exit 2 with an empty stderr or
             a panic/internal-error text; a panic message on stderr even with exit 0
  TIMEOUT    killed after --timeout seconds
  LEAK       stdout, stderr or a file the command wrote holds a NUL byte or a raw ESC (\\x1b);
             a CSV cell it wrote starts with `=`, or with `+`, `-`, `@` followed by a letter or
             `(`; or a planted canary (personal data, /etc/passwd lines) reached an output
  DATA_LOSS  a file of the dataset (or a guarded pre-existing file) changed after the command
  SILENT     exit 0 where the case is designed to need a refusal (`expects_refusal`), where a
             row-level rejection the contract calls for did not happen (checked on
             `validate --json`), or where the command claimed success without writing --out

--only PATTERN   run only cases whose name matches the regular expression (re.search)
--list           print the case names and commands without running anything
--keep           keep the bent datasets (WORKDIR/ds) afterwards

Python 3 standard library only. Scratch files live under WORKDIR (base, ds, out, logs).
"""

import argparse
import csv
import hashlib
import io
import json
import os
import random
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time

csv.field_size_limit(sys.maxsize)

TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
BAD_STDERR = ("panicked", "RUST_BACKTRACE", "internal error")
ORDER = ["DATA_LOSS", "TIMEOUT", "BAD_EXIT", "LEAK", "SILENT"]
# Children run without the caller's backtrace settings, so stderr is the same on every machine.
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")}

# ---------------------------------------------------------------------------------------------
# CSV helpers (byte-exact writers: the csv module refuses some of the bytes we want to plant)


def read_table(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def quote(cell):
    if any(c in cell for c in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def table_text(header, rows):
    return "".join(",".join(quote(c) for c in r) + "\n" for r in [header] + rows)


def write_text(path, text, encoding="utf-8"):
    with open(path, "wb") as f:
        f.write(text.encode(encoding))


def write_table(path, header, rows):
    write_text(path, table_text(header, rows))


def col(header, name):
    return header.index(name)


def spread(n_rows, k, pred=None, rows=None):
    """k row indices spread over the table (only rows where pred(row) holds)."""
    idx = [i for i in range(n_rows) if pred is None or pred(rows[i])]
    if not idx:
        return []
    step = max(1, len(idx) // k)
    return idx[::step][:k]


# ---------------------------------------------------------------------------------------------
# Personal-data canaries


def id_card_with_x(rng):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    while True:
        body = "110101%04d%02d%02d%03d" % (
            rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 999))
        if "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11] == "X":
            return body + "x"


def dashed_mobile(rng, i):
    if i == 0:
        return "138-0139-3000"
    return "1%d%d-%04d-%04d" % (rng.choice([3, 5, 7, 8, 9]), rng.randint(0, 9),
                                rng.randint(0, 9999), rng.randint(0, 9999))


class Canary:
    """A pattern that must not reach any output; `values` restricts hits to planted values."""

    def __init__(self, label, pattern, values=None, norm=None):
        self.label, self.rx, self.values = label, re.compile(pattern), values
        self.norm = norm or (lambda s: s)

    def hits(self, text):
        out = []
        for m in self.rx.finditer(text):
            v = self.norm(m.group(0))
            if self.values is None or v in self.values:
                out.append(m.group(0))
                if len(out) >= 3:
                    break
        return out


def digits(s):
    return re.sub(r"\D", "", s)


# ---------------------------------------------------------------------------------------------
# Bent datasets


class Variant:
    """A copy of base with one file altered by `bend(dir, ctx)`.

    cmds: which matrix commands to run on it; refuse: the commands that must refuse it;
    expect: (table, kind, value) checks on `validate --json`; canaries: filled by bend."""

    def __init__(self, name, bend, cmds, refuse=(), expect=(), why=""):
        self.name, self.bend, self.cmds = name, bend, list(cmds)
        self.refuse, self.expect, self.why = set(refuse), list(expect), why
        self.canaries = []
        self.built = False


DATA_CMDS = ["validate", "validate-json", "profile", "segment-auto", "segment-6",
             "recommend-ease", "recommend-content", "evaluate-recs", "ctr", "target"]
IMP_CMDS = ["validate", "validate-json", "ctr", "target"]
EXP_CMDS = ["validate", "validate-json", "abtest"]
ALL_CMDS = DATA_CMDS + ["abtest", "power"]
DATA_REFUSE = set(DATA_CMDS)

MATRIX = {
    "validate": ["validate", "--data", "{D}"],
    "validate-json": ["validate", "--data", "{D}", "--json", "--rejects", "{O}/rejects"],
    "profile": ["profile", "--data", "{D}", "--out", "{O}/profiles.csv"],
    "segment-auto": ["segment", "--data", "{D}", "--k", "auto", "--out", "{O}/segments.csv",
                     "--summaries", "{O}/summaries.csv"],
    "segment-6": ["segment", "--data", "{D}", "--k", "6", "--out", "{O}/segments.csv",
                  "--summaries", "{O}/summaries.csv"],
    "recommend-ease": ["recommend", "--data", "{D}", "--model", "ease", "--out", "{O}/recs.csv"],
    "recommend-content": ["recommend", "--data", "{D}", "--model", "content",
                          "--out", "{O}/recs.csv"],
    "evaluate-recs": ["evaluate-recs", "--data", "{D}"],
    "ctr": ["ctr", "--data", "{D}", "--no-fm"],
    "target": ["target", "--data", "{D}", "--course", "c0001", "--budget", "10", "--no-fm",
               "--out", "{O}/targets.csv"],
    "abtest": ["abtest", "--experiments", "{D}/experiments.csv", "--out", "{O}/readout.csv"],
    "power": ["power", "--baseline", "0.1", "--mde", "0.05"],
}


def bend_users(fn):
    def bend(d, ctx):
        h, rows = read_table(os.path.join(d, "users.csv"))
        out = fn(h, rows, ctx)
        if isinstance(out, bytes):
            with open(os.path.join(d, "users.csv"), "wb") as f:
                f.write(out)
        elif isinstance(out, str):
            write_text(os.path.join(d, "users.csv"), out)
        else:
            write_table(os.path.join(d, "users.csv"), *(out or (h, rows)))
    return bend


def bend_table(fname, fn):
    def bend(d, ctx):
        h, rows = read_table(os.path.join(d, fname))
        out = fn(h, rows, ctx)
        path = os.path.join(d, fname)
        if isinstance(out, bytes):
            with open(path, "wb") as f:
                f.write(out)
        elif isinstance(out, str):
            write_text(path, out)
        else:
            write_table(path, *(out or (h, rows)))
    return bend


def set_col(name, value_fn, pick=None):
    """Sets column `name` of the rows chosen by pick(rows) (default: all) to value_fn(i, row)."""
    def fn(h, rows, ctx):
        c = col(h, name)
        idx = pick(h, rows) if pick else range(len(rows))
        for n, i in enumerate(idx):
            rows[i][c] = value_fn(n, rows[i])
        return h, rows
    return fn


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)


def v_users_nul(h, rows, ctx):
    c = col(h, "city")
    for i in spread(len(rows), 50):
        rows[i][c] = rows[i][c][:1] + "\x00" + rows[i][c][1:]
    rows[7][col(h, "occupation")] += "\x00\x00"
    return h, rows


def v_users_utf16(h, rows, ctx):
    return b"\xff\xfe" + table_text(h, rows).encode("utf-16-le")


def v_users_gbk(h, rows, ctx):
    c = col(h, "city")
    bad = set(spread(len(rows), 30))
    ctx["bad_rows"] = len(bad)
    out = [",".join(h).encode("gbk") + b"\n"]
    for i, r in enumerate(rows):
        cells = [x.encode("gbk") for x in r]
        if i in bad:
            cells[c] = cells[c] + (b"\xff" if i % 2 else b"\x81\x20")
        out.append(b",".join(cells) + b"\n")
    return b"".join(out)


def v_users_unclosed(h, rows, ctx):
    text = table_text(h, rows[:1500])
    r = list(rows[1500])
    r[col(h, "city")] = '"' + r[col(h, "city")]
    return text + ",".join(r) + "\n" + table_text(h, rows[1501:]).split("\n", 1)[1]


def extra_cols(n):
    def fn(h, rows, ctx):
        h2 = h + ["x%05d" % j for j in range(n)]
        rows2 = [r + [str((i * 7 + j) % 10) for j in range(n)] for i, r in enumerate(rows)]
        return h2, rows2
    return fn


def v_users_row_extra_fields(h, rows, ctx):
    rows[100] = rows[100] + ["z"] * 5000
    return h, rows


def v_users_2mb_field(h, rows, ctx):
    rows[10][col(h, "city")] = "上海浦东" * 175000  # 2.1 MB of UTF-8
    return h, rows


def v_users_dup_header(h, rows, ctx):
    c = col(h, "city")
    return h + ["city"], [r + [rows[-1 - i][c]] for i, r in enumerate(rows)]


def v_users_case_header(name):
    def fn(h, rows, ctx):
        return h + [name], [r + ["X" + r[0][1:]] for r in rows]
    return fn


def v_users_us_dates(h, rows, ctx):
    c = col(h, "signup_date")
    amb = 0
    for r in rows:
        y, m, d = r[c].split("-")
        r[c] = "%s/%s/%s" % (m, d, y)
        if int(d) <= 12 and d != m:
            amb += 1
    ctx["ambiguous"] = amb
    return h, rows


def v_users_escape(h, rows, ctx):
    c = col(h, "city")
    for n, i in enumerate(spread(len(rows), 40)):
        rows[i][c] = "\x1b[31m武汉\x1b[0m" if n % 4 else "\x1b]0;owned\x07北京\x1b[2J"
    return h, rows


FORMULAS = ["=cmd|' /C calc'!A0", "@city", "=1+1", "+cmd|' /C calc'!A0", "-cmd|x",
            '=HYPERLINK("http://example.invalid/?x","click")']


def v_users_formula_attrs(h, rows, ctx):
    c_city, c_occ = col(h, "city"), col(h, "occupation")
    for n, i in enumerate(spread(len(rows), 300)):
        rows[i][c_city] = FORMULAS[n % len(FORMULAS)]
        rows[i][c_occ] = "@city" if n % 2 else "=1+1"
    return h + ["note"], [r + [FORMULAS[i % len(FORMULAS)]] for i, r in enumerate(rows)]


def v_users_hostile_rejected_rows(h, rows, ctx):
    """Formula, ESC and NUL cells in rows that are rejected (age 999): they reach the rejects."""
    c_city, c_age = col(h, "city"), col(h, "age")
    for n, i in enumerate(spread(len(rows), 40)):
        rows[i][c_city] = (FORMULAS + ["\x1b[31m武汉\x1b[0m", "北\x00京"])[n % (len(FORMULAS) + 2)]
        rows[i][c_age] = "999"
    return h, rows


def v_users_formula_ids(h, rows, ctx):
    for n, i in enumerate(spread(len(rows), 4)):
        rows[i][0] = ["=1+1", "@SUM(1)", "=cmd|' /C calc'!A0", "+cmd|x"][n]
    return h, rows


def v_courses_formula(h, rows, ctx):
    ct, cg, cc = col(h, "title"), col(h, "tags"), col(h, "category")
    for n, r in enumerate(rows):
        if n % 4 == 0:
            r[ct] = FORMULAS[(n // 4) % len(FORMULAS)]
            r[cg] = "=1+1;@city;" + r[cg]
        if n % 20 == 0:
            r[cc] = "@SUM(1)"
    return h, rows


def v_courses_2mb_title(h, rows, ctx):
    rows[0][col(h, "title")] = "Python数据分析实战进阶" * 80000  # ~2.2 MB
    return h, rows


def v_events_formula_text(h, rows, ctx):
    ce, ct = col(h, "event"), col(h, "text")
    n = 0
    for r in rows:
        if r[ce] == "comment":
            r[ct] = FORMULAS[n % len(FORMULAS)] + " 好课" if n % 2 else "@city 不错 " + r[ct]
            n += 1
    return h, rows


def v_pii_column(header, make, canary):
    def fn(h, rows, ctx):
        rng = random.Random(7)
        vals = [make(rng, i) for i in range(len(rows))]
        ctx["canary"] = canary(vals)
        return h + [header], [r + [v] for r, v in zip(rows, vals)]
    return fn


def v_events_pii_text(h, rows, ctx):
    ce, ct = col(h, "event"), col(h, "text")
    rng = random.Random(9)
    mob, ids, wx, n = set(), set(), set(), 0
    for r in rows:
        if r[ce] == "comment":
            m, x = dashed_mobile(rng, n), id_card_with_x(rng)
            mob.add(digits(m))
            ids.add(x)
            wx.add("wxid_abcdef%03d" % n)
            r[ct] = ["加我 %s 聊" % m, "身份证 %s 报名" % x, "加我wxid_abcdef%03d" % n][n % 3]
            n += 1
    ctx["canary"] = [Canary("mobile", r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", mob, digits),
                     Canary("id_card", r"\d{17}[\dXx]", ids, str.lower),
                     Canary("wxid", r"wxid_[A-Za-z0-9]+", wx)]
    return h, rows


def v_exp_formula(h, rows, ctx):
    cv, ce = col(h, "variant"), col(h, "experiment")
    for r in rows:
        if r[cv] == "treatment":
            r[cv] = "=cmd|' /C calc'!A0"
        elif r[cv] != "control":
            r[cv] = "@SUM(1)"
        r[ce] = "=1+1" if r[ce] == "checkout_button" else r[ce]
    return h, rows


def v_exp_escape(h, rows, ctx):
    cv = col(h, "variant")
    for r in rows:
        if r[cv] == "treatment":
            r[cv] = "\x1b[31mtreatment\x1b[0m"
    return h, rows


def v_exp_nan_revenue(h, rows, ctx):
    cr = col(h, "revenue")
    vals = ["nan", "inf", "-inf", "1e308", "NaN", "-5"]
    for n, i in enumerate(spread(len(rows), 60)):
        rows[i][cr] = vals[n % len(vals)]
    return h, rows


def v_exp_single_variant(h, rows, ctx):
    cv, ce = col(h, "variant"), col(h, "experiment")
    return h, [r for r in rows if r[cv] == "control" and r[ce] == rows[0][ce]]


def v_one_learner_all(d, ctx):
    """Not one file: every table cut down to learner u000001 (for --k 1 on one learner)."""
    for fname in ("users.csv", "events.csv", "impressions.csv", "experiments.csv"):
        h, rows = read_table(os.path.join(d, fname))
        c = col(h, "user_id")
        write_table(os.path.join(d, fname), h, [r for r in rows if r[c] == "u000001"])


def v_symlink_loop(d, ctx):
    os.remove(os.path.join(d, "users.csv"))
    os.symlink("users.csv", os.path.join(d, "users.csv"))


def v_directory(d, ctx):
    os.remove(os.path.join(d, "users.csv"))
    os.mkdir(os.path.join(d, "users.csv"))
    write_text(os.path.join(d, "users.csv", "part-0.csv"), "user_id\nu000001\n")


def v_mapping(target):
    def bend(d, ctx):
        outside = os.path.join(os.path.dirname(d), "outside")
        if not os.path.exists(outside):
            os.makedirs(outside)
            shutil.copy(os.path.join(ctx["base"], "users.csv"), os.path.join(outside, "users.csv"))
        t = target.replace("{OUTSIDE}", outside)
        with open(os.path.join(d, "mapping.json"), "w") as f:
            json.dump({"files": {"users": t}}, f)
        if "passwd" in t:
            ctx["canary"] = [Canary("/etc/passwd", r"root:x:0:0|:/usr/sbin/nologin|:/bin/bash")]
    return bend


def variants():
    V = []
    add = V.append
    U = DATA_CMDS
    # -- users.csv, file level
    add(Variant("users_empty", bend_users(lambda h, r, c: b""), U,
                why="0 bytes: treated as no users; no refusal expected"))
    add(Variant("users_header_only", bend_users(lambda h, r, c: (h, [])), U))
    add(Variant("users_other_table_header",
                bend_users(lambda h, r, c: "course_id,title,category,tags,price,instructor,level,"
                                           "duration_min,published_at\n"),
                U, refuse=DATA_REFUSE, why="required column user_id missing"))
    add(Variant("users_binary_garbage", bend_users(lambda h, r, c: random_bytes(200_000, 1)), U,
                refuse=DATA_REFUSE, why="not a CSV; no user_id header"))
    add(Variant("users_nul_in_fields", bend_users(v_users_nul), U))
    add(Variant("users_utf16le_bom", bend_users(v_users_utf16), U,
                expect=[("users", "accepted", 3000)], why="UTF-16 with BOM is supported"))
    add(Variant("users_gbk_invalid", bend_users(v_users_gbk), U,
                expect=[("users", "rejected_reason", "bad_encoding"),
                        ("users", "accepted", 2970)],
                why="30 rows with invalid GBK bytes: those rejected, the rest read"))
    add(Variant("users_unclosed_quote", bend_users(v_users_unclosed), U,
                expect=[("users", "rejected_min", 1)]))
    add(Variant("users_2000_extra_cols", bend_users(extra_cols(2000)), U))
    add(Variant("users_5000_extra_cols", bend_users(extra_cols(5000)), U))
    add(Variant("users_row_5000_extra_fields", bend_users(v_users_row_extra_fields), U,
                expect=[("users", "rejected_reason", "field_count")]))
    add(Variant("users_2mb_field", bend_users(v_users_2mb_field), U))
    add(Variant("courses_2mb_title", bend_table("courses.csv", v_courses_2mb_title), U))
    add(Variant("users_dup_header_city", bend_users(v_users_dup_header), U, refuse=DATA_REFUSE,
                why="two `city` columns: ambiguous (judgement call)"))
    add(Variant("users_case_variant_header", bend_users(v_users_case_header("User_ID")), U,
                refuse=DATA_REFUSE, why="user_id and User_ID: ambiguous id (judgement call)"))
    add(Variant("users_space_variant_header", bend_users(v_users_case_header(" user_id ")), U,
                refuse=DATA_REFUSE, why="user_id and ' user_id ': ambiguous id (judgement call)"))
    # -- users.csv, row level
    add(Variant("users_all_rejected_age999", bend_users(set_col("age", lambda n, r: "999")), U,
                expect=[("users", "accepted", 0)]))
    add(Variant("users_single_learner", bend_users(lambda h, r, c: (h, r[:1])), U,
                refuse={"segment-auto", "segment-6"},
                why="one learner (orphan events make no learners): no 2..10 or 6 segments"))
    add(Variant("users_us_dates", bend_users(v_users_us_dates), U,
                expect=[("users", "rejected_min_ctx", "ambiguous")],
                why="03/04/2025 is ambiguous: those rows must be rejected, not guessed"))
    add(Variant("users_age_nan_inf_neg",
                bend_users(set_col("age", lambda n, r: ["nan", "inf", "-1", "NaN", "-inf"][n % 5],
                                   pick=lambda h, rows: spread(len(rows), 30))), U,
                expect=[("users", "rejected_min", 30)]))
    add(Variant("users_escape_city", bend_users(v_users_escape), U))
    add(Variant("users_formula_attrs", bend_users(v_users_formula_attrs), U))
    add(Variant("users_formula_ids", bend_users(v_users_formula_ids), U))
    add(Variant("users_hostile_rejected_rows", bend_users(v_users_hostile_rejected_rows),
                ["validate", "validate-json"], expect=[("users", "rejected_min", 40)],
                why="rejected rows carry formula/ESC/NUL cells into --rejects and messages"))
    add(Variant("courses_formula_titles_tags", bend_table("courses.csv", v_courses_formula), U))
    add(Variant("events_formula_text", bend_table("events.csv", v_events_formula_text), U))
    # -- personal data under innocent headers
    add(Variant("users_pii_dashed_mobile_contact", bend_users(v_pii_column(
        "contact", dashed_mobile,
        lambda vals: [Canary("mobile", r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}",
                             {digits(v) for v in vals}, digits)])), U,
        expect=[("users", "pii", "contact")]))
    add(Variant("users_pii_wxid_handle", bend_users(v_pii_column(
        "handle", lambda rng, i: "wxid_abcdef123" if i == 0 else
        "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(10)),
        lambda vals: [Canary("wxid", r"wxid_[A-Za-z0-9]+", set(vals))])), U,
        why="README promises WeChat ids only after a marker; a bare wxid column is beyond it"))
    add(Variant("users_pii_idcard_lower_x_ref", bend_users(v_pii_column(
        "ref_no", lambda rng, i: id_card_with_x(rng),
        lambda vals: [Canary("id_card", r"\d{17}[\dXx]", {v.lower() for v in vals},
                             str.lower)])), U,
        expect=[("users", "pii", "ref_no")]))
    add(Variant("events_pii_in_comments", bend_table("events.csv", v_events_pii_text), U))
    # -- events.csv values
    add(Variant("events_far_future_ts",
                bend_table("events.csv", set_col("ts", lambda n, r: "9999-12-31",
                                                  pick=lambda h, rows: spread(len(rows), 20))), U))
    add(Variant("events_19digit_ts",
                bend_table("events.csv", set_col("ts", lambda n, r: "1735689600123456789",
                                                  pick=lambda h, rows: spread(len(rows), 20))), U,
                expect=[("events", "rejected_reason", "out_of_range:ts")],
                why="a 19-digit time is no date of this era: rejected as out of range"))
    add(Variant("events_amount_1e308",
                bend_table("events.csv", set_col(
                    "amount", lambda n, r: "1e308",
                    pick=lambda h, rows: [i for i, r in enumerate(rows)
                                          if r[col(h, "event")] == "purchase"][:40])), U))
    add(Variant("events_amount_nan_inf_neg",
                bend_table("events.csv", set_col(
                    "amount", lambda n, r: ["nan", "inf", "-inf", "Infinity", "NaN", "-5"][n % 6],
                    pick=lambda h, rows: [i for i, r in enumerate(rows)
                                          if r[col(h, "event")] == "purchase"][:30])), U,
                expect=[("events", "rejected_min", 30)]))
    # -- folders
    add(Variant("users_symlink_loop", v_symlink_loop, U, refuse=DATA_REFUSE))
    add(Variant("users_is_directory", v_directory, U, refuse=DATA_REFUSE))
    add(Variant("mapping_abs_etc_passwd", v_mapping("/etc/passwd"), U, refuse=DATA_REFUSE,
                why="mapping.json names a file outside the dataset"))
    add(Variant("mapping_abs_outside_users", v_mapping("{OUTSIDE}/users.csv"), U,
                refuse=DATA_REFUSE, why="absolute path outside the dataset folder"))
    add(Variant("mapping_rel_traversal", v_mapping("../outside/users.csv"), U,
                refuse=DATA_REFUSE, why="relative path escaping the dataset folder"))
    # -- impressions.csv
    add(Variant("impressions_no_clicks",
                bend_table("impressions.csv", set_col("clicked", lambda n, r: "0")), IMP_CMDS,
                refuse={"ctr", "target"}, why="one class only: no click model can be fitted"))
    add(Variant("impressions_header_only", bend_table("impressions.csv", lambda h, r, c: (h, [])),
                IMP_CMDS, refuse={"ctr", "target"}))
    # -- experiments.csv
    E = EXP_CMDS
    add(Variant("experiments_empty", bend_table("experiments.csv", lambda h, r, c: b""), E,
                refuse={"abtest"}))
    add(Variant("experiments_header_only",
                bend_table("experiments.csv", lambda h, r, c: (h, [])), E, refuse={"abtest"}))
    add(Variant("experiments_binary_garbage",
                bend_table("experiments.csv", lambda h, r, c: random_bytes(100_000, 2)), E,
                refuse=set(E)))
    add(Variant("experiments_utf16le_bom",
                bend_table("experiments.csv", lambda h, r, c: b"\xff\xfe" +
                           table_text(h, r).encode("utf-16-le")), E,
                expect=[("experiments", "accepted", 9000)]))
    add(Variant("experiments_unclosed_quote", bend_table(
        "experiments.csv", lambda h, r, c: table_text(h, r[:4000]) + '"' +
        table_text(h, r[4000:]).split("\n", 1)[1]), E))
    add(Variant("experiments_formula_names", bend_table("experiments.csv", v_exp_formula), E))
    add(Variant("experiments_escape_variant", bend_table("experiments.csv", v_exp_escape), E))
    add(Variant("experiments_nan_revenue", bend_table("experiments.csv", v_exp_nan_revenue), E,
                expect=[("experiments", "rejected_min", 40)],
                why="nan/inf/-5 revenue rows must be rejected (1e308 may pass)"))
    add(Variant("experiments_converted_2",
                bend_table("experiments.csv", set_col(
                    "converted", lambda n, r: "2", pick=lambda h, rows: spread(len(rows), 25))),
                E, expect=[("experiments", "rejected_reason", "not_binary")]))
    add(Variant("experiments_single_variant",
                bend_table("experiments.csv", v_exp_single_variant), E))
    return V


# ---------------------------------------------------------------------------------------------
# Argument, output and pipe cases: (name, dataset, args, options)


def extra_cases():
    C = []

    def add(name, ds, args, refuse=False, **kw):
        C.append(dict(name=name, ds=ds, args=args, refuse=refuse, **kw))

    D = "{D}"
    seg = ["segment", "--data", D, "--out", "{O}/segments.csv"]
    rec = ["recommend", "--data", D, "--out", "{O}/recs.csv"]
    tgt = ["target", "--data", D, "--course", "c0001", "--no-fm", "--out", "{O}/targets.csv"]
    ab = ["abtest", "--experiments", "{D}/experiments.csv"]
    # -- arguments
    add("args/segment_k0", "base", seg + ["--k", "0"], True)
    add("args/segment_k1_one_learner", "one_learner_all", seg + ["--k", "1"])
    add("args/segment_k6_one_learner", "one_learner_all", seg + ["--k", "6"], True)
    add("args/segment_kauto_one_learner", "one_learner_all", seg + ["--k", "auto"], True)
    add("args/segment_k100000", "base", seg + ["--k", "100000"], True)
    add("args/segment_hier_k100000", "base", seg + ["--k", "100000", "--method", "hierarchical"],
        True)
    add("args/recommend_top0", "base", rec + ["--top", "0"], True)
    add("args/recommend_top_2pow62", "base", rec + ["--top", "4611686018427387904"])
    add("args/recommend_top_1e10", "base", rec + ["--top", "10000000000"])
    add("args/recommend_content_top_2pow62", "base",
        rec + ["--model", "content", "--top", "4611686018427387904"])
    add("args/evaluate_k0", "base", ["evaluate-recs", "--data", D, "--k", "0"], True)
    add("args/evaluate_k_2pow62", "base",
        ["evaluate-recs", "--data", D, "--models", "pop", "--k", "4611686018427387904"])
    for a in ["nan", "-1", "3", "0"]:  # `--alpha=-1`: clap would take a bare -1 for a flag
        add("args/abtest_alpha_%s" % a, "base", ab + ["--alpha=" + a], True)
    add("args/abtest_split_control_abc", "base", ab + ["--split", "control=abc"], True)
    add("args/abtest_split_negative", "base", ab + ["--split", "control=-1"], True)
    add("args/recommend_shrink_neg", "base", rec + ["--model", "itemknn", "--shrink=-1"], True)
    add("args/power_mde_neg", "base", ["power", "--baseline", "0.1", "--mde=-0.05"])
    add("args/power_mde_1e-7", "base", ["power", "--baseline", "0.1", "--mde", "1e-7"])
    add("args/power_baseline_0", "base", ["power", "--baseline", "0", "--mde", "0.05"], True)
    add("args/power_baseline_1", "base", ["power", "--baseline", "1", "--mde", "0.05"], True)
    add("args/power_alpha_nan", "base", ["power", "--baseline", "0.1", "--mde", "0.05",
                                         "--alpha", "nan"], True)
    add("args/power_users_0", "base", ["power", "--baseline", "0.1", "--users", "0"], True)
    add("args/ctr_holdout_1.5", "base", ["ctr", "--data", D, "--no-fm", "--holdout", "1.5"], True)
    add("args/evaluate_holdout_1.5", "base", ["evaluate-recs", "--data", D, "--holdout", "1.5"],
        True)
    add("args/target_holdout_1.5", "base", tgt + ["--budget", "10", "--holdout", "1.5"], True)
    add("args/target_budget_0", "base", tgt + ["--budget", "0"], True)
    add("args/target_budget_2pow62", "base", tgt + ["--budget", "4611686018427387904"])
    add("args/segment_pseudonymise_empty", "base", seg + ["--k", "6", "--pseudonymise", ""], True)
    add("args/recommend_pseudonymise_empty", "base", rec + ["--pseudonymise", ""], True)
    add("args/target_pseudonymise_empty", "base", tgt + ["--budget", "10", "--pseudonymise", ""],
        True)
    add("args/recommend_als_reg_nan", "base", rec + ["--model", "als", "--reg", "nan"], True)
    add("args/recommend_als_factors_0", "base", rec + ["--model", "als", "--factors", "0"], True)
    add("args/recommend_als_alpha_neg", "base", rec + ["--model", "als", "--alpha=-1"], True)
    add("args/recommend_ease_lambda_-1", "base", rec + ["--model", "ease", "--lambda=-1"], True)
    add("args/recommend_ease_lambda_nan", "base", rec + ["--model", "ease", "--lambda", "nan"],
        True)
    add("args/evaluate_als_reg_nan", "base",
        ["evaluate-recs", "--data", D, "--models", "als", "--reg", "nan"], True)
    add("args/evaluate_ease_lambda_-1", "base",
        ["evaluate-recs", "--data", D, "--models", "ease", "--lambda=-1"], True)
    add("args/ctr_test_from_2099", "base",
        ["ctr", "--data", D, "--no-fm", "--test-from", "2099-01-01"], True)
    add("args/target_test_from_2099", "base", tgt + ["--budget", "10", "--test-from", "2099-01-01"],
        True)
    add("args/ctr_c_nan", "base", ["ctr", "--data", D, "--no-fm", "--c", "nan"], True)
    add("args/validate_file_users_etc_passwd", "base",
        ["validate", "--data", D, "--file", "users=/etc/passwd"], True,
        canaries=[Canary("/etc/passwd", r"root:x:0:0|:/usr/sbin/nologin|:/bin/bash")])
    # -- outputs
    add("out/profile_into_missing_folder", "base",
        ["profile", "--data", D, "--out", "{O}/missing/deeper/profiles.csv"])
    add("out/profile_onto_existing_folder", "base",
        ["profile", "--data", D, "--out", "{O}/existing_dir"], True, setup="existing_dir")
    add("out/profile_onto_dataset_users_csv", "base",
        ["profile", "--data", D, "--out", "{D}/users.csv"], True)
    add("out/recommend_onto_dataset_events_csv", "base",
        rec[:-2] + ["--out", "{D}/events.csv"], True)
    add("out/segment_summaries_onto_dataset_courses_csv", "base",
        seg + ["--k", "6", "--summaries", "{D}/courses.csv"], True)
    add("out/target_onto_dataset_users_csv", "base",
        tgt[:-2] + ["--budget", "10", "--out", "{D}/users.csv"], True)
    add("out/abtest_onto_its_experiments_csv", "base", ab + ["--out", "{D}/experiments.csv"], True)
    add("out/validate_rejects_onto_existing_file", "users_all_rejected_age999",
        ["validate", "--data", D, "--rejects", "{O}/existing_file.txt"], True,
        setup="existing_file")
    add("out/sample_onto_existing_dataset", "sample_victim",
        ["sample", "--out", D, "--users", "50", "--seed", "6"], True)
    add("out/sample_onto_existing_file", "base",
        ["sample", "--out", "{O}/existing_file.txt", "--users", "50"], True,
        setup="existing_file")
    # -- broken pipe (expected: exit 0, nothing on stderr). `closed`: the read end is closed
    # before the program starts (deterministic); `head1`: read one line then close, like
    # `| head -1` (timing-dependent: output under the 64 KiB pipe buffer may fit before close).
    add("pipe/validate_closed_stdout", "base", ["validate", "--data", D], pipe="closed")
    add("pipe/validate_json_closed_stdout", "base", ["validate", "--data", D, "--json"],
        pipe="closed")
    add("pipe/validate_rejects_head1", "users_all_rejected_age999", ["validate", "--data", D],
        pipe="head1")
    add("pipe/abtest_closed_stdout", "base", ab, pipe="closed")
    add("pipe/power_closed_stdout", "base", ["power", "--baseline", "0.1", "--mde", "0.05"],
        pipe="closed")
    add("pipe/evaluate_recs_head1", "base", ["evaluate-recs", "--data", D, "--models", "pop"],
        pipe="head1")
    add("pipe/validate_error_json_closed_stdout", "users_binary_garbage",
        ["validate", "--data", D, "--json"], pipe="closed")
    return C


# ---------------------------------------------------------------------------------------------
# Running and judging


def tree_hash(root):
    """path -> digest for every entry under root (symlinks by target, dirs by presence)."""
    out = {}
    if not os.path.lexists(root):
        return out
    if not os.path.isdir(root) or os.path.islink(root):
        return {".": file_digest(root)}
    for dp, dns, fns in os.walk(root, followlinks=False):
        for n in dns + fns:
            p = os.path.join(dp, n)
            out[os.path.relpath(p, root)] = file_digest(p)
    return out


def file_digest(p):
    try:
        if os.path.islink(p):
            return "link:" + os.readlink(p)
        if os.path.isdir(p):
            return "dir"
        h = hashlib.sha1()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError as e:
        return "error:%s" % e


def diff_hash(before, after):
    changed = [p for p in before if after.get(p) != before[p]]
    return sorted(changed)


def read_time_file(path):
    peak, sig = None, None
    try:
        with open(path) as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return None, None
    for l in lines:
        m = re.match(r"Command terminated by signal (\d+)", l)
        if m:
            sig = int(m.group(1))
    if lines and lines[-1].isdigit():
        peak = int(lines[-1])
    return peak, sig


def run_process(argv, stdout_path, stderr_path, timeout, pipe=None, time_path=None):
    """Runs argv in its own process group; returns (rc, signal, seconds, timed_out, peak_kb)."""
    full = [TIME_BIN, "-f", "%M", "-o", time_path] + argv if TIME_BIN else argv
    t0 = time.monotonic()
    err = open(stderr_path, "wb")
    rfd = wfd = None
    try:
        if pipe == "closed":
            rfd, wfd = os.pipe()
            os.close(rfd)
            rfd = None
            p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=wfd, stderr=err,
                                 start_new_session=True, env=CHILD_ENV)
            os.close(wfd)
            wfd = None
        elif pipe == "head1":
            p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=err, start_new_session=True, env=CHILD_ENV)
            got = b""
            fd = p.stdout.fileno()
            while b"\n" not in got and time.monotonic() - t0 < timeout:
                r, _, _ = select.select([fd], [], [], 0.5)
                if r:
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    got += chunk
            with open(stdout_path, "wb") as f:
                f.write(got.split(b"\n", 1)[0] + b"\n")
            p.stdout.close()
        else:
            out = open(stdout_path, "wb")
            p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 start_new_session=True, env=CHILD_ENV)
            out.close()
        timed_out = False
        ru_peak = None
        remaining = max(0.1, timeout - (time.monotonic() - t0))
        try:
            if TIME_BIN:
                p.wait(timeout=remaining)
            else:
                deadline = time.monotonic() + remaining
                while True:
                    pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                    if pid:
                        p.returncode = (os.waitstatus_to_exitcode(status))
                        ru_peak = ru.ru_maxrss
                        break
                    if time.monotonic() > deadline:
                        raise subprocess.TimeoutExpired(argv, timeout)
                    time.sleep(0.05)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        secs = time.monotonic() - t0
    finally:
        err.close()
        for fd in (rfd, wfd):
            if fd is not None:
                os.close(fd)
    rc, sig, peak = p.returncode, None, ru_peak
    if TIME_BIN and not timed_out:
        peak, sig = read_time_file(time_path)
    if rc is not None and rc < 0:
        sig, rc = -rc, 128 - rc
    return rc, sig, secs, timed_out, peak


FORMULA_LEAD = "=+-@"


def formula_cell(cell):
    if not cell or cell[0] not in FORMULA_LEAD or len(cell) < 2:
        return False
    return cell[0] == "=" or cell[1].isalpha() or cell[1] == "("


def scan_bytes(label, data, canaries, csv_like, strip=()):
    found = []
    if b"\x00" in data:
        found.append("%s: NUL byte at %d" % (label, data.index(b"\x00")))
    if b"\x1b" in data:
        i = data.index(b"\x1b")
        found.append("%s: raw ESC at %d: %r" % (label, i, data[max(0, i - 15):i + 15]))
    text = data.decode("utf-8", errors="replace")
    masked = text
    for s in strip:  # our own paths (case names) must not match a canary
        masked = masked.replace(s, "<path>")
    for c in canaries:
        h = c.hits(masked)
        if h:
            found.append("%s: %s reached the output: %s" % (label, c.label, ", ".join(h)))
    if csv_like:
        try:
            reader = csv.reader(io.StringIO(text.replace("\x00", "").lstrip("\ufeff"),
                                            newline=""))
            bad = []
            for ln, row in enumerate(reader, 1):
                for cell in row:
                    if formula_cell(cell):
                        bad.append("line %d: %r" % (ln, cell[:40]))
                        if len(bad) >= 3:
                            break
                if len(bad) >= 3:
                    break
            if bad:
                found.append("%s: formula cell(s): %s" % (label, "; ".join(bad)))
        except csv.Error as e:
            found.append("%s: unparseable CSV (%s)" % (label, e))
    return found


MAX_SCAN = 96 << 20


def scan_outputs(out_dir, stdout_path, stderr_path, canaries, strip=()):
    found = []
    for label, path in (("stdout", stdout_path), ("stderr", stderr_path)):
        try:
            with open(path, "rb") as f:
                found += scan_bytes(label, f.read(MAX_SCAN), canaries, False, strip)
        except OSError:
            pass
    for dp, dns, fns in os.walk(out_dir, followlinks=False):
        for n in fns:
            p = os.path.join(dp, n)
            if os.path.islink(p) or n in ("existing_file.txt", "keep.txt"):
                continue
            with open(p, "rb") as f:
                data = f.read(MAX_SCAN)
            found += scan_bytes(os.path.relpath(p, out_dir), data, canaries,
                                n.endswith(".csv") or n.endswith(".tsv"), strip)
    return found


def check_expect(expect, stdout_text, ctx):
    """Row-level expectations on validate --json output; returns unmet ones."""
    try:
        report = json.loads(stdout_text)
    except ValueError as e:
        return ["validate --json did not print JSON (%s)" % e]
    files = {f.get("table"): f for f in report.get("files", [])}
    unmet = []
    for table, kind, value in expect:
        f = files.get(table)
        if f is None:
            unmet.append("no report for table %s" % table)
            continue
        reasons = f.get("reasons", {})
        if kind == "accepted" and f.get("accepted") != value:
            unmet.append("%s: accepted %s, expected %s (rejected %s, reasons %s)" % (
                table, f.get("accepted"), value, f.get("rejected"), short(reasons)))
        elif kind == "rejected_min" and (f.get("rejected") or 0) < value:
            unmet.append("%s: rejected %s, expected at least %s" % (table, f.get("rejected"),
                                                                    value))
        elif kind == "rejected_min_ctx" and (f.get("rejected") or 0) < ctx.get(value, 0):
            unmet.append("%s: rejected %s, expected at least %s (%s rows)" % (
                table, f.get("rejected"), ctx.get(value), value))
        elif kind == "rejected_reason" and not any(k.startswith(value) for k in reasons):
            unmet.append("%s: no `%s` rejection (reasons %s)" % (table, value, short(reasons)))
        elif kind == "pii" and value not in (f.get("pii_columns") or []):
            unmet.append("%s: column %s not flagged as personal data (pii_columns %s)" % (
                table, value, f.get("pii_columns")))
    return unmet


def short(obj, n=160):
    s = json.dumps(obj, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "…"


def out_targets(args):
    outs = []
    for i, a in enumerate(args[:-1]):
        if a in ("--out", "--summaries") and args[0] != "sample":
            outs.append(args[i + 1])
    return outs


def classify(rec):
    v = rec["verdict"]
    if v == "BAD_EXIT":
        if rec["signal"] or rec["exit"] in (101, 134, 137) or "panicked" in rec["stderr_full"]:
            return "panics/aborts"
        return "internal errors for bad input"
    return {"DATA_LOSS": "data loss", "LEAK": "leaks", "SILENT": "silent acceptance",
            "TIMEOUT": "timeouts"}.get(v, "ok")


def printable(s):
    return "".join(c if (c >= " " and c != "\x7f") or c == "\n" else "\\x%02x" % ord(c)
                   for c in s)


class Sweep:
    def __init__(self, bin_path, workdir, timeout, only, keep):
        self.bin = os.path.abspath(bin_path)
        self.work = os.path.abspath(workdir)
        self.timeout, self.only, self.keep = timeout, only, keep
        self.base = os.path.join(self.work, "base")
        self.ds_root = os.path.join(self.work, "ds")
        self.variants = {v.name: v for v in variants()}
        special = [
            Variant("base", None, ALL_CMDS),
            Variant("one_learner_all", v_one_learner_all, []),
            Variant("sample_victim", None, []),
        ]
        for v in special:
            self.variants[v.name] = v
        self.ctx = {}
        self.records = []

    # -- cases
    def cases(self):
        out = []
        order = ["base"] + [n for n in self.variants if n != "base"]
        for vname in order:
            v = self.variants[vname]
            for key in v.cmds:
                out.append(dict(name="%s/%s" % (vname, key), ds=vname, args=MATRIX[key],
                                refuse=key in v.refuse, why=v.why if key in v.refuse else ""))
        out += extra_cases()
        if self.only:
            rx = re.compile(self.only)
            out = [c for c in out if rx.search(c["name"])]
        return out

    # -- datasets
    def ds_dir(self, name):
        return self.base if name == "base" else os.path.join(self.ds_root, name)

    def build(self, name):
        v = self.variants[name]
        d = self.ds_dir(name)
        if name != "base":
            if os.path.lexists(d):
                shutil.rmtree(d)
            shutil.copytree(self.base, d, symlinks=True)
            ctx = self.ctx.setdefault(name, {"base": self.base})
            if v.bend:
                v.bend(d, ctx)
            v.canaries = ctx.get("canary", [])
        v.built = True
        v.hash = tree_hash(d)

    def make_base(self):
        for sub in ("base", "ds", "out", "logs"):
            p = os.path.join(self.work, sub)
            if os.path.lexists(p):
                shutil.rmtree(p)
        os.makedirs(self.work, exist_ok=True)
        argv = [self.bin, "sample", "--out", self.base, "--users", "3000", "--seed", "5"]
        print("$ " + " ".join(shlex.quote(a) for a in argv), flush=True)
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=max(self.timeout, 120), env=CHILD_ENV)
        if r.returncode != 0:
            sys.exit("sample failed (%d): %s" % (r.returncode, r.stderr[:500]))
        self.pristine = os.path.join(self.work, "ds", "pristine_base")
        shutil.copytree(self.base, self.pristine, symlinks=True)
        self.base_hash = tree_hash(self.base)
        self.variants["base"].hash = self.base_hash
        self.variants["base"].built = True

    # -- one case
    def run_case(self, case):
        vname = case["ds"]
        v = self.variants[vname]
        if not v.built:
            self.build(vname)
        d = self.ds_dir(vname)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "__", case["name"])
        o = os.path.join(self.work, "out", safe)
        logs = os.path.join(self.work, "logs")
        os.makedirs(logs, exist_ok=True)
        if os.path.lexists(o):
            shutil.rmtree(o)
        os.makedirs(o)
        guards = []
        if case.get("setup") == "existing_dir":
            os.makedirs(os.path.join(o, "existing_dir"))
            write_text(os.path.join(o, "existing_dir", "keep.txt"), "do not delete\n")
            guards.append(os.path.join(o, "existing_dir"))
        elif case.get("setup") == "existing_file":
            write_text(os.path.join(o, "existing_file.txt"), "a file someone cares about\n")
            guards.append(os.path.join(o, "existing_file.txt"))
        guard_hash = {g: tree_hash(g) for g in guards}
        args = [a.replace("{D}", d).replace("{O}", o) for a in case["args"]]
        argv = [self.bin] + args
        stdout_p = os.path.join(logs, safe + ".stdout")
        stderr_p = os.path.join(logs, safe + ".stderr")
        time_p = os.path.join(logs, safe + ".time")
        pipe = case.get("pipe")
        rc, sig, secs, timed_out, peak = run_process(argv, stdout_p, stderr_p, self.timeout,
                                                     pipe, time_p)
        with open(stderr_p, "rb") as f:
            stderr = f.read(1 << 20).decode("utf-8", errors="replace")
        flags, details = [], []
        # data loss
        after = tree_hash(d)
        changed = diff_hash(v.hash, after)
        if changed:
            flags.append("DATA_LOSS")
            details.append("dataset changed: " + ", ".join(changed[:6]))
        for g in guards:
            ch = diff_hash(guard_hash[g], tree_hash(g))
            if ch:
                flags.append("DATA_LOSS")
                details.append("pre-existing %s changed: %s" % (os.path.relpath(g, o),
                                                                ", ".join(ch[:4])))
        # exit
        bad_text = any(s.lower() in stderr.lower() for s in BAD_STDERR)
        if timed_out:
            flags.append("TIMEOUT")
            details.append("killed after %ss" % self.timeout)
        elif sig or rc not in (0, 2):
            flags.append("BAD_EXIT")
        elif rc == 2 and (not stderr.strip() or bad_text):
            flags.append("BAD_EXIT")
            details.append("exit 2 but stderr is %s" % ("empty" if not stderr.strip()
                                                         else "a panic/internal error"))
        elif rc == 0 and "panicked" in stderr:
            flags.append("BAD_EXIT")
            details.append("exit 0 with a panic message")
        elif rc == 0 and pipe and stderr.strip():
            details.append("broken pipe: exit 0 but stderr not quiet")
        # leaks
        canaries = list(v.canaries) + list(case.get("canaries", []))
        leaks = scan_outputs(o, stdout_p, stderr_p, canaries, strip=(self.work,))
        if pipe:  # stdout is a pipe; only stderr and files count
            leaks = [l for l in leaks if not l.startswith("stdout")]
        if leaks:
            flags.append("LEAK")
            details += leaks
        # silent acceptance
        if rc == 0 and not timed_out and not sig:
            if case["refuse"]:
                flags.append("SILENT")
                details.append("exit 0 on input designed to be refused" +
                               (" (%s)" % case["why"] if case.get("why") else ""))
            if case["name"].endswith("/validate-json") and v.expect:
                with open(stdout_p, "rb") as f:
                    unmet = check_expect(v.expect, f.read().decode("utf-8", "replace"),
                                         self.ctx.get(vname, {}))
                if unmet:
                    flags.append("SILENT")
                    details += unmet
            missing = [t for t in out_targets(args) if not os.path.exists(t)]
            if missing:
                flags.append("SILENT")
                details.append("exit 0 but output not written: " + ", ".join(missing))
        verdict = next((f for f in ORDER if f in flags), "OK")
        rec = dict(name=case["name"], command=" ".join(shlex.quote(a) for a in argv),
                   exit=rc, signal=sig, seconds=round(secs, 2), peak_kb=peak,
                   stderr_head=stderr[:300], verdict=verdict,
                   flags=sorted(set(flags), key=ORDER.index), details=details,
                   expects_refusal=bool(case["refuse"]), stderr_full=stderr[:4000])
        rec["class"] = classify(rec)
        del rec["stderr_full"]
        if changed:  # restore the dataset for the next commands
            if vname == "base":
                shutil.rmtree(self.base)
                shutil.copytree(self.pristine, self.base, symlinks=True)
                self.variants["base"].hash = tree_hash(self.base)
            else:
                self.build(vname)
        return rec

    def run(self, cases):
        self.make_base()
        t_start = time.time()
        # free each variant's copy once its last case ran
        last_use = {}
        for i, c in enumerate(cases):
            last_use[c["ds"]] = i
        for i, c in enumerate(cases):
            rec = self.run_case(c)
            self.records.append(rec)
            mem = "%6.0f MB" % (rec["peak_kb"] / 1024) if rec["peak_kb"] else "     ? MB"
            print("[%3d/%d] %-9s exit=%-4s %6.1fs %s  %s" % (
                i + 1, len(cases), rec["verdict"], rec["exit"] if not rec["signal"] else
                "sig%d" % rec["signal"], rec["seconds"], mem, rec["name"]), flush=True)
            if not self.keep and last_use.get(c["ds"]) == i and c["ds"] not in ("base",):
                d = self.ds_dir(c["ds"])
                if os.path.lexists(d):
                    shutil.rmtree(d)
                self.variants[c["ds"]].built = False
        self.elapsed = time.time() - t_start

    def report(self):
        counts = {}
        for r in self.records:
            counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        print("\n== Summary: %d cases in %.0f s" % (len(self.records), self.elapsed))
        print("%-10s %5s" % ("verdict", "count"))
        for k in ["OK"] + ORDER:
            print("%-10s %5d" % (k, counts.get(k, 0)))
        groups = ["panics/aborts", "internal errors for bad input", "data loss", "leaks",
                  "silent acceptance", "timeouts"]
        bad = [r for r in self.records if r["verdict"] != "OK"]
        print("\n== Non-OK cases (%d)" % len(bad))
        for g in groups:
            rs = [r for r in bad if r["class"] == g]
            if not rs:
                continue
            print("\n--- %s (%d)" % (g, len(rs)))
            for r in rs:
                ex = r["exit"] if not r["signal"] else "%s (signal %d)" % (r["exit"], r["signal"])
                print("* %s  [%s%s] exit=%s %.1fs" % (
                    r["name"], r["verdict"], "" if len(r["flags"]) < 2 else
                    " +" + "+".join(f for f in r["flags"] if f != r["verdict"]), ex,
                    r["seconds"]))
                print("    $ " + printable(r["command"]))
                if r["stderr_head"].strip():
                    print("    stderr: " + printable(r["stderr_head"].strip()).replace(
                        "\n", " ⏎ "))
                for d in r["details"][:6]:
                    print("    - " + printable(d))
        out = dict(bin=self.bin, workdir=self.work, timeout=self.timeout,
                   time_tool=TIME_BIN or "wait4", elapsed_seconds=round(self.elapsed, 1),
                   counts=counts, cases=self.records)
        path = os.path.join(self.work, "report.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)
        print("\nreport: %s" % path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bin")
    ap.add_argument("workdir")
    ap.add_argument("--only", help="regular expression on case names")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per command")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the bent datasets")
    a = ap.parse_args()
    sw = Sweep(a.bin, a.workdir, a.timeout, a.only, a.keep)
    cases = sw.cases()
    if a.list:
        for c in cases:
            print("%-55s %s%s" % (c["name"], " ".join(c["args"]),
                                  "   [expects refusal]" if c["refuse"] else ""))
        print("%d cases" % len(cases))
        return
    if not cases:
        sys.exit("no case matches --only %r" % a.only)
    sw.run(cases)
    sw.report()


if __name__ == "__main__":
    main()

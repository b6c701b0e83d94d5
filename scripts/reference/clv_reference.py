"""Lifetime-value reference numbers from `lifetimes` on the CDNOW sample.

    pip download lifetimes==0.11.3 --no-deps -d /tmp/lt && cd /tmp/lt && unzip -q *.whl
    pip install autograd dill          # what `lifetimes` imports
    PYTHONPATH=/tmp/lt python3 scripts/reference/clv_reference.py \
        /tmp/lt/lifetimes/datasets/CDNOW_sample.txt tests/fixtures/clv

Data: the CDNOW sample of Fader & Hardie (2,357 customers who first bought in the first quarter
of 1997, every purchase until June 1998: customer, date, CDs, dollars), as shipped in the
`lifetimes` wheel (MIT licence). It is written as a Persona Lab dataset (`OUT/events.csv`:
one `purchase` event per row, `amount` in dollars, one `course_id` for all) and fitted with
`lifetimes` exactly as `persona-lab clv` defines its numbers:
  - calibration ends 1997-09-30 (inclusive); purchase days are calendar days; several purchases
    on one day are one purchase day whose spend is their sum;
  - frequency = purchase days after the first, recency = first to last purchase day,
    T = first purchase day to the end of calibration, in weeks (days / 7);
  - spend = mean spend of the repeat purchase days (the first excluded);
  - BG/NBD (`BetaGeoFitter`) and Gamma-Gamma (`GammaGammaFitter`, on learners with frequency > 0),
    no penalty;
  - per learner: P(alive), expected purchases in the next 90 days (90 / 7 weeks), spend per
    purchase (Gamma-Gamma conditional mean), expected spend in the 90 days (their product), CLV
    over 12 months at 1% a month
    (`customer_lifetime_value(freq="W", time=12, discount_rate=0.01)`);
  - holdout: repeat purchase days in the 90 days after calibration, predicted (the sum of each
    learner's expected purchases) and actual, in total and by calibration frequency.
Writes OUT/events.csv and OUT/reference.json (every learner's numbers in a table).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy.special import gammaln
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

UNTIL = "1997-09-30"
HORIZON_DAYS = 90


def bg_nbd_loglik(params, weeks):
    """Total BG/NBD log-likelihood in weeks (lifetimes fits a rescaled time axis, so its own
    stored likelihood is on another scale)."""
    r, alpha, a, b = (params[k] for k in ["r", "alpha", "a", "b"])
    x, tx, t = (np.asarray(weeks[c], dtype=float) for c in ["frequency", "recency", "T"])
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + t)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                  - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    raw = pd.read_csv(src, sep=r"\s+", header=None,
                      names=["customer", "id", "date", "cds", "dollars"], dtype={"customer": str})
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    raw["user_id"] = "cdnow" + raw["id"].astype(int).map("{:04d}".format)
    events = pd.DataFrame({
        "user_id": raw["user_id"],
        "course_id": "cd",
        "event": "purchase",
        "ts": raw["date"].dt.strftime("%Y-%m-%d"),
        "amount": raw["dollars"].map("{:.2f}".format),
    })
    events.to_csv(f"{out}/events.csv", index=False)

    calib = raw[raw["date"] <= UNTIL]
    summary = summary_data_from_transaction_data(
        calib, "user_id", "date", monetary_value_col="dollars",
        observation_period_end=UNTIL, freq="D")
    summary[["frequency", "recency", "T"]] = summary[["frequency", "recency", "T"]].astype(float)
    weeks = summary.copy()
    weeks["recency"] /= 7.0
    weeks["T"] /= 7.0
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(weeks["frequency"], weeks["recency"], weeks["T"])
    repeat = weeks[weeks["frequency"] > 0]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeat["frequency"], repeat["monetary_value"])

    horizon = HORIZON_DAYS / 7.0
    f, rec, t = weeks["frequency"], weeks["recency"], weeks["T"]
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(horizon, f, rec, t)
    spend = ggf.conditional_expected_average_profit(f, weeks["monetary_value"])
    clv = ggf.customer_lifetime_value(bgf, f, rec, t, weeks["monetary_value"],
                                      time=12, discount_rate=0.01, freq="W")
    table = pd.DataFrame({
        "user_id": np.asarray(weeks.index),
        "frequency": np.asarray(f),
        "recency_weeks": np.asarray(rec),
        "t_weeks": np.asarray(t),
        "monetary": np.asarray(weeks["monetary_value"]),
        "p_alive": np.asarray(bgf.conditional_probability_alive(f, rec, t)),
        "expected_purchases": np.asarray(expected),
        "spend_per_purchase": np.asarray(spend),
        "expected_spend": np.asarray(expected) * np.asarray(spend),
        "clv_12_months": np.asarray(clv).ravel(),
    })

    end = (pd.Timestamp(UNTIL) + pd.Timedelta(days=HORIZON_DAYS)).strftime("%Y-%m-%d")
    # lifetimes' calibration_and_holdout_data (distinct purchase days after calibration, for
    # learners seen in it), written out because it fails on pandas 3.
    later = raw[(raw["date"] > UNTIL) & (raw["date"] <= end)]
    actual = later.groupby("user_id")["date"].nunique().reindex(weeks.index, fill_value=0)
    by_freq = []
    for x, rows in table.assign(actual=np.asarray(actual)).groupby("frequency"):
        by_freq.append({"frequency": int(x), "learners": len(rows),
                        "predicted": float(rows["expected_purchases"].mean()),
                        "actual": float(rows["actual"].mean())})

    n = len(weeks)
    reference = {
        "source": "CDNOW sample (Fader & Hardie), lifetimes 0.11.3 datasets/CDNOW_sample.txt",
        "until": UNTIL,
        "horizon_days": HORIZON_DAYS,
        "learners": n,
        "params": {k: float(v) for k, v in bgf.params_.items()},
        "loglik": bg_nbd_loglik(bgf.params_, weeks),
        "spend": {k: float(v) for k, v in ggf.params_.items()},
        "holdout": {"days": HORIZON_DAYS,
                    "predicted_total": float(table["expected_purchases"].sum()),
                    "actual_total": float(actual.sum()),
                    "by_frequency": by_freq},
        "learner_columns": list(table.columns),
        "learner_rows": table.values.tolist(),
    }
    with open(f"{out}/reference.json", "w") as fh:
        json.dump(reference, fh, indent=1)
    print(json.dumps({k: reference[k] for k in ["learners", "params", "loglik", "spend"]}, indent=2))


if __name__ == "__main__":
    main()

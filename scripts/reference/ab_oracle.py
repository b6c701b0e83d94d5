"""Multi-variant A/B fixtures and their expected read-outs, computed independently of our engine.

Run (from the repository root; needs numpy, scipy, statsmodels, pandas):

    pip install numpy scipy statsmodels pandas
    python3 scripts/reference/ab_oracle.py

It writes, for i = 0, 1, 2,

    tests/fixtures/ab/multi_<i>.csv            experiment,variant,user_id,converted,revenue,pre_revenue,ts
    tests/fixtures/ab/multi_<i>.expected.json  what `persona-lab abtest --experiments multi_<i>.csv
                                               --experiment E --control C --alpha A --json` must print

and `tests/experiments_oracle.rs` compares the two with an absolute tolerance of 1e-6 (taking E, C and
A from the expected JSON's `experiment`, `control` and `alpha`):
`multi_variant_oracle_cases_match_within_1e_6` checks every key below except `timeline[].cs`,
which `multi_variant_confidence_sequence_is_the_inverted_always_valid_p` checks (and which our
engine does not yet match, see `cs` below). Everything is seeded, so re-running reproduces the files byte for byte
(given the same numpy / scipy / statsmodels).

The cases (all with three or more variants, unequal sizes, revenue with a few empty cells that
count as 0, `pre_revenue` correlated with revenue and sometimes empty, `ts` over 2-4 weeks):

    multi_0  3 arms (control, b, c), near-equal split, dates only (`2024-03-04`), alpha 0.05, plus
             rows of a second experiment that must be ignored.
    multi_1  4 arms (baseline = control given with --control, t1, t2, t3), alpha 0.10, naive
             datetimes (`2024-05-03 14:22:05`, bucketed by their calendar day).
    multi_2  3 arms (control, variant_a, variant_b) split 50/25/25 (so the SRM check fires),
             alpha 0.05, dates only, a few rows without `ts` (left out of the timeline only).

The reference numbers are computed from the CSV as written (read back with pandas), restricted
to the experiment, with the control first and the other variants sorted by name:

    rate_ci                 statsmodels proportion_confint(method="normal")
    abs_lift, abs_ci        statsmodels confint_proportions_2indep(method="wald", compare="diff")
                            (unpooled Wald)
    rel_lift, rel_ci        delta method by hand: Var(p1/p0) ~ V1/p0^2 + p1^2 V0/p0^4,
                            Vi = pi(1-pi)/ni, CI = rel_lift -/+ z_{1-alpha/2} sqrt(Var)
    p_value                 statsmodels proportions_ztest (pooled variance, two-sided)
    p_value_holm            statsmodels multipletests(method="holm") over the p_values of all
                            non-control variants (each against the control)
    chance_to_beat_control  P(B > A) for posteriors Beta(1+x, 1+n-x): scipy.integrate.quad of
                            pdf_B(t) * cdf_A(t) dt (numerical integration, not the closed form)
    posterior               [1+x, 1+n-x]
    revenue_mean            mean revenue per user, empty revenue = 0
    revenue_diff/ci/p_value scipy.stats.ttest_ind(variant, control, equal_var=False): its p-value
                            and .confidence_interval(1-alpha) (Welch)
    srm_p, srm_warning      scipy.stats.chisquare of the variant counts against an equal split;
                            warning when srm_p < 0.001
    cuped                   users with pre_revenue present (all variants pooled):
                            theta = OLS slope of revenue on pre_revenue (statsmodels OLS), i.e.
                            cov/var; adjusted = revenue - theta (pre - mean(pre));
                            variance_reduction = OLS R^2 (= 1 - var(adjusted)/var(revenue));
                            per variant adjusted_mean, and diff/ci/p_value of adjusted vs control
                            by scipy Welch as for revenue.
    timeline                per non-control variant and per calendar day (the union of the days
                            of the experiment's rows with a ts), cumulative users/conversions of
                            the variant and the control up to that day:
                            users = [n_variant, n_control]; abs_lift = theta_hat = p1 - p0;
                            V = p0(1-p0)/n0 + p1(1-p1)/n1; ci = theta_hat -/+ z sqrt(V);
                            p_value = 2 * norm.sf(|theta_hat| / sqrt(V)) (unpooled z);
                            mSPRT (Johari, Pekelis & Walsh 2017, "Always valid inference", normal
                            mixture H = N(0, tau^2)):
                              Lambda_n = sqrt(V/(V+tau^2)) exp(tau^2 theta_hat^2 / (2V(V+tau^2)))
                              (also checked here against a numerical integral of the mixture
                              likelihood ratio), always_valid_p_n = min(1, min_{m<=n} 1/Lambda_m);
                              cs = the paper's always-valid CI, the inversion of that running-min
                              p-value: {theta0 : p_n(theta0) > alpha}, i.e. the intersection over
                              days m <= n of J_m = theta_hat_m -/+ r_m, where J_m = {theta0 :
                              Lambda_m(theta_hat_m - theta0) < 1/alpha} and
                              r_m = sqrt(V(V+tau^2)/tau^2 (2 ln(1/alpha) + ln((V+tau^2)/V)));
                              so cs excludes 0 exactly when always_valid_p < alpha. (Our engine
                              reports the day's J_n alone, without the intersection; the Rust
                              test marks that disagreement, see its comment.)
                            tau = 0.1 * pooled conversion rate of all the experiment's rows
                            (floored at 1e-3, never reached here).
    always_valid_p          the variant's always_valid_p on the last day of the timeline.
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "ab")

CASES = [
    dict(
        seed=20240304,
        experiment="checkout_flow",
        control="control",
        # name: (allocation share, conversion rate, revenue multiplier)
        arms={"control": (0.34, 0.120, 1.00), "b": (0.33, 0.122, 0.97), "c": (0.33, 0.145, 1.06)},
        rows=6500,
        start="2024-03-04",
        days=21,
        datetimes=False,
        alpha=0.05,
        p_missing_revenue=0.02,
        p_missing_pre=0.03,
        p_missing_ts=0.0,
        other_rows=400,
    ),
    dict(
        seed=7031,
        experiment="pricing",
        control="baseline",
        arms={
            "baseline": (0.26, 0.300, 1.00),
            "t1": (0.25, 0.308, 1.02),
            "t2": (0.25, 0.296, 0.99),
            "t3": (0.24, 0.355, 1.07),
        },
        rows=9000,
        start="2024-05-01",
        days=28,
        datetimes=True,
        alpha=0.10,
        p_missing_revenue=0.015,
        p_missing_pre=0.0,
        p_missing_ts=0.0,
        other_rows=0,
    ),
    dict(
        seed=99,
        experiment="onboarding",
        control="control",
        arms={
            "control": (0.50, 0.050, 1.00),
            "variant_a": (0.25, 0.064, 1.05),
            "variant_b": (0.25, 0.049, 1.00),
        },
        rows=10000,
        start="2024-09-16",
        days=14,
        datetimes=False,
        alpha=0.05,
        p_missing_revenue=0.03,
        p_missing_pre=0.05,
        p_missing_ts=0.01,
        other_rows=0,
    ),
]


def money(x):
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def generate(case, rng):
    names = list(case["arms"])
    shares = np.array([case["arms"][n][0] for n in names])
    n = case["rows"]
    arm = rng.choice(len(names), size=n, p=shares / shares.sum())
    rate = np.array([case["arms"][names[a]][1] for a in arm])
    lift = np.array([case["arms"][names[a]][2] for a in arm])
    # A user's spending propensity drives both the pre-period and the experiment's revenue.
    value = rng.lognormal(mean=2.5, sigma=0.8, size=n)
    pre_active = rng.random(n) < 0.75
    pre = np.where(pre_active, value * rng.lognormal(0.0, 0.3, size=n), 0.0)
    converted = rng.random(n) < rate
    active = np.where(pre_active, rng.random(n) < 0.85, rng.random(n) < 0.3)
    revenue = lift * (active * value * rng.lognormal(0.0, 0.35, size=n) + converted * rng.gamma(4.0, 5.0, size=n))
    # Arrivals over the days, more towards the start; every day gets users.
    day = np.minimum((case["days"] * rng.random(n) ** 1.3).astype(int), case["days"] - 1)
    start = np.datetime64(case["start"])
    ids = rng.choice(np.arange(100000, 999999), size=n + case["other_rows"], replace=False)
    rows = []
    for i in range(n):
        d = str(start + np.timedelta64(int(day[i]), "D"))
        if case["datetimes"]:
            s = int(rng.integers(0, 86400))
            d += f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        rows.append(
            [
                case["experiment"],
                names[arm[i]],
                f"u{ids[i]}",
                str(int(converted[i])),
                "" if rng.random() < case["p_missing_revenue"] else money(revenue[i]),
                "" if rng.random() < case["p_missing_pre"] else money(pre[i]),
                "" if rng.random() < case["p_missing_ts"] else d,
            ]
        )
    for j in range(case["other_rows"]):
        d = str(start + np.timedelta64(int(rng.integers(0, case["days"])), "D"))
        rows.append(
            [
                "zz_other",
                ["control", "b"][int(rng.integers(0, 2))],
                f"u{ids[n + j]}",
                str(int(rng.random() < 0.5)),
                money(rng.gamma(2.0, 20.0)),
                money(rng.gamma(2.0, 20.0)),
                d,
            ]
        )
    order = rng.permutation(len(rows))
    header = "experiment,variant,user_id,converted,revenue,pre_revenue,ts\n"
    return header + "".join(",".join(rows[k]) + "\n" for k in order)


def prob_b_beats_a(a_a, b_a, a_b, b_b):
    """P(B > A) = integral of pdf_B(t) * cdf_A(t) dt, numerically."""
    A, B = stats.beta(a_a, b_a), stats.beta(a_b, b_b)
    lo = max(0.0, min(A.mean() - 14 * A.std(), B.mean() - 14 * B.std()))
    hi = min(1.0, max(A.mean() + 14 * A.std(), B.mean() + 14 * B.std()))
    pts = sorted({A.mean(), B.mean(), 0.5 * (A.mean() + B.mean())})
    val, err = integrate.quad(
        lambda t: B.pdf(t) * A.cdf(t), lo, hi, points=pts, epsabs=1e-13, epsrel=1e-12, limit=500
    )
    assert err < 1e-9, err
    # What lies below lo: B has no mass there; above hi: A.cdf = 1 there, B's mass is negligible.
    return val + B.sf(hi)


def welch(treat, ctrl, alpha):
    r = stats.ttest_ind(treat, ctrl, equal_var=False)
    ci = r.confidence_interval(confidence_level=1 - alpha)
    return float(np.mean(treat) - np.mean(ctrl)), [float(ci.low), float(ci.high)], float(r.pvalue)


def mixture_lr(theta_hat, v, tau2):
    """Johari et al. (2017) normal-mixture likelihood ratio in closed form."""
    return math.sqrt(v / (v + tau2)) * math.exp(tau2 * theta_hat**2 / (2 * v * (v + tau2)))


def log_mixture_lr_numeric(theta_hat, v, tau2):
    """log of  integral N(theta_hat; t, v) / N(theta_hat; 0, v) dN(t; 0, tau2), by quadrature."""

    def log_f(t):
        return (2 * theta_hat * t - t * t) / (2 * v) - t * t / (2 * tau2) - 0.5 * math.log(2 * math.pi * tau2)

    mode = theta_hat * tau2 / (v + tau2)
    sd = math.sqrt(v * tau2 / (v + tau2))
    peak = log_f(mode)
    val, _ = integrate.quad(lambda t: math.exp(log_f(t) - peak), mode - 40 * sd, mode + 40 * sd,
                            points=[mode], epsabs=0, epsrel=1e-13, limit=200)
    return peak + math.log(val)


def expected(csv_path, case):
    df = pd.read_csv(csv_path, dtype={"user_id": str, "ts": str, "variant": str, "experiment": str})
    experiments = sorted(df["experiment"].unique().tolist())
    df = df[df["experiment"] == case["experiment"]].copy()
    df["revenue0"] = df["revenue"].fillna(0.0)
    alpha = case["alpha"]
    z = stats.norm.ppf(1 - alpha / 2)
    control = case["control"]
    names = [control] + sorted(v for v in df["variant"].unique() if v != control)
    groups = {v: df[df["variant"] == v] for v in names}
    n = {v: len(g) for v, g in groups.items()}
    x = {v: int(g["converted"].sum()) for v, g in groups.items()}
    rev = {v: g["revenue0"].to_numpy() for v, g in groups.items()}

    variants = []
    for v in names:
        lo, hi = proportion_confint(x[v], n[v], alpha=alpha, method="normal")
        r = {
            "name": v,
            "users": n[v],
            "conversions": x[v],
            "rate": x[v] / n[v],
            "rate_ci": [float(lo), float(hi)],
            "revenue_mean": float(np.mean(rev[v])),
            "posterior": [1.0 + x[v], 1.0 + n[v] - x[v]],
        }
        if v == control:
            for k in ["abs_lift", "abs_ci", "rel_lift", "rel_ci", "p_value", "p_value_holm",
                      "chance_to_beat_control", "revenue_diff", "revenue_ci", "revenue_p_value",
                      "always_valid_p"]:
                r[k] = None
        else:
            c = control
            p0, p1 = x[c] / n[c], x[v] / n[v]
            r["abs_lift"] = p1 - p0
            lo, hi = confint_proportions_2indep(x[v], n[v], x[c], n[c], method="wald", compare="diff", alpha=alpha)
            r["abs_ci"] = [float(lo), float(hi)]
            v0, v1 = p0 * (1 - p0) / n[c], p1 * (1 - p1) / n[v]
            rel = p1 / p0 - 1
            se_rel = math.sqrt(v1 / p0**2 + p1**2 * v0 / p0**4)
            r["rel_lift"] = rel
            r["rel_ci"] = [rel - z * se_rel, rel + z * se_rel]
            _, p = proportions_ztest([x[v], x[c]], [n[v], n[c]])
            r["p_value"] = float(p)
            r["chance_to_beat_control"] = prob_b_beats_a(1 + x[c], 1 + n[c] - x[c], 1 + x[v], 1 + n[v] - x[v])
            r["revenue_diff"], r["revenue_ci"], r["revenue_p_value"] = welch(rev[v], rev[c], alpha)
        variants.append(r)
    holm = multipletests([r["p_value"] for r in variants[1:]], method="holm")[1]
    for r, h in zip(variants[1:], holm):
        r["p_value_holm"] = float(h)

    srm_p = float(stats.chisquare([n[v] for v in names]).pvalue)

    # CUPED over the users with a pre-period value.
    pairs = df[df["pre_revenue"].notna()]
    ols = sm.OLS(pairs["revenue0"].to_numpy(), sm.add_constant(pairs["pre_revenue"].to_numpy())).fit()
    theta = float(ols.params[1])
    pre_mean = pairs["pre_revenue"].mean()
    adj = {v: (g["revenue0"] - theta * (g["pre_revenue"] - pre_mean)).to_numpy()
           for v, g in ((v, pairs[pairs["variant"] == v]) for v in names)}
    cuped_variants = []
    for v in names:
        e = {"name": v, "adjusted_mean": float(np.mean(adj[v]))}
        if v == control:
            e.update(diff=None, ci=None, p_value=None)
        else:
            e["diff"], e["ci"], e["p_value"] = welch(adj[v], adj[control], alpha)
        cuped_variants.append(e)
    cuped = {"theta": theta, "variance_reduction": float(ols.rsquared), "variants": cuped_variants}

    # Sequential timeline.
    pooled = sum(x.values()) / sum(n.values())
    tau = max(0.1 * pooled, 1e-3)
    tau2 = tau * tau
    timed = df[df["ts"].notna()].copy()
    timed["day"] = timed["ts"].str[:10]
    days = sorted(timed["day"].unique())
    daily = timed.groupby(["variant", "day"])["converted"].agg(["size", "sum"])
    timeline = []
    worst_gap = 0.0
    for v in names[1:]:
        cum = {}
        for arm in (control, v):
            d = daily.loc[arm].reindex(days, fill_value=0)
            cum[arm] = (d["size"].cumsum().to_numpy(), d["sum"].cumsum().to_numpy())
        running = 1.0
        cs_lo, cs_hi = -math.inf, math.inf
        for i, day in enumerate(days):
            n0, x0 = int(cum[control][0][i]), int(cum[control][1][i])
            n1, x1 = int(cum[v][0][i]), int(cum[v][1][i])
            assert n0 > 0 and n1 > 0 and 0 < x0 < n0 and 0 < x1 < n1, (case["experiment"], v, day)
            p0, p1 = x0 / n0, x1 / n1
            var = p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1
            th = p1 - p0
            lam = mixture_lr(th, var, tau2)
            gap = abs(math.log(lam) - log_mixture_lr_numeric(th, var, tau2))
            worst_gap = max(worst_gap, gap)
            running = min(running, min(1.0, 1.0 / lam))
            radius = math.sqrt(var * (var + tau2) / tau2 * (2 * math.log(1 / alpha) + math.log((var + tau2) / var)))
            cs_lo, cs_hi = max(cs_lo, th - radius), min(cs_hi, th + radius)
            assert cs_lo < cs_hi, (case["experiment"], v, day, "empty confidence sequence")
            assert (cs_lo > 0 or cs_hi < 0) == (running < alpha), (case["experiment"], v, day)
            se = math.sqrt(var)
            timeline.append({
                "variant": v,
                "day": day,
                "users": [n1, n0],
                "abs_lift": th,
                "ci": [th - z * se, th + z * se],
                "cs": [cs_lo, cs_hi],
                "p_value": float(2 * stats.norm.sf(abs(th) / se)),
                "always_valid_p": running,
            })
        next(r for r in variants if r["name"] == v)["always_valid_p"] = running
    assert worst_gap < 1e-8, f"closed-form mixture LR off the numerical integral by {worst_gap}"

    out = {
        "experiment": case["experiment"],
        "control": control,
        "alpha": alpha,
        "srm_p": srm_p,
        "srm_warning": srm_p < 0.001,
        "rows_rejected": 0,
        "experiments": experiments,
        "variants": variants,
        "cuped": cuped,
        "timeline": timeline,
    }
    if srm_p >= 0.001:
        out["warnings"] = []  # nothing to warn about: no SRM, no degenerate variant
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, case in enumerate(CASES):
        rng = np.random.default_rng(case["seed"])
        csv_path = os.path.join(OUT, f"multi_{i}.csv")
        with open(csv_path, "w", newline="") as f:
            f.write(generate(case, rng))
        exp = expected(csv_path, case)
        with open(os.path.join(OUT, f"multi_{i}.expected.json"), "w") as f:
            json.dump(exp, f, indent=1)
            f.write("\n")
        summary = ", ".join(
            f"{r['name']}: n={r['users']} p={r['p_value'] if r['p_value'] is None else round(r['p_value'], 4)}"
            f" holm={r['p_value_holm'] if r['p_value_holm'] is None else round(r['p_value_holm'], 4)}"
            f" avp={r['always_valid_p'] if r['always_valid_p'] is None else round(r['always_valid_p'], 4)}"
            for r in exp["variants"]
        )
        print(f"multi_{i}: srm_p={exp['srm_p']:.4g} theta={exp['cuped']['theta']:.4f} "
              f"vr={exp['cuped']['variance_reduction']:.3f}; {summary}", file=sys.stderr)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, "
          f"pandas {pd.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()

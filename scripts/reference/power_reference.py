"""Reference sample sizes for `tests/experiments_oracle.rs`, computed once with statsmodels.

Run: python3 scripts/reference/power_reference.py > tests/fixtures/power_reference.json
"""
import json

import statsmodels
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

cases = []
for baseline, mde, alpha, power in [
    (0.10, 0.10, 0.05, 0.80),
    (0.05, 0.20, 0.05, 0.80),
    (0.02, 0.05, 0.05, 0.90),
    (0.30, -0.10, 0.01, 0.80),
    (0.50, 0.02, 0.10, 0.95),
    (0.001, 0.50, 0.05, 0.80),
]:
    h = proportion_effectsize(baseline * (1 + mde), baseline)
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
    cases.append({"baseline": baseline, "mde": mde, "alpha": alpha, "power": power,
                  "effect_size": h, "users_per_variant_exact": n})
print(json.dumps({"statsmodels": statsmodels.__version__, "cases": cases}, indent=1))

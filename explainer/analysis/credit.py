"""The article's credit example: people as vectors of 8 features, then 9 with annual salary.

The data are generated, small and seeded: a hidden "earning power" decides most of whether a
person's credit is good; the 8 everyday features only hint at it, annual salary reveals it.
So in the 9-feature space good and bad credit separate better, which is the article's point
(a new feature moves every point into a new space where a straight line divides them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

from explainer.analysis.walk_pca import fixed_sign_pca

# Feature key, mean and spread in everyday units (the table shows people in these units).
FEATURES = (
    ("age", 40.0, 11.0),
    ("years_employed", 12.0, 7.0),
    ("credit_history_years", 10.0, 6.0),
    ("open_loans", 2.5, 1.4),
    ("debt_ratio", 0.35, 0.15),
    ("late_payments", 1.5, 1.2),
    ("savings_k", 60.0, 35.0),
    ("home_owner", 0.5, 0.0),  # 0/1: a threshold on a latent score, not a scaled one
)
SALARY = ("annual_salary_k", 180.0, 70.0)


@dataclass(frozen=True)
class CreditExample:
    """Generated people and their two projections.

    Attributes:
        table: one row per person, the 9 features in everyday units plus ``good`` (bool).
        good: [n] bool, True for good credit.
        points8, points9: [n, 3] PCA coordinates of the standardised 8- and 9-feature vectors.
        explained8, explained9: [3] variance fraction of each component.
        accuracy8, accuracy9: cross-validated accuracy of a straight-line (logistic) separator
            trained on all 8 or all 9 features.
    """

    table: pd.DataFrame
    good: np.ndarray
    points8: np.ndarray
    points9: np.ndarray
    explained8: np.ndarray
    explained9: np.ndarray
    accuracy8: float
    accuracy9: float


def generate_people(n: int = 240, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` generated people: (features in everyday units [n, 9 columns], good [n] bool)."""
    if n < 10:
        raise ValueError("need at least 10 people to compare the spaces")
    rng = np.random.default_rng(seed)
    earning = rng.normal(size=n)  # hidden: what the bank really wants to know
    seniority = rng.normal(size=n)  # age, years employed and credit history move together
    noise = rng.normal(size=(n, 9))
    latent = np.column_stack([
        seniority,
        0.6 * seniority + 0.8 * noise[:, 1],
        0.7 * seniority + 0.7 * noise[:, 2],
        noise[:, 3],
        noise[:, 4],
        noise[:, 5],
        0.55 * earning + 0.83 * noise[:, 6],
        0.45 * earning + 0.89 * noise[:, 7],
        0.97 * earning + 0.25 * noise[:, 8],  # annual salary: almost the hidden value itself
    ])
    score = 2.0 * earning - 0.4 * latent[:, 4] - 0.3 * latent[:, 5] + 0.25 * rng.normal(size=n)
    good = score > 0
    columns = {}
    for j, (name, mean, spread) in enumerate((*FEATURES, SALARY)):
        if name == "home_owner":
            columns[name] = (latent[:, j] > 0).astype(int)
        elif name in ("open_loans", "late_payments"):
            columns[name] = np.clip(np.round(mean + spread * latent[:, j]), 0, None).astype(int)
        else:
            value = np.clip(mean + spread * latent[:, j], 0, None)
            columns[name] = np.round(value, 2 if name == "debt_ratio" else 1)
    return pd.DataFrame(columns), good


def credit_example(n: int = 240, seed: int = 0) -> CreditExample:
    """Generate people, standardise, project 8-D and 9-D to 3-D, measure linear separability."""
    table, good = generate_people(n, seed)
    values = table.to_numpy(dtype=float)
    results = []
    for width in (8, 9):
        scaled = StandardScaler().fit_transform(values[:, :width])
        projection = fixed_sign_pca(scaled, 3)
        folds = min(5, int(good.sum()), int((~good).sum()))
        if folds >= 2:
            accuracy = cross_val_score(LogisticRegression(), scaled, good, cv=folds).mean()
        else:
            accuracy = float("nan")  # one class only: nothing to separate
        results.append((projection, float(accuracy)))
    (p8, a8), (p9, a9) = results
    out = table.copy()
    out["good"] = good
    return CreditExample(out, good, p8.points, p9.points, p8.explained, p9.explained, a8, a9)

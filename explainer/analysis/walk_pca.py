"""PCA with a fixed orientation, shared by the walkthrough's vector-space figures.

scikit-learn's PCA (via SVD) may return a component or its negation depending on tiny numeric
differences, so a figure could mirror itself between reruns. Each component's sign is fixed so
that its largest-magnitude loading is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA


@dataclass(frozen=True)
class Projection:
    """Points projected onto principal components.

    Attributes:
        points: [n, k] coordinates of the fitted (or transformed) points.
        components: [k, d] unit directions, each with its largest-|loading| entry positive.
        mean: [d] the centre the components are measured from.
        explained: [k] fraction of the variance each component explains.
    """

    points: np.ndarray
    components: np.ndarray
    mean: np.ndarray
    explained: np.ndarray

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Project more points [m, d] -> [m, k] with the same (sign-fixed) components."""
        return (np.asarray(values, dtype=float) - self.mean) @ self.components.T


def fixed_sign_pca(values: np.ndarray, n_components: int = 2,
                   max_fit: int | None = None) -> Projection:
    """Fit PCA on ``values`` [n, d] and return the points [n, k] in a stable orientation.

    ``k`` is ``n_components`` capped by what the data allows (n and d); missing components
    (e.g. a single point) are padded with zeros so callers always get ``n_components`` columns.
    With ``max_fit``, at most that many rows (a fixed, seeded sample) fit the components and
    every row is then projected (a vocabulary's leading directions show as well in a sample
    of 20 000 of its 50 000 rows).

    Raises:
        ValueError: ``values`` is not 2-D or has no rows.
    """
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(f"PCA needs a non-empty [n, d] array, got shape {values.shape}")
    n, d = values.shape
    k = max(1, min(n_components, n, d))
    # A vocabulary can be 50 000 × 768 float32: no float64 copy of all of it is made, only of
    # the rows that fit the components.
    mean = values.mean(axis=0, dtype=float)
    if n < 2 or not np.ptp(values, axis=0).any():
        components = np.eye(d)[:k]  # nothing varies: any orientation is as good as another
        explained = np.zeros(k)
    else:
        fit_rows = values
        if max_fit is not None and n > max_fit:
            chosen = np.random.default_rng(0).choice(n, size=max_fit, replace=False)
            fit_rows = values[np.sort(chosen)]
        fit_rows = np.asarray(fit_rows, dtype=float)
        # Many more points than dimensions (a vocabulary): the d × d covariance's eigenvectors
        # are the same components, found several times faster than by a full SVD.
        solver = "covariance_eigh" if len(fit_rows) > 4 * d else "full"
        m = len(fit_rows)
        pca = PCA(n_components=min(k, m - 1) if m <= d else min(k, m), svd_solver=solver)
        pca.fit(fit_rows)
        components = pca.components_.copy()
        explained = pca.explained_variance_ratio_.copy()
    biggest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), biggest])
    signs[signs == 0] = 1.0
    components = components * signs[:, None]
    points = (values @ components.T.astype(values.dtype)).astype(float) - mean @ components.T
    if points.shape[1] < n_components:
        pad = n_components - points.shape[1]
        points = np.hstack([points, np.zeros((n, pad))])
        components = np.vstack([components, np.zeros((pad, d))])
        explained = np.concatenate([explained, np.zeros(pad)])
    return Projection(points, components, mean, explained)

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


def fixed_sign_pca(values: np.ndarray, n_components: int = 2) -> Projection:
    """Fit PCA on ``values`` [n, d] and return the points [n, k] in a stable orientation.

    ``k`` is ``n_components`` capped by what the data allows (n and d); missing components
    (e.g. a single point) are padded with zeros so callers always get ``n_components`` columns.

    Raises:
        ValueError: ``values`` is not 2-D or has no rows.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(f"PCA needs a non-empty [n, d] array, got shape {values.shape}")
    n, d = values.shape
    k = max(1, min(n_components, n, d))
    mean = values.mean(axis=0)
    if n < 2 or not np.any(values - mean):
        components = np.eye(d)[:k]  # nothing varies: any orientation is as good as another
        explained = np.zeros(k)
    else:
        # Many more points than dimensions (a vocabulary): the d × d covariance's eigenvectors
        # are the same components, found several times faster than by a full SVD.
        solver = "covariance_eigh" if n > 4 * d else "full"
        pca = PCA(n_components=min(k, n - 1) if n <= d else k, svd_solver=solver)
        pca.fit(values)
        components = pca.components_.copy()
        explained = pca.explained_variance_ratio_.copy()
    biggest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), biggest])
    signs[signs == 0] = 1.0
    components = components * signs[:, None]
    points = (values - mean) @ components.T
    if points.shape[1] < n_components:
        pad = n_components - points.shape[1]
        points = np.hstack([points, np.zeros((n, pad))])
        components = np.vstack([components, np.zeros((pad, d))])
        explained = np.concatenate([explained, np.zeros(pad)])
    return Projection(points, components, mean, explained)

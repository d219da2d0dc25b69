"""Read Plotly specs in tests: Plotly 7 stores numpy arrays as typed base64 ("bdata")."""

from __future__ import annotations

import base64
import json

import numpy as np


def array(value) -> np.ndarray:
    """A figure property (list, or {"dtype", "bdata", "shape"}) as a numpy array."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=object if _ragged(value) else None)


def _ragged(value) -> bool:
    return isinstance(value, list) and value and isinstance(value[0], list) and len(
        {len(row) for row in value if isinstance(row, list)}) > 1


def chart_specs(at) -> list[dict]:
    """Every Plotly chart an AppTest run drew, as its JSON spec."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def heatmap_shapes(at) -> list[tuple[int, ...]]:
    """Shapes of the z matrices of every heatmap on the page."""
    return [array(trace["z"]).shape for spec in chart_specs(at) for trace in spec["data"]
            if trace.get("type") == "heatmap"]

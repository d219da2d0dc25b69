"""The one place where the compute device is chosen."""

from __future__ import annotations

import os

import torch


def pick_device(override: str | None = None) -> torch.device:
    """CUDA when available, else CPU; ``override`` ("cpu", "cuda", "cuda:1", "auto") wins.

    Raises:
        ValueError: the override names a device this machine does not have.
    """
    if override in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(override)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"unknown device {override!r}: use auto, cpu or cuda") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but no CUDA GPU is available here")
    return device


def configure_threads() -> int:
    """Use one CPU thread for the app's small matrices, unless OMP_NUM_THREADS says otherwise.

    Measured on 2 cores: idle, one thread traces as fast as two; with another process busy
    (a browser beside the server, in class), torch's default two threads collapsed a 5-token
    trace from 26 ms to 296 ms. Returns the thread count in force.
    """
    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(1)
    return torch.get_num_threads()

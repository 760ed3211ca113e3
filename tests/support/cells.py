"""A catalogue cell as plain Python, for comparing normalised records with expected values."""

from __future__ import annotations

import numpy as np
import pandas as pd


def plain(value):
    """Dates as text, numbers as float or int, lists as lists, every kind of null as None."""
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value)
    return value

"""is_in gives what pandas' isin gives, nulls included, on the column types the pipeline has."""

import numpy as np
import pandas as pd
import pytest

from pipelines.lib.membership import is_in


@pytest.mark.parametrize(
    ("values", "among"),
    [
        (pd.Series(["a", "b", None, "d"], dtype="str"), pd.Series(["b", "d", "x"], dtype="str")),
        (pd.Series(["a", None], dtype="str"), pd.Series([None, "z"], dtype="object")),
        (pd.Index(["mc-1", "mc-2", "mc-3"], dtype="str"), {"mc-3", "mc-1"}),
        (pd.Series(["a", "b"], dtype="str"), pd.Series([], dtype="str")),
        (pd.Series([None, None], dtype="object"), pd.Series(["a"], dtype="str")),
        (pd.Series([], dtype="str"), ["a"]),
        (pd.Series([1, 2, 3]), [3, 1]),
    ],
)
def test_is_in_agrees_with_pandas(values, among):
    expected = np.asarray(values.isin(list(among) if isinstance(among, set) else among))
    assert is_in(values, among).tolist() == expected.tolist()

"""imsearch._util.timing: the best-of-N timer."""
import pytest

from imsearch._util.timing import best_of


def test_best_of_returns_the_minimum_time_and_the_result():
    calls = []
    seconds, out = best_of(lambda: calls.append(1) or len(calls), repeat=4)
    assert len(calls) == 4 and out == 4 and 0 <= seconds < 1


def test_best_of_bad_repeat():
    with pytest.raises(ValueError, match="repeat"):
        best_of(lambda: None, repeat=0)

"""The siblings of each exercise: found by searching the library, recorded in the exercises.

A sibling is a library function other than the reference that passes every case of an
exercise (:func:`imsearch.grading.siblings.discover`); batch grading hides it with the
reference. If someone adds a function to the library that computes an exercise's answer,
the first test fails until it is registered in ``Exercise.siblings`` (run
``python -m imsearch exercises --siblings`` to see the lists).
"""
from __future__ import annotations

import numpy as np
import pytest
from imsearch.grading import siblings
from imsearch.grading.checks import Case, Exercise, all_exercises

# Siblings the search cannot find (another signature), registered after reading the code.
BY_READING = {
    "7.1": ["imsearch.index.inverted_file._accumulate"],  # the engine of score_postings and InvertedIndex
    "7.2": ["imsearch.descriptors.bow.tfidf"],             # the same weights as a sparse matrix
    "5.4": ["imsearch.geometry.robust._ransac", "imsearch.geometry.robust._sampled_hypotheses",  # RANSAC's engine,
            "imsearch.geometry.robust.ransac", "imsearch.geometry.robust.ransac_homography",      # which these run
            "imsearch.geometry.robust.ransac_trace"],                                            # (len(steps))
}


@pytest.fixture(scope="module")
def discovered():
    return siblings.discover_all()


def test_recorded_siblings_are_exactly_the_discovered_ones(discovered):
    for ex in all_exercises():
        assert siblings.recorded(ex) == sorted(discovered[ex.id] + BY_READING.get(ex.id, [])), \
            f"exercise {ex.id}: register its siblings {discovered[ex.id]} in Exercise.siblings"


def test_known_siblings_are_found(discovered):
    # the four of issue 8, under today's names
    assert "imsearch.descriptors.bow.assign_words" in discovered["1.4"]
    assert "imsearch.signal.color._rgb_to_yuv" in discovered["2.2"]
    assert "imsearch.signal.color._srgb_to_linear" in discovered["2.4"]


def _double(x):
    """Twice x."""
    return 2 * np.asarray(x)


def _double_all(xs):
    """Twice each of xs, as a curve: [2 xs[0], ...]."""
    return np.array([2 * np.asarray(x) for x in xs])


def _triple(x):
    """Three times x."""
    return 3 * np.asarray(x)


def test_discover_on_a_made_up_exercise():
    ex = Exercise("9.1", "double", 1, "double", "double(x)", _double,
                  lambda rng: [Case("2", (2,), expected=4), Case("random", (int(rng.integers(1, 9)),))])
    found = siblings.discover(ex, functions=[_double, _double_all, _triple, np.sum])
    name = __name__
    assert found == [f"{name}._double_all"]  # the reference itself is left out; a curve counts

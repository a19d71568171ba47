"""Chapter 5 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest

from imsearch import geometry, matching
from imsearch.grading.checks import all_exercises, compare, evaluate, get_exercise, to_arrays

from exercise_helpers import load_solutions, passes

IDS = ["5.1", "5.2", "5.3", "5.4", "5.5"]


SOLUTIONS = load_solutions(5)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_at_least_three_exercises_in_notebook_order():
    assert [e.id for e in all_exercises() if e.chapter == 5] == IDS


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _dist(d1, d2):
    d1, d2 = np.asarray(d1, float), np.asarray(d2, float)
    return np.sqrt(((d1[:, None] - d2[None]) ** 2).sum(-1))


def _ratio_with(keep_rule, d_transform=lambda d: d):
    def ratio_test(desc1, desc2, ratio=0.8):
        d = d_transform(_dist(desc1, desc2))
        order = np.argsort(d, axis=1, kind="stable")[:, :2]
        best = np.take_along_axis(d, order, axis=1)
        keep = keep_rule(best[:, 0], best[:, 1], ratio)
        i = np.flatnonzero(keep)
        return np.column_stack([i, order[keep, 0]]).astype(np.int64), best[keep, 0]
    return ratio_test


_ratio_squared = _ratio_with(lambda a, b, r: a < r * b, lambda d: d ** 2)  # ratio on squared distances
_ratio_leq = _ratio_with(lambda a, b, r: a <= r * b)  # keeps exact ties (duplicates) at ratio 1


def _ratio_inverted(desc1, desc2, ratio=0.8):  # keeps the ambiguous matches instead
    return _ratio_with(lambda a, b, r: a >= r * b)(desc1, desc2, ratio)


def _ratio_wrong_direction(desc1, desc2, ratio=0.8):  # matches image 2 to image 1
    m, d = _ratio_with(lambda a, b, r: a < r * b)(desc2, desc1, ratio)
    order = np.argsort(m[:, 1], kind="stable")
    return m[order][:, ::-1].copy(), d[order]


def _ratio_second_index(desc1, desc2, ratio=0.8):  # returns the index of the second neighbour
    d = _dist(desc1, desc2)
    order = np.argsort(d, axis=1, kind="stable")[:, :2]
    best = np.take_along_axis(d, order, axis=1)
    keep = best[:, 0] < ratio * best[:, 1]
    i = np.flatnonzero(keep)
    return np.column_stack([i, order[keep, 1]]).astype(np.int64), best[keep, 0]


@pytest.mark.parametrize("wrong", [_ratio_squared, _ratio_leq, _ratio_inverted, _ratio_wrong_direction,
                                   _ratio_second_index])
def test_5_1_wrong_solutions_fail(wrong):
    assert not passes("5.1", wrong)


def _affine_first_three(src, dst):  # solves exactly on the first three pairs, ignores the rest
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    X = np.column_stack([src[:3], np.ones(3)])
    return np.vstack([np.linalg.solve(X, dst[:3]).T, [0, 0, 1]])


def _affine_transposed(src, dst):  # forgets to transpose the least-squares solution
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    X = np.column_stack([src, np.ones(len(src))])
    A = np.linalg.lstsq(X, dst, rcond=None)[0]  # (3, 2)
    M = np.eye(3)
    M[:2, :2] = A[:2, :2]
    M[:2, 2] = A[2]
    return M


def _affine_no_translation(src, dst):  # no column of ones: a linear map through the origin
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    A = np.linalg.lstsq(src, dst, rcond=None)[0].T
    M = np.eye(3)
    M[:2, :2] = A
    return M


def _affine_centroids(src, dst):  # translation from the centroids, but the linear part from raw coordinates
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    A = np.linalg.lstsq(src, dst, rcond=None)[0].T
    M = np.eye(3)
    M[:2, :2] = A
    M[:2, 2] = dst.mean(0) - A @ src.mean(0)
    return M


@pytest.mark.parametrize("wrong", [_affine_first_three, _affine_transposed, _affine_no_translation,
                                   _affine_centroids])
def test_5_2_wrong_solutions_fail(wrong):
    assert not passes("5.2", wrong)


def _dlt(src, dst, normalise):
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    ps, Ts = normalise(src)
    pd, Td = normalise(dst)
    rows = []
    for (x, y), (u, v) in zip(ps, pd):
        rows += [[-x, -y, -1, 0, 0, 0, u * x, u * y, u], [0, 0, 0, -x, -y, -1, v * x, v * y, v]]
    A = np.vstack([np.array(rows), np.zeros((max(0, 9 - len(rows)), 9))])
    H = np.linalg.inv(Td) @ np.linalg.svd(A)[2][-1].reshape(3, 3) @ Ts
    return H / H[2, 2]


def _no_normalisation(p):
    return p, np.eye(3)


def _rms_normalisation(p):  # RMS distance sqrt(2) instead of the mean distance
    c = p.mean(0)
    s = np.sqrt(2) / np.sqrt(((p - c) ** 2).sum(1).mean())
    return (p - c) * s, np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1]])


def _per_axis_normalisation(p):  # each axis scaled on its own (not isotropic)
    c, sd = p.mean(0), p.std(0)
    return (p - c) / sd, np.array([[1 / sd[0], 0, -c[0] / sd[0]], [0, 1 / sd[1], -c[1] / sd[1]], [0, 0, 1]])


def _homography_unnormalised(src, dst):
    return _dlt(src, dst, _no_normalisation)


def _homography_rms(src, dst):
    return _dlt(src, dst, _rms_normalisation)


def _homography_per_axis(src, dst):
    return _dlt(src, dst, _per_axis_normalisation)


def _homography_not_rescaled(src, dst):  # forgets H[2, 2] = 1
    H = SOLUTIONS.fit_homography(src, dst)
    return H / np.linalg.norm(H)


def _homography_swapped_rows(src, dst):  # u and v of the destination swapped in the equations
    return SOLUTIONS.fit_homography(src, np.asarray(dst, float)[:, ::-1])


def _homography_largest_singular(src, dst):  # takes the first right singular vector
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    rows = []
    for (x, y), (u, v) in zip(src, dst):
        rows += [[-x, -y, -1, 0, 0, 0, u * x, u * y, u], [0, 0, 0, -x, -y, -1, v * x, v * y, v]]
    H = np.linalg.svd(np.array(rows))[2][0].reshape(3, 3)
    return H / H[2, 2]


@pytest.mark.parametrize("wrong", [_homography_unnormalised, _homography_rms, _homography_per_axis,
                                   _homography_not_rescaled, _homography_swapped_rows,
                                   _homography_largest_singular])
def test_5_3_wrong_solutions_fail(wrong):
    assert not passes("5.3", wrong)


def test_5_3_unnormalised_dlt_passes_the_exact_cases_only():
    # the lesson of the exercise: without noise any DLT is exact; with noise in pixel
    # coordinates, only the normalised one gives the right least-squares answer
    ex = get_exercise("5.3")
    for case in ex.make_cases(0):
        got = to_arrays(_homography_unnormalised(*case.args))
        want = to_arrays(case.expected if case.expected is not None else ex.reference(*case.args))
        ok = compare(want, got, ex.rtol, ex.atol) is None
        assert ok == (case.expected is not None), case.name


def _ransac_variant(adaptive=True, refit=True, count_degenerate=True, strictly_better=True, rate_of="best"):
    """The instructor's RANSAC with one realistic mistake switched on."""
    def ransac_homography(src, dst, threshold_px=3.0, confidence=0.999, max_iters=10000, seed=0):
        src, dst = np.asarray(src, float), np.asarray(dst, float)
        n = len(src)
        rng = np.random.default_rng(seed)
        best_H, best_mask, best, needed, drawn, fitted = None, np.zeros(n, bool), 0, max_iters, 0, 0
        while (drawn if count_degenerate else fitted) < min(needed, max_iters):
            drawn += 1
            idx = rng.choice(n, size=4, replace=False)
            if geometry.is_degenerate_sample(src[idx], dst[idx]):
                continue
            fitted += 1
            H = geometry.fit_homography(src[idx], dst[idx])
            mask = geometry.transfer_error(H, src, dst) < threshold_px
            if mask.sum() > best or (not strictly_better and mask.sum() == best):
                best_H, best_mask, best = H, mask, int(mask.sum())
            if adaptive and best:
                w = best / n if rate_of == "best" else max(mask.sum(), 1) / n
                needed = geometry.ransac_iterations(w, 4, confidence)
        for _ in range(5 if refit else 0):
            H = geometry.fit_homography(src[best_mask], dst[best_mask])
            mask = geometry.transfer_error(H, src, dst) < threshold_px
            if mask.sum() < best:
                break
            changed = not np.array_equal(mask, best_mask)
            best_H, best_mask, best = H, mask, int(mask.sum())
            if not changed:
                break
        return best_H, best_mask, (drawn if count_degenerate else fitted)
    return ransac_homography


@pytest.mark.parametrize("wrong", [
    _ransac_variant(adaptive=False),            # always max_iters samples
    _ransac_variant(refit=False),               # returns the minimal-sample model
    _ransac_variant(rate_of="current"),         # N from the current sample's inlier ratio, not the best
    _ransac_variant(strictly_better=False),     # a tie replaces the best model
    _ransac_variant(count_degenerate=False),    # degenerate samples not counted as drawn
])
def test_5_4_wrong_solutions_fail(wrong):
    assert not passes("5.4", wrong)


def test_5_4_the_variant_without_mistakes_passes():
    # the helper above is sound: with no mistake switched on it is a correct solution
    assert passes("5.4", _ransac_variant())


def test_5_4_solution_agrees_with_the_library_on_a_real_pair():
    from imsearch import data
    if not data.have_dataset("cmp_homography_pairs"):
        pytest.skip("course data pack not available")
    pair = data.load_cmp_pair("Eiffel")
    src, dst = pair["matches"][:, 2:], pair["matches"][:, :2]
    H, mask, n = SOLUTIONS.ransac_homography(src, dst, 3.0, 0.99, 2000, 5)
    H_ref, mask_ref, n_ref = geometry.ransac_homography_counted(src, dst, 3.0, 0.99, 2000, 5)
    assert n == n_ref and np.array_equal(mask, mask_ref)
    np.testing.assert_allclose(H, H_ref, rtol=1e-9, atol=1e-12)


def _precision_first_failure(ratios, correct, precision=0.9):  # stops at the first threshold below the target
    order = np.argsort(ratios, kind="stable")
    r, c = np.asarray(ratios, float)[order], np.asarray(correct, bool)[order]
    best = 0.0
    for k in range(1, len(r) + 1):
        if c[:k].mean() < precision:
            break
        best = float(r[k - 1])
    return best


def _precision_strict(ratios, correct, precision=0.9):  # keeps ratio < t, and returns that t
    ratios, correct = np.asarray(ratios, float), np.asarray(correct, bool)
    best = 0.0
    for t in np.unique(ratios):
        kept = ratios < t
        if kept.any() and correct[kept].mean() >= precision:
            best = float(t)
    return best


def _precision_ties_split(ratios, correct, precision=0.9):  # ranks matches one by one, splitting ties
    order = np.argsort(ratios, kind="stable")
    r, c = np.asarray(ratios, float)[order], np.asarray(correct, bool)[order]
    prec = np.cumsum(c) / np.arange(1, len(c) + 1)
    ok = prec >= precision
    return float(r[ok].max()) if ok.any() else 0.0


def _precision_smallest(ratios, correct, precision=0.9):  # the smallest threshold reaching the target
    ratios, correct = np.asarray(ratios, float), np.asarray(correct, bool)
    for t in np.unique(ratios):
        if correct[ratios <= t].mean() >= precision:
            return float(t)
    return 0.0


@pytest.mark.parametrize("wrong", [_precision_first_failure, _precision_strict, _precision_ties_split,
                                   _precision_smallest])
def test_5_5_wrong_solutions_fail(wrong):
    assert not passes("5.5", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("5.1", lambda desc1, desc2, ratio=0.8: matching.ratio_test(desc1, desc2, ratio)),
    ("5.2", lambda src, dst: geometry.fit_affine(src, dst)),
    ("5.3", lambda src, dst: geometry.fit_homography(src, dst)),
    ("5.4", lambda src, dst, t, p, m, seed: geometry.ransac_homography_counted(src, dst, t, p, m, seed)),
    ("5.4", lambda src, dst, t, p, m, seed: geometry.ransac_homography(src, dst, t, p, m, seed) + (1,)),
    ("5.5", lambda r, c, p: matching.threshold_for_precision(r, c, p)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0 and result.status == "failed"
    assert "reference" in result.feedback


def test_a_detour_through_fit_model_is_caught():
    assert evaluate("5.3", lambda src, dst: geometry.fit_model(src, dst, "homography")).points == 0
    assert evaluate("5.2", lambda src, dst: geometry.fit_model(src, dst, "affine")).points == 0


def test_other_library_functions_may_be_used():
    # normalize_points is not the reference of 5.3: a DLT built on it earns the points
    def fit_homography(src, dst):
        ps, Ts = geometry.normalize_points(src)
        pd, Td = geometry.normalize_points(dst)
        H = np.linalg.inv(Td) @ _dlt(ps, pd, _no_normalisation) @ Ts
        return H / H[2, 2]

    r = evaluate("5.3", fit_homography)
    assert r.status == "passed", r.feedback


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


def test_feedback_names_the_failing_case():
    result = evaluate("5.5", _precision_smallest)
    assert "case '" in result.feedback and "expected" in result.feedback

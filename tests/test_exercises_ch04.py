"""Chapter 4 exercises: the instructor solutions pass, realistic mistakes fail, shortcuts earn nothing."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter, maximum_filter

from imsearch import features
from imsearch.grading.checks import all_exercises, evaluate, get_exercise

from exercise_helpers import load_solutions, passes

IDS = ["4.1", "4.2", "4.3", "4.4", "4.5"]


SOLUTIONS = load_solutions(4)


# ----------------------------------------------------------------------------- (a) solutions pass


def test_the_chapter_s_exercises():
    assert [e.id for e in all_exercises() if e.chapter == 4] == IDS


# ----------------------------------------------------------------------------- (b) wrong solutions fail

def _tensor(gray, sd, si, normalise=True):
    g = np.asarray(gray, dtype=float)
    ix, iy = gaussian_filter(g, sd, order=(0, 1)), gaussian_filter(g, sd, order=(1, 0))
    s2 = sd ** 2 if normalise else 1.0
    return (s2 * gaussian_filter(ix * ix, si), s2 * gaussian_filter(ix * iy, si), s2 * gaussian_filter(iy * iy, si))


def _harris_no_normalisation(gray, sigma_d, sigma_i, k):  # forgets the σ_d² factor
    a, b, c = _tensor(gray, sigma_d, sigma_i, normalise=False)
    return a * c - b * b - k * (a + c) ** 2


def _harris_trace_not_squared(gray, sigma_d, sigma_i, k):
    a, b, c = _tensor(gray, sigma_d, sigma_i)
    return a * c - b * b - k * (a + c)


def _harris_swapped_scales(gray, sigma_d, sigma_i, k):  # derivatives at σ_i, integration at σ_d
    a, b, c = _tensor(gray, sigma_i, sigma_d)
    s = (sigma_d / sigma_i) ** 2
    return s * s * (a * c - b * b - k * (a + c) ** 2)


def _harris_no_integration(gray, sigma_d, sigma_i, k):  # products not averaged over the window
    g = np.asarray(gray, dtype=float)
    ix, iy = gaussian_filter(g, sigma_d, order=(0, 1)), gaussian_filter(g, sigma_d, order=(1, 0))
    a, b, c = sigma_d ** 2 * ix * ix, sigma_d ** 2 * ix * iy, sigma_d ** 2 * iy * iy
    return a * c - b * b - k * (a + c) ** 2


def _harris_xy_swapped_axes(gray, sigma_d, sigma_i, k):  # np.gradient-style finite differences
    g = np.asarray(gray, dtype=float)
    gs = gaussian_filter(g, sigma_d)
    iy, ix = np.gradient(gs)
    a = sigma_d ** 2 * gaussian_filter(ix * ix, sigma_i)
    b = sigma_d ** 2 * gaussian_filter(ix * iy, sigma_i)
    c = sigma_d ** 2 * gaussian_filter(iy * iy, sigma_i)
    return a * c - b * b - k * (a + c) ** 2


@pytest.mark.parametrize("wrong", [_harris_no_normalisation, _harris_trace_not_squared, _harris_swapped_scales,
                                   _harris_no_integration, _harris_xy_swapped_axes])
def test_4_1_wrong_solutions_fail(wrong):
    assert not passes("4.1", wrong)


def _maxima_strict(response, threshold):  # strictly greater than the neighbours: plateaus vanish
    r = np.asarray(response, dtype=float)
    fp = np.ones((3, 3), bool)
    fp[1, 1] = False
    return (r > maximum_filter(r, footprint=fp, mode="constant", cval=-np.inf)) & (r > threshold)


def _maxima_no_border(response, threshold):  # skimage's exclude_border habit: border pixels never kept
    r = np.asarray(response, dtype=float)
    out = (r >= maximum_filter(r, size=3, mode="constant", cval=-np.inf)) & (r > threshold)
    out[0], out[-1], out[:, 0], out[:, -1] = False, False, False, False
    return out


def _maxima_at_least_threshold(response, threshold):  # >= threshold
    r = np.asarray(response, dtype=float)
    return (r >= maximum_filter(r, size=3, mode="constant", cval=-np.inf)) & (r >= threshold)


def _maxima_5x5(response, threshold):  # a 5×5 window
    r = np.asarray(response, dtype=float)
    return (r >= maximum_filter(r, size=5, mode="constant", cval=-np.inf)) & (r > threshold)


def _maxima_wrap(response, threshold):  # np.roll wraps around the image borders
    r = np.asarray(response, dtype=float)
    keep = r > threshold
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy or dx:
                keep &= r >= np.roll(np.roll(r, dy, 0), dx, 1)
    return keep


@pytest.mark.parametrize("wrong", [_maxima_strict, _maxima_no_border, _maxima_at_least_threshold, _maxima_5x5,
                                   _maxima_wrap])
def test_4_2_wrong_solutions_fail(wrong):
    assert not passes("4.2", wrong)


def _project(H, p):
    q = np.c_[p, np.ones(len(p))] @ np.asarray(H, float).T
    return q[:, :2] / q[:, 2:3]


def _inside(p, shape):
    return (p[:, 0] >= 0) & (p[:, 0] <= shape[1] - 1) & (p[:, 1] >= 0) & (p[:, 1] <= shape[0] - 1)


def _rep_no_common_part(pts1, pts2, H, shape1, shape2, eps_px):  # counts every point
    d = np.linalg.norm(_project(H, pts1)[:, None] - np.asarray(pts2)[None], axis=-1)
    return min(np.sum(d.min(axis=1) <= eps_px), np.sum(d.min(axis=0) <= eps_px)) / min(len(pts1), len(pts2))


def _rep_not_one_to_one(pts1, pts2, H, shape1, shape2, eps_px):  # a point may match several
    p1 = _project(H, pts1)
    k1, k2 = _inside(p1, shape2), _inside(_project(np.linalg.inv(H), pts2), shape1)
    n = min(k1.sum(), k2.sum())
    if n == 0:
        return 0.0
    d = np.linalg.norm(p1[k1][:, None] - np.asarray(pts2)[k2][None], axis=-1)
    return np.sum(d.min(axis=1) <= eps_px) / n


def _rep_divide_by_max(pts1, pts2, H, shape1, shape2, eps_px):
    n1 = _inside(_project(H, pts1), shape2).sum()
    n2 = _inside(_project(np.linalg.inv(H), pts2), shape1).sum()
    r = SOLUTIONS.repeatability(pts1, pts2, H, shape1, shape2, eps_px)
    return r * min(n1, n2) / max(n1, n2) if max(n1, n2) else 0.0


def _rep_inverse_h(pts1, pts2, H, shape1, shape2, eps_px):  # maps with H⁻¹: the wrong direction
    return SOLUTIONS.repeatability(pts1, pts2, np.linalg.inv(H), shape1, shape2, eps_px)


def _rep_shape_as_xy(pts1, pts2, H, shape1, shape2, eps_px):  # treats (H, W) as (W, H)
    return SOLUTIONS.repeatability(pts1, pts2, H, shape1[::-1], shape2[::-1], eps_px)


@pytest.mark.parametrize("wrong", [_rep_no_common_part, _rep_not_one_to_one, _rep_divide_by_max, _rep_inverse_h,
                                   _rep_shape_as_xy])
def test_4_3_wrong_solutions_fail(wrong):
    assert not passes("4.3", wrong)


def _hist_hard_bins(magnitude, orientation_rad, n_cells=4, n_bins=8):  # no interpolation between bins
    th = np.mod(orientation_rad, 2 * np.pi)
    b = np.round(th * n_bins / (2 * np.pi)).astype(int) % n_bins
    return SOLUTIONS.orientation_histograms(magnitude, b * 2 * np.pi / n_bins, n_cells, n_bins)


def _hist_orientation_major(magnitude, orientation_rad, n_cells=4, n_bins=8):  # bins outermost
    h = SOLUTIONS.orientation_histograms(magnitude, orientation_rad, n_cells, n_bins)
    return h.reshape(n_cells * n_cells, n_bins).T.ravel()


def _hist_transposed_cells(magnitude, orientation_rad, n_cells=4, n_bins=8):  # (column, row) cell order
    return SOLUTIONS.orientation_histograms(np.asarray(magnitude).T, np.asarray(orientation_rad).T, n_cells, n_bins)


def _hist_degrees(magnitude, orientation_rad, n_cells=4, n_bins=8):  # no wrap of negative angles
    th = np.asarray(orientation_rad, dtype=float)
    th = np.where(th < 0, 0.0, np.minimum(th, 2 * np.pi - 1e-9))
    return SOLUTIONS.orientation_histograms(magnitude, th, n_cells, n_bins)


def _hist_normalised(magnitude, orientation_rad, n_cells=4, n_bins=8):  # normalises like the descriptor
    h = SOLUTIONS.orientation_histograms(magnitude, orientation_rad, n_cells, n_bins)
    return h / np.linalg.norm(h)


@pytest.mark.parametrize("wrong", [_hist_hard_bins, _hist_orientation_major, _hist_transposed_cells, _hist_degrees,
                                   _hist_normalised])
def test_4_4_wrong_solutions_fail(wrong):
    assert not passes("4.4", wrong)


# ----------------------------------------------------------------------------- (c) calling the reference

@pytest.mark.parametrize("ex_id,cheat", [
    ("4.1", lambda gray, sigma_d, sigma_i, k: features.harris_response(gray, sigma_d, sigma_i, k)),
    ("4.2", lambda response, threshold: features.local_maxima(response, threshold)),
    ("4.3", lambda p1, p2, H, s1, s2, eps: features.repeatability(p1, p2, H, s1, s2, eps)),
    ("4.4", lambda m, o, n_cells=4, n_bins=8: features.orientation_histograms(m, o, n_cells, n_bins)),
    ("4.5", lambda k: features.corner_ratio_threshold(k)),
])
def test_calling_the_reference_earns_nothing(ex_id, cheat):
    result = evaluate(ex_id, cheat)
    assert result.points == 0
    assert result.status == "failed"
    assert "reference" in result.feedback


def test_the_library_s_other_functions_stay_allowed():
    # harris_corners is not hidden (it is neither the reference nor a sibling), so a solution of 4.2 may
    # use other library functions freely; here: the structure tensor for 4.1
    def uses_structure_tensor(gray, sigma_d, sigma_i, k):
        a, b, c = features.structure_tensor(gray, sigma_d, sigma_i)
        return a * c - b * b - k * (a + c) ** 2
    assert passes("4.1", uses_structure_tensor)


# ----------------------------------------------------------------------------- (d) stubs


# ----------------------------------------------------------------------------- (e) closed forms agree


def test_the_corner_case_has_a_positive_response_at_the_corner():
    # the square's corner at (8, 8): R > 0 there, R < 0 on its edges, R ≈ 0 in flat areas
    case = get_exercise("4.1").make_cases(0)[2]
    r = SOLUTIONS.harris_response(*case.args)
    assert r[8, 8] > 0 and r[8, 8] == pytest.approx(r[4:13, 4:13].max(), rel=0.5)
    assert r[16, 8] < 0 and r[8, 16] < 0
    assert abs(r[20, 20]) < 1e-3 * r[8, 8] and abs(r[2, 2]) < 1e-3 * r[8, 8]


# ----------------------------------------------------------------------------- 4.5: explain with a number

def _ratio_naive(k):  # "λ2 must be k times λ1"
    return k


def _ratio_larger_root(k):  # the other root of the quadratic: 1 / r_k, above 1
    return float(np.max(np.roots([k, 2 * k - 1, k]).real)) if k else 0.0


def _ratio_trace_not_squared(k):  # R = λ1 λ2 - k (λ1 + λ2): no square, so r/(1 + r) > k/λ1 ... taken with λ1 = 1
    return k / (1 - k)


def _ratio_4k(k):  # from R ≈ λ1 λ2 - k λ1² when λ2 << λ1, forgetting the 2 λ1 λ2 term: r = k, then doubled twice
    return 4 * k


@pytest.mark.parametrize("wrong", [_ratio_naive, _ratio_larger_root, _ratio_trace_not_squared, _ratio_4k])
def test_4_5_wrong_answers_fail(wrong):
    assert not passes("4.5", wrong)


def test_4_5_a_numerical_search_passes():
    def search(k):
        r = np.linspace(0, 1, 2_000_001)
        return float(r[np.argmax(r - k * (1 + r) ** 2 > 0)]) if k else 0.0
    assert passes("4.5", search)


"""imsearch.signal.distortion: MSE and PSNR (chapter 1), re-exported by imsearch.eval."""
import numpy as np
import pytest

from imsearch import eval, signal


def test_eval_exports_the_same_functions():
    assert eval.psnr is signal.psnr and eval.mse is signal.mse


def test_psnr_closed_form_of_a_constant_offset_and_uint8_wraparound():
    a = np.full((4, 5, 3), 200, np.uint8)
    b = a - np.uint8(10)                       # every pixel off by 10 gray levels: MSE 100
    assert signal.mse(a, b) == 100.0 and signal.mse(b, a) == 100.0
    assert signal.psnr(a, b) == pytest.approx(10 * np.log10(255 ** 2 / 100))
    assert signal.psnr(a, a) == float("inf")
    assert signal.psnr(a / 255, b / 255) == pytest.approx(signal.psnr(a, b))


def test_psnr_bad_inputs():
    with pytest.raises(TypeError, match="both be integer or both be float"):
        signal.psnr(np.zeros(3, np.uint8), np.zeros(3))
    with pytest.raises(ValueError, match="data_range"):
        signal.psnr(np.zeros(3), np.ones(3), data_range=0)

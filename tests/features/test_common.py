"""imsearch.features._common: Conventions and small helpers shared by the local-feature modules (chapters 4–5)."""
import numpy as np
import scipy.ndimage as ndi

from imsearch.features import _common


def test_gaussian_filtering_equals_scipy():
    img = np.random.default_rng(0).random((23, 31))
    for s in (0.4, 1.0, 3.3, 9.0):
        for order in ((0, 0), (0, 1), (1, 0), (2, 0), (0, 2)):
            np.testing.assert_allclose(_common._gaussian(img, s, order), ndi.gaussian_filter(img, s, order=order),
                                       rtol=0, atol=1e-13)

"""Embedded photos: the pictures that installed packages ship (scikit-image, scikit-learn, matplotlib).

They load offline, always (:func:`list_default_images`, :func:`load_default_image`), and
stand in for the data pack when it is missing.
"""
from __future__ import annotations


from pathlib import Path

import numpy as np



# --------------------------------------------------------------------------------------
# Embedded photos (offline, always available)
# --------------------------------------------------------------------------------------

# scikit-image photos stored inside the package. The others (brain, cells3d, eagle,
# human_mitosis, kidney, lily, nickel_solidification, palisades_of_vogt,
# protein_transport, skin, vortex) are downloaded on first use, so they are not listed.
_SKIMAGE_IMAGES = (
    "astronaut", "brick", "camera", "cat", "chelsea", "clock", "coffee", "coins", "colorwheel",
    "grass", "gravel", "horse", "hubble_deep_field", "immunohistochemistry", "logo",
    "microaneurysms", "moon", "page", "retina", "rocket", "text",
)
_SKLEARN_IMAGES = ("china", "flower")
_MATPLOTLIB_IMAGES = ("grace_hopper",)


def list_default_images() -> list[str]:
    """Names of the embedded photos, which load offline with :func:`load_default_image`.

    Returns
    -------
    list of str
        scikit-image's bundled photos (``astronaut`` ... ``text``), scikit-learn's
        ``china`` and ``flower``, and matplotlib's ``grace_hopper``, in that order.
    """
    return list(_SKIMAGE_IMAGES + _SKLEARN_IMAGES + _MATPLOTLIB_IMAGES)


def load_default_image(name: str) -> np.ndarray:
    """Load an embedded photo by name as an RGB ``uint8`` image.

    Grayscale photos (``camera``, ``moon``...) are replicated to three equal channels,
    the binary ``horse`` becomes 0/255, and the RGBA ``logo`` is composited over white.

    Parameters
    ----------
    name : str
        One of :func:`list_default_images`.

    Returns
    -------
    (H, W, 3) uint8 array
        A fresh array (the caller may modify it).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name in _SKIMAGE_IMAGES:
        import skimage.data

        image = getattr(skimage.data, name)()
    elif name in _SKLEARN_IMAGES:
        from sklearn.datasets import load_sample_image

        image = load_sample_image(name + ".jpg")
    elif name in _MATPLOTLIB_IMAGES:
        from matplotlib import cbook

        with cbook.get_sample_data(name + ".jpg") as f:
            image = _decode(f.read(), name + ".jpg")
    else:
        raise ValueError(f"name must be one of {list_default_images()}, got {name!r}")
    return _as_rgb_uint8(np.asarray(image), name)


def _as_rgb_uint8(image: np.ndarray, what: str) -> np.ndarray:
    """Convert a decoded image (gray, RGB or RGBA; bool, uint8 or uint16) to (H, W, 3) uint8 RGB."""
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    elif image.dtype == np.uint16:
        image = ((image.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ValueError(f"{what}: unsupported image dtype {image.dtype}")
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 1:
        return np.repeat(image, 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image)
    if image.ndim == 3 and image.shape[2] == 4:
        # Composite over a white background: out = alpha * rgb + (1 - alpha) * 255.
        rgb = image[:, :, :3].astype(np.float64)
        alpha = image[:, :, 3:4].astype(np.float64) / 255.0
        return np.round(alpha * rgb + (1.0 - alpha) * 255.0).astype(np.uint8)
    raise ValueError(f"{what}: unsupported image shape {image.shape}")


def _decode(data: bytes, what: str) -> np.ndarray:
    """Decode PNG/JPEG bytes to (H, W, 3) uint8 RGB with OpenCV."""
    import cv2

    buf = np.frombuffer(data, dtype=np.uint8)
    # PNG may carry alpha or 16 bits, so read it unchanged; JPEG is read as color
    # (which also applies the EXIF orientation, and replicates gray to 3 channels).
    png = data[:8] == b"\x89PNG\r\n\x1a\n"
    image = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED if png else cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{what}: could not decode the image")
    if image.ndim == 3 and image.shape[2] == 3:
        image = image[:, :, ::-1]  # BGR -> RGB
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, [2, 1, 0, 3]]  # BGRA -> RGBA
    return _as_rgb_uint8(image, what)


def _read_image(path: Path) -> np.ndarray:
    return _decode(path.read_bytes(), path.name)

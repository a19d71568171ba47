"""Shared input checks, so that every error in the library reads the same way.

Each helper raises ``TypeError`` for a wrong type or dtype and ``ValueError`` for a
wrong shape, size or value, naming the argument and what was expected, e.g.
``ValueError: image must have shape (H, W) or (H, W, 3), got (5,)``.
"""
from __future__ import annotations


import numbers

import numpy as np


def _kind_name(kinds: str) -> str:
    names = {"b": "bool", "i": "signed int", "u": "unsigned int", "f": "float", "c": "complex"}
    return " or ".join(names.get(k, k) for k in kinds)


def check_array(x, name: str, *, ndim=None, shape=None, kinds: str = "biuf",
                allow_empty: bool = False, finite: bool = True,
                min_value=None, max_value=None) -> np.ndarray:
    """Return ``x`` as an ndarray after checking its type, dimensions, size and values.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in the error message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : tuple, optional
        Expected shape; ``None`` entries match any length.
    kinds : str
        Allowed dtype kinds (numpy ``dtype.kind`` letters), default bool/int/float.
    allow_empty : bool
        Whether a zero-size array is accepted.
    finite : bool
        Reject NaN and infinity (float arrays only).
    min_value, max_value : float, optional
        Inclusive bounds on every element.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it already is an ndarray (no copy).
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype.kind not in kinds:
        raise TypeError(f"{name} must have a {_kind_name(kinds)} dtype, got {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite and arr.dtype.kind in "fc" and arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    if arr.size and min_value is not None and arr.min() < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got a minimum of {arr.min()}")
    if arr.size and max_value is not None and arr.max() > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got a maximum of {arr.max()}")
    return arr


def check_image(image, name: str = "image", *, gray: bool = True, color: bool = True) -> np.ndarray:
    """Check a library image: ``(H, W)`` and/or ``(H, W, 3)``, ``uint8`` or float in ``[0, 1]``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 or float array
    name : str
        Argument name for error messages.
    gray, color : bool
        Whether grayscale ``(H, W)`` and color ``(H, W, 3)`` images are accepted.

    Returns
    -------
    numpy.ndarray
        The image, unchanged.
    """
    if isinstance(image, (str, bytes)) or image is None:
        raise TypeError(f"{name} must be an image array, got {type(image).__name__}")
    arr = np.asarray(image)
    want = " or ".join(s for s, ok in (("(H, W)", gray), ("(H, W, 3)", color)) if ok)
    ok_shape = (gray and arr.ndim == 2) or (color and arr.ndim == 3 and arr.shape[2] == 3)
    if not ok_shape:
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if arr.dtype == np.uint8:
        pass
    elif arr.dtype.kind == "f":
        if arr.size and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
        if arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
            raise ValueError(f"{name} is float, so its values must lie in [0, 1], got [{arr.min():.4g}, {arr.max():.4g}]")
    else:
        raise TypeError(f"{name} must be uint8 or float in [0, 1], got dtype {arr.dtype}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def check_int(value, name: str, *, minimum=None, maximum=None) -> int:
    """Check that ``value`` is an integer (not a bool) within inclusive bounds; return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_number(value, name: str, *, minimum=None, maximum=None,
                 strict_min: bool = False, strict_max: bool = False) -> float:
    """Check that ``value`` is a finite real number within bounds; return it as ``float``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and (value <= minimum if strict_min else value < minimum):
        raise ValueError(f"{name} must be {'>' if strict_min else '>='} {minimum}, got {value}")
    if maximum is not None and (value >= maximum if strict_max else value > maximum):
        raise ValueError(f"{name} must be {'<' if strict_max else '<='} {maximum}, got {value}")
    return value


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str = "a", name_b: str = "b") -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def as_rng(seed) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from an int seed, a Generator, or ``None`` (fixed seed 0).

    ``None`` maps to seed 0, not to fresh entropy, so that the course prints the same
    numbers on every run.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(0)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))

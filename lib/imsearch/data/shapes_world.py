"""A generated world of captioned images, small enough to train CLIP in a minute (chapter 10, Part A).

Each image shows one shape (circle, square, triangle, cross) of one colour, small or
large, at one of five places, on a textured background (stripes of a random greyish
colour, orientation and frequency, plus noise). Its caption comes from a small grammar
that names the colour and the shape (a few captions only one of them) and often the size
and the place, in one of several word orders ("a large green triangle on the left", "on the left, a green
triangle", "there is a small red circle in the middle"...). Captions therefore compose
attributes, and :func:`make_shapes_world` can leave colour-shape combinations out of a
training set (:data:`HELD_OUT`) so that a test can ask whether a model trained on
"green circles" and "red triangles" recognises a "green triangle" it never saw: the
zero-shot question of CLIP (Radford et al., ICML 2021) in miniature.

numpy only; every image and caption comes from the ``seed``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .._util.validation import as_rng, check_array, check_int

__all__ = ["COLORS", "HELD_OUT", "POSITIONS", "SHAPES", "SIZES", "VOCABULARY", "ShapesWorld", "attribute_names", "caption_for",
           "combination_mask", "make_shapes_world", "render_shape", "tokenize"]

#: Colour names and their RGB values (0-255).
COLORS = {"red": (215, 40, 40), "green": (40, 165, 60), "blue": (45, 85, 225), "yellow": (235, 210, 40),
          "purple": (150, 60, 190), "orange": (245, 135, 25)}
SHAPES = ("circle", "square", "triangle", "cross")
#: Size names and the shape's radius as a fraction of the image side (drawn uniformly in the range).
SIZES = {"small": (0.13, 0.17), "large": (0.27, 0.33)}
#: Place names, their phrase in captions and the centre (x, y) as fractions of the side.
POSITIONS = {"left": ("on the left", (0.3, 0.5)), "right": ("on the right", (0.7, 0.5)),
             "top": ("at the top", (0.5, 0.3)), "bottom": ("at the bottom", (0.5, 0.7)),
             "middle": ("in the middle", (0.5, 0.5))}
#: Colour-shape combinations left out of the training set for the zero-shot test: every colour
#: and every shape still appears in training, in other combinations.
HELD_OUT = (("green", "triangle"), ("red", "circle"), ("blue", "cross"), ("yellow", "square"),
            ("purple", "triangle"), ("orange", "circle"))

_TEMPLATES = ("a {size} {color} {shape} {where}", "{where}, a {size} {color} {shape}", "a {color} {shape} {where}",
              "a {size} {color} {shape}", "there is a {size} {color} {shape} {where}", "a {color} {shape}",
              "{where} there is a {color} {shape}", "a {shape} in {color}, {size}, {where}",
              "a {size} {shape} {where}", "something {color} {where}", "a {shape}", "something {color}")
#: Every word a caption can contain; token 0 is padding, 1 an unknown word.
VOCABULARY = ("<pad>", "<unk>") + tuple(sorted(
    set(" ".join(_TEMPLATES).replace(",", " ").split()) - {"{size}", "{color}", "{shape}", "{where}"}
    | {"an"} | set(COLORS) | set(SHAPES) | set(SIZES) | {w for p, _ in POSITIONS.values() for w in p.split()}))
_INDEX = {w: i for i, w in enumerate(VOCABULARY)}


@dataclass(frozen=True)
class ShapesWorld:
    """A set of generated captioned images.

    Attributes
    ----------
    images : (N, S, S, 3) uint8
    captions : list of str
    color, shape, size, position : (N,) int64
        Index into ``list(COLORS)``, ``SHAPES``, ``list(SIZES)``, ``list(POSITIONS)``.
    """

    images: np.ndarray
    captions: list
    color: np.ndarray
    shape: np.ndarray
    size: np.ndarray
    position: np.ndarray

    def __len__(self) -> int:
        return len(self.captions)

    def subset(self, indices) -> ShapesWorld:
        """The images at ``indices`` (an int array or a boolean mask)."""
        idx = np.flatnonzero(indices) if np.asarray(indices).dtype == bool else np.asarray(indices, np.int64)
        return ShapesWorld(self.images[idx], [self.captions[i] for i in idx], self.color[idx], self.shape[idx],
                           self.size[idx], self.position[idx])


def _background(side: int, rng: np.random.Generator) -> np.ndarray:
    """Greyish stripes of random orientation, frequency and phase, plus noise: (side, side, 3) float 0-255."""
    y, x = np.mgrid[0:side, 0:side] / side
    angle, freq, phase = rng.uniform(0, np.pi), rng.uniform(2, 6), rng.uniform(0, 2 * np.pi)
    stripes = np.sin(2 * np.pi * freq * (x * np.cos(angle) + y * np.sin(angle)) + phase)
    base = rng.uniform(70, 190) + rng.uniform(-20, 20, 3)       # a dull tint
    contrast = rng.uniform(5, 30)
    bg = base[None, None, :] + contrast * stripes[..., None] + rng.normal(0, 8, (side, side, 3))
    return bg


def _mask(shape: str, side: int, centre, radius: float) -> np.ndarray:
    """Coverage (0-1) of one shape, supersampled 2 × 2: (side, side) float."""
    s = 2
    y, x = (np.mgrid[0:side * s, 0:side * s] + 0.5) / (side * s)
    dx, dy = x - centre[0], y - centre[1]
    r = radius
    if shape == "circle":
        m = dx ** 2 + dy ** 2 <= r ** 2
    elif shape == "square":
        m = (np.abs(dx) <= 0.8 * r) & (np.abs(dy) <= 0.8 * r)
    elif shape == "triangle":                                    # apex up, base at dy = 0.8 r
        m = (dy <= 0.8 * r) & (np.abs(dx) <= (dy + r) / 1.8 * 1.1)
    elif shape == "cross":
        m = ((np.abs(dx) <= 0.3 * r) & (np.abs(dy) <= r)) | ((np.abs(dy) <= 0.3 * r) & (np.abs(dx) <= r))
    else:
        raise ValueError(f"shape must be one of {list(SHAPES)}, got {shape!r}")
    return m.reshape(side, s, side, s).mean(axis=(1, 3))


def render_shape(color: str, shape: str, size: str, position: str, side_px: int = 32, seed=0) -> np.ndarray:
    """Draw one image of the world.

    Parameters
    ----------
    color, shape, size, position : str
        Keys of :data:`COLORS`, :data:`SHAPES`, :data:`SIZES`, :data:`POSITIONS`.
    side_px : int >= 16
    seed : int or numpy.random.Generator
        Background, exact radius, small offsets of the centre, a brightness jitter.

    Returns
    -------
    (side_px, side_px, 3) uint8
    """
    for name, value, allowed in (("color", color, COLORS), ("shape", shape, SHAPES), ("size", size, SIZES),
                                 ("position", position, POSITIONS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    side = check_int(side_px, "side_px", minimum=16)
    rng = as_rng(seed)
    bg = _background(side, rng)
    radius = rng.uniform(*SIZES[size])
    cx, cy = np.asarray(POSITIONS[position][1]) + rng.uniform(-0.05, 0.05, 2)
    cx, cy = np.clip([cx, cy], radius, 1 - radius)
    cover = _mask(shape, side, (cx, cy), radius)[..., None]
    rgb = np.clip(np.asarray(COLORS[color], float) * rng.uniform(0.85, 1.1) + rng.normal(0, 6, (side, side, 3)), 0, 255)
    return np.clip(np.rint(cover * rgb + (1 - cover) * bg), 0, 255).astype(np.uint8)


def caption_for(color: str, shape: str, size: str, position: str, seed=0) -> str:
    """A caption of one image from the grammar (one of several templates, chosen by ``seed``).

    Most captions name the colour and the shape, and often the size and the place; a few
    name only the shape or only the colour ("a small triangle on the left", "something green"),
    as real captions leave things out.
    """
    rng = as_rng(seed)
    t = _TEMPLATES[int(rng.integers(len(_TEMPLATES)))]
    text = t.format(size=size, color=color, shape=shape, where=POSITIONS[position][0])
    return re.sub(r"\ba (?=[aeiou])", "an ", text)


def _combinations(exclude):
    colors, shapes = list(COLORS), list(SHAPES)
    bad = [pair for pair in exclude if tuple(pair) not in {(c, s) for c in colors for s in shapes}]
    if bad:
        raise ValueError(f"exclude must hold (color, shape) pairs of the world, got {bad}")
    ex = {tuple(p) for p in exclude}
    return [(ci, si) for ci, c in enumerate(colors) for si, s in enumerate(shapes) if (c, s) not in ex]


def make_shapes_world(n: int, side_px: int = 32, seed=0, exclude=()) -> ShapesWorld:
    """Generate ``n`` captioned images.

    Parameters
    ----------
    n : int >= 1
    side_px : int >= 16
    seed : int or numpy.random.Generator
    exclude : sequence of (color, shape)
        Combinations never drawn (e.g. :data:`HELD_OUT` for a training set).

    Returns
    -------
    ShapesWorld
        Colour-shape combinations are drawn uniformly among those allowed; size and place
        uniformly.
    """
    n = check_int(n, "n", minimum=1)
    rng = as_rng(seed)
    combos = _combinations(exclude)
    colors, sizes, places = list(COLORS), list(SIZES), list(POSITIONS)
    pick = rng.integers(len(combos), size=n)
    color = np.array([combos[i][0] for i in pick], np.int64)
    shape = np.array([combos[i][1] for i in pick], np.int64)
    size = rng.integers(len(sizes), size=n)
    position = rng.integers(len(places), size=n)
    images = np.empty((n, side_px, side_px, 3), np.uint8)
    captions = []
    for i in range(n):
        args = (colors[color[i]], SHAPES[shape[i]], sizes[size[i]], places[position[i]])
        images[i] = render_shape(*args, side_px=side_px, seed=rng)
        captions.append(caption_for(*args, seed=rng))
    return ShapesWorld(images, captions, color, shape, size.astype(np.int64), position.astype(np.int64))


def combination_mask(world: ShapesWorld, combinations=HELD_OUT) -> np.ndarray:
    """Which images show one of the given colour-shape combinations: an (N,) bool array."""
    _check_world(world)
    _combinations(combinations)           # validates the names
    colors = list(COLORS)
    wanted = {(colors.index(c), SHAPES.index(s)) for c, s in combinations}
    return np.array([(int(c), int(s)) in wanted for c, s in zip(world.color, world.shape)], bool)


def tokenize(texts, length: int = 12) -> np.ndarray:
    """Word indices into :data:`VOCABULARY`, padded with 0 (``<pad>``) or cut to ``length``.

    Parameters
    ----------
    texts : str or sequence of str
        Lower-cased and split on spaces and punctuation; unknown words get 1 (``<unk>``).
    length : int >= 1

    Returns
    -------
    (N, length) int64
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts must be a non-empty sequence of str")
    length = check_int(length, "length", minimum=1)
    out = np.zeros((len(texts), length), np.int64)
    for i, t in enumerate(texts):
        ids = [_INDEX.get(w, 1) for w in re.findall(r"[a-z<>]+", t.lower())][:length]
        out[i, :len(ids)] = ids
    return out


def attribute_names(world: ShapesWorld, i: int) -> tuple:
    """(color, shape, size, position) names of image ``i``."""
    i = check_int(i, "i", minimum=0, maximum=len(world) - 1)
    return (list(COLORS)[world.color[i]], SHAPES[world.shape[i]], list(SIZES)[world.size[i]],
            list(POSITIONS)[world.position[i]])


def _check_world(world):
    if not isinstance(world, ShapesWorld):
        raise TypeError(f"world must be a ShapesWorld, got {type(world).__name__}")
    check_array(world.images, "world.images", ndim=4, kinds="u")

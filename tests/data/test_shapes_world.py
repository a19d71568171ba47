"""The generated captioned world of chapter 10: deterministic, balanced, captions match pixels, held-out pairs."""
import numpy as np
import pytest
from imsearch import data


def test_same_seed_same_world_and_different_seed_different_world():
    a, b = data.make_shapes_world(40, seed=3), data.make_shapes_world(40, seed=3)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.captions == b.captions
    c = data.make_shapes_world(40, seed=4)
    assert not np.array_equal(a.images, c.images)


def test_images_and_attributes_have_the_documented_shapes():
    w = data.make_shapes_world(30, side_px=32, seed=0)
    assert w.images.shape == (30, 32, 32, 3) and w.images.dtype == np.uint8
    for attr, n in (("color", len(data.COLORS)), ("shape", len(data.SHAPES)), ("size", len(data.SIZES)),
                    ("position", len(data.POSITIONS))):
        v = getattr(w, attr)
        assert v.shape == (30,) and v.min() >= 0 and v.max() < n


def test_every_caption_names_only_the_attributes_of_its_image():
    w = data.make_shapes_world(200, seed=1)
    for i, cap in enumerate(w.captions):
        color, shape, size, position = data.attribute_names(w, i)
        words = set(cap.replace(",", " ").split())
        assert color in words or shape in words
        assert not (words & set(data.COLORS)) - {color}
        assert not (words & set(data.SHAPES)) - {shape}
        assert not (words & set(data.SIZES)) - {size}
        place_words = {p.split()[-1] for p, _ in data.POSITIONS.values()}
        assert not (words & place_words) - {data.POSITIONS[position][0].split()[-1]}


def test_the_shape_has_its_colour_and_sits_where_the_caption_says():
    # on a plain measurement: the pixels closest to the named colour lie on the named side
    for position, (_, (cx, cy)) in data.POSITIONS.items():
        im = data.render_shape("blue", "square", "small", position, side_px=64, seed=0).astype(float)
        blue = np.linalg.norm(im - np.array(data.COLORS["blue"]), axis=2) < 60
        ys, xs = np.nonzero(blue)
        assert len(xs) > 50
        assert abs(xs.mean() / 64 - cx) < 0.1 and abs(ys.mean() / 64 - cy) < 0.1


def test_large_shapes_cover_more_pixels_than_small_ones():
    area = {}
    for size in data.SIZES:
        im = data.render_shape("red", "circle", size, "middle", side_px=64, seed=2).astype(float)
        area[size] = (np.linalg.norm(im - np.array(data.COLORS["red"]), axis=2) < 60).mean()
    r_small, r_large = (np.mean(data.SIZES[s]) for s in ("small", "large"))
    # a disc's area is π r²: the ratio of areas is close to the squared ratio of radii
    assert area["large"] / area["small"] == pytest.approx((r_large / r_small) ** 2, rel=0.35)


def test_held_out_combinations_never_appear_in_a_training_world():
    w = data.make_shapes_world(600, seed=5, exclude=data.HELD_OUT)
    assert not data.combination_mask(w, data.HELD_OUT).any()
    # but each held-out colour and shape still appears in other combinations
    for color, shape in data.HELD_OUT:
        assert (w.color == list(data.COLORS).index(color)).any()
        assert (w.shape == data.SHAPES.index(shape)).any()
    full = data.make_shapes_world(600, seed=5)
    frac = data.combination_mask(full).mean()
    expected = len(data.HELD_OUT) / (len(data.COLORS) * len(data.SHAPES))
    assert abs(frac - expected) < 0.05


def test_subset_keeps_images_and_captions_together():
    w = data.make_shapes_world(20, seed=0)
    s = w.subset(np.array([3, 7]))
    np.testing.assert_array_equal(s.images, w.images[[3, 7]])
    assert s.captions == [w.captions[3], w.captions[7]]
    m = w.subset(np.arange(20) % 2 == 0)
    assert len(m) == 10


def test_tokenize_pads_cuts_and_marks_unknown_words():
    t = data.tokenize(["a red circle", "a mauve circle on the left"], length=5)
    v = {w: i for i, w in enumerate(data.VOCABULARY)}
    assert t.shape == (2, 5) and t.dtype == np.int64
    np.testing.assert_array_equal(t[0], [v["a"], v["red"], v["circle"], 0, 0])
    np.testing.assert_array_equal(t[1], [v["a"], 1, v["circle"], v["on"], v["the"]])
    assert data.VOCABULARY[0] == "<pad>" and data.VOCABULARY[1] == "<unk>"


def test_every_caption_word_is_in_the_vocabulary():
    w = data.make_shapes_world(300, seed=9)
    assert (data.tokenize(w.captions, 16) != 1).all()


@pytest.mark.parametrize("call, error", [
    (lambda: data.make_shapes_world(0), ValueError),
    (lambda: data.make_shapes_world(5, exclude=[("pink", "circle")]), ValueError),
    (lambda: data.render_shape("red", "hexagon", "small", "left"), ValueError),
    (lambda: data.render_shape("red", "circle", "small", "left", side_px=8), ValueError),
    (lambda: data.tokenize([]), ValueError),
    (lambda: data.tokenize(["a", 3]), ValueError),
    (lambda: data.combination_mask("not a world"), TypeError),
])
def test_bad_inputs_raise(call, error):
    with pytest.raises(error):
        call()

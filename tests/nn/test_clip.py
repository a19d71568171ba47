"""CLIP (chapter 10): the symmetric loss, temperature, prompt ensembling, zero-shot, both training loops."""
import math

import numpy as np
import pytest
import torch
from imsearch import data
from imsearch import nn as inn


def _loop_clip_loss(i, t, tau):
    """Reference from the definition: a loop over rows and columns of the logit matrix."""
    i = np.asarray(i, np.float64)
    t = np.asarray(t, np.float64)
    i = i / np.linalg.norm(i, axis=1, keepdims=True)
    t = t / np.linalg.norm(t, axis=1, keepdims=True)
    n = len(i)
    total = 0.0
    for k in range(n):
        row = [i[k] @ t[j] / tau for j in range(n)]
        col = [i[j] @ t[k] / tau for j in range(n)]
        total += -row[k] + math.log(sum(math.exp(v) for v in row))
        total += -col[k] + math.log(sum(math.exp(v) for v in col))
    return total / (2 * n)


def test_clip_loss_matches_a_loop_over_pairs():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(7, 5)), rng.normal(size=(7, 5))
    for tau in (0.07, 0.5, 2.0):
        got = float(inn.clip_loss(torch.from_numpy(a), torch.from_numpy(b), tau))
        assert got == pytest.approx(_loop_clip_loss(a, b, tau), rel=1e-9)


def test_clip_loss_of_aligned_orthonormal_pairs_is_the_closed_form():
    e = torch.eye(6, dtype=torch.float64)
    for tau in (0.1, 1.0):
        expected = math.log(1 + 5 * math.exp(-1 / tau))
        assert float(inn.clip_loss(e, e, tau)) == pytest.approx(expected, rel=1e-12)
        assert inn.aligned_loss(6, tau) == pytest.approx(expected, rel=1e-12)


def test_clip_loss_is_symmetric_in_the_two_modalities_and_ignores_lengths():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(9, 4, generator=g, dtype=torch.float64), torch.randn(9, 4, generator=g, dtype=torch.float64)
    assert float(inn.clip_loss(a, b, 0.3)) == pytest.approx(float(inn.clip_loss(b, a, 0.3)), rel=1e-12)
    assert float(inn.clip_loss(5 * a, b / 3, 0.3)) == pytest.approx(float(inn.clip_loss(a, b, 0.3)), rel=1e-12)


def test_clip_loss_of_random_high_dimensional_embeddings_is_near_log_n():
    g = torch.Generator().manual_seed(2)
    a, b = torch.randn(64, 4096, generator=g), torch.randn(64, 4096, generator=g)
    assert float(inn.clip_loss(a, b, 1.0)) == pytest.approx(math.log(64), abs=0.05)


def test_clip_loss_gradcheck_including_the_temperature():
    g = torch.Generator().manual_seed(3)
    a = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
    b = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
    tau = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(inn.clip_loss, (a, b, tau))


def test_temperature_module_value_learning_and_clamp():
    t = inn.Temperature(0.07)
    assert float(t()) == pytest.approx(0.07, rel=1e-6)
    assert isinstance(t.log_scale, torch.nn.Parameter)
    fixed = inn.Temperature(0.5, learn=False)
    assert list(fixed.parameters()) == [] and float(fixed()) == pytest.approx(0.5)
    with torch.no_grad():
        t.log_scale.fill_(20.0)
    assert float(t()) == pytest.approx(0.01, rel=1e-6)   # CLIP's cap of the logit scale at 100


@pytest.mark.parametrize("args, error", [
    ((np.zeros((2, 3)), torch.zeros(2, 3)), TypeError),
    ((torch.zeros(2, 3), torch.zeros(3, 3)), ValueError),
    ((torch.zeros(0, 3), torch.zeros(0, 3)), ValueError),
    ((torch.ones(2, 3), torch.ones(2, 3), 0.0), ValueError),
    ((torch.ones(2, 3), torch.ones(2, 3), torch.tensor(-1.0)), ValueError),
])
def test_clip_loss_bad_inputs(args, error):
    with pytest.raises(error):
        inn.clip_loss(*args)


def test_cosine_similarity_matches_scikit_learn():
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(4)
    q, d = rng.normal(size=(5, 8)), rng.normal(size=(11, 8))
    np.testing.assert_allclose(inn.cosine_similarity(q, d), cosine_similarity(q, d), rtol=1e-12)
    with pytest.raises(ValueError):
        inn.cosine_similarity(q, d[:, :4])
    with pytest.raises(ValueError):
        inn.cosine_similarity(np.zeros((1, 8)), d)


def test_prompts_are_class_major_and_checked():
    assert inn.prompts(["cat", "dog"], ["a {}", "the {}!"]) == ["a cat", "the cat!", "a dog", "the dog!"]
    with pytest.raises(ValueError):
        inn.prompts(["cat"], ["no placeholder"])
    with pytest.raises(ValueError):
        inn.prompts([], ["a {}"])


def test_class_embeddings_average_normalised_prompts():
    rng = np.random.default_rng(5)
    t = rng.normal(size=(4, 3, 6))
    c = inn.class_embeddings(t)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0, rtol=1e-12)
    # invariant to the length of each prompt embedding
    np.testing.assert_allclose(inn.class_embeddings(t * rng.uniform(0.1, 10, (4, 3, 1))), c, rtol=1e-10)
    # one prompt: the normalised embedding itself; (C, D) input allowed
    np.testing.assert_allclose(inn.class_embeddings(t[:, 0]), t[:, 0] / np.linalg.norm(t[:, 0], axis=1, keepdims=True))
    u = t / np.linalg.norm(t, axis=2, keepdims=True)
    ref = u.mean(1) / np.linalg.norm(u.mean(1), axis=1, keepdims=True)
    np.testing.assert_allclose(c, ref, rtol=1e-12)


def test_zero_shot_classify_picks_the_closest_class_by_cosine():
    classes = np.array([[1.0, 0.0], [0.0, 10.0]])
    images = np.array([[0.9, 0.2], [0.2, 0.9], [5.0, 4.0]])
    np.testing.assert_array_equal(inn.zero_shot_classify(images, classes), [0, 1, 0])


def test_mini_clip_overfits_one_small_batch_and_is_reproducible():
    torch.set_num_threads(1)
    w = data.make_shapes_world(32, seed=0)
    r = inn.mini_clip_recipe(batch_size=32, epochs=30, n_train=32, lr=5e-3)
    m1, log1 = inn.train_mini_clip(w, r, progress=False)
    # captions of one batch repeat (the same words for two images), so the floor is above 0;
    # the loss must fall far below its start near log 32
    assert log1["loss"][0] > 3.0 and log1["loss"][-1] < 1.0
    i, t = inn.encode_shapes(m1, w.images, w.captions)
    sim = inn.cosine_similarity(t, i)
    assert np.mean(sim.argmax(1) == np.arange(32)) > 0.3        # chance: 1/32; ambiguous captions cap it below 1
    m2, _ = inn.train_mini_clip(w, r, progress=False)
    for p1, p2 in zip(m1.state_dict().values(), m2.state_dict().values()):
        torch.testing.assert_close(p1, p2, rtol=0, atol=0)
    assert len(log1["temperature"]) == len(log1["loss"]) and log1["temperature"][-1] != log1["temperature"][0]


def test_fixed_temperature_stays_fixed():
    w = data.make_shapes_world(16, seed=1)
    r = inn.mini_clip_recipe(batch_size=16, epochs=2, n_train=16, temperature=0.5, learn_temperature=False)
    _, log = inn.train_mini_clip(w, r, progress=False)
    assert log["temperature"] == pytest.approx([0.5] * len(log["temperature"]))


def test_lit_projections_learn_to_pair_random_features():
    rng = np.random.default_rng(6)
    latent = rng.normal(size=(64, 16))
    fi = latent @ rng.normal(size=(16, 40)) + 0.05 * rng.normal(size=(64, 40))
    ft = latent @ rng.normal(size=(16, 24)) + 0.05 * rng.normal(size=(64, 24))
    r = inn.lit_recipe(steps=150, lr=1e-2, dim=16, n_pairs=64)
    m, log = inn.train_lit(fi.astype(np.float32), ft.astype(np.float32), r, progress=False)
    assert log["loss"][-1] < 0.3 * log["loss"][0]
    ie, te = m.embed(fi, ft)
    assert np.mean(inn.zero_shot_classify(ie, te) == np.arange(64)) > 0.9
    with pytest.raises(ValueError):
        inn.train_lit(fi[:10], ft[:9])


def test_linear_probe_separates_separable_classes():
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 10)) * 5
    y = rng.integers(3, size=120)
    x = centres[y] + rng.normal(size=(120, 10))
    pred = inn.linear_probe(x[:90], y[:90], x[90:])
    assert np.mean(pred == y[90:]) == 1.0


# ----------------------------------------------------------------------------- the chapter's orderings
def _committed_shapes_model():
    if not (inn.models_folder() / "clip_shapes" / "model.pt").exists():
        pytest.skip("clip_shapes not trained (python -m imsearch models train clip_shapes)")
    model, _, _ = inn.load_model("clip_shapes")
    return model


def test_part_a_held_out_combinations_get_their_colour_but_not_their_shape():
    from imsearch import eval as ev

    model = _committed_shapes_model()
    world = inn.shapes_test_world()
    z = inn.shapes_zero_shot(model, world)
    held = ev.bootstrap_mean(z["correct"][z["held_out"]])
    seen = ev.bootstrap_mean(z["correct"][~z["held_out"]])
    assert held.low > z["chance"] and seen.low > held.high
    images = inn.encode_shapes(model, world.images)
    h = z["held_out"]
    for template, names, truth, transfers in (("something {}", list(data.COLORS), world.color, True),
                                               ("a {}", list(data.SHAPES), world.shape, False)):
        right = inn.zero_shot_classify(images, inn.encode_shapes(model, texts=inn.prompts(names, [template]))) == truth
        on_held, on_seen = ev.bootstrap_mean(right[h]), ev.bootstrap_mean(right[~h])
        if transfers:      # the colour of an unseen combination is named as well as a seen one's
            assert on_held.low > 0.9 and on_seen.low > 0.9
        else:              # its shape is not: the image tower binds shapes to the colours they came in
            assert on_seen.low > on_held.high and on_held.high < 1 / len(names)


@pytest.fixture(scope="module")
def lit_results():
    import os

    if not os.environ.get("IMSEARCH_DATA_MIRROR") or not all(
            data.have_dataset(d) for d in ("imagenet_samples", "imagenette", "cifar10", "flowers17")):
        pytest.skip("course data pack not found: set IMSEARCH_DATA_MIRROR")
    pytest.importorskip("sentence_transformers")
    torch.set_num_threads(1)
    names = inn.imagenet_class_names()
    fi, idx, _ = inn.lit_image_features("imagenet_samples", progress=False)
    ft = inn.encode_texts([f"a photo of a {names[c]}." for c in idx])
    lit, _ = inn.train_lit(fi, ft, progress=False)
    held = np.isin(idx, data.imagenette_imagenet_index())
    lit_unseen, _ = inn.train_lit(fi[~held], ft[~held], inn.lit_recipe(n_pairs=int((~held).sum())), progress=False)
    out = {}
    for test, train in (("imagenette_val", "imagenette_train"), ("cifar10_test", "cifar10_train"),
                        ("flowers17_test", "flowers17_train")):
        f, y, cls = inn.lit_image_features(test, progress=False)
        ftr, ytr, _ = inn.lit_image_features(train, progress=False)
        out[test] = {"zero-shot": inn.lit_zero_shot(lit, f, cls) == y, "bare": inn.lit_zero_shot(lit, f, cls, ["{}"]) == y,
                     "probe": inn.linear_probe(ftr, ytr, f) == y, "chance": 1 / len(cls)}
        if test == "imagenette_val":
            out[test]["unseen"] = inn.lit_zero_shot(lit_unseen, f, cls) == y
    return out


@pytest.mark.datapack
def test_part_b_seen_classes_beat_unseen_ones_which_beat_chance(lit_results):
    from imsearch import eval as ev

    r = lit_results["imagenette_val"]
    assert ev.paired_bootstrap(r["zero-shot"], r["unseen"]).low > 0
    assert ev.bootstrap_mean(r["unseen"]).low > r["chance"]


@pytest.mark.datapack
@pytest.mark.parametrize("test", ["imagenette_val", "cifar10_test", "flowers17_test"])
def test_part_b_linear_probe_beats_zero_shot(lit_results, test):
    from imsearch import eval as ev

    r = lit_results[test]
    assert ev.paired_bootstrap(r["probe"], r["zero-shot"]).low > 0


@pytest.mark.datapack
def test_part_b_zero_shot_above_chance_where_names_are_near_imagenet_and_not_on_flowers(lit_results):
    from imsearch import eval as ev

    assert ev.bootstrap_mean(lit_results["cifar10_test"]["zero-shot"]).low > lit_results["cifar10_test"]["chance"]
    # Flowers-17: at most a few points above chance (only Daisy is an ImageNet class)
    assert ev.bootstrap_mean(lit_results["flowers17_test"]["zero-shot"]).estimate < 0.2


@pytest.mark.datapack
def test_part_b_the_training_template_beats_the_bare_class_name_on_imagenette(lit_results):
    from imsearch import eval as ev

    r = lit_results["imagenette_val"]
    assert ev.paired_bootstrap(r["zero-shot"], r["bare"]).low > 0

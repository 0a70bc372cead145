"""Image-text pair accuracies on hand-made embeddings, including ties and unequal I / T."""

from __future__ import annotations

import numpy as np
import pytest

from mieb.metrics import pair_classification_scores


def _e(*rows):
    return np.array(rows, dtype=np.float32)


def test_winoground_style_two_by_two():
    img = np.stack([_e([1, 0], [0, 1]), _e([1, 0], [0, 1]), _e([1, 0], [1, 0.1])])
    txt = np.stack([_e([1, 0], [0, 1]), _e([0, 1], [1, 0]), _e([1, 0], [0, 1])])
    got = pair_classification_scores(img, txt)
    # row 0 all correct; row 1 all wrong; row 2: both images prefer text 0 (text wrong),
    # text 0 -> image 0 and text 1 -> image 1 (image right)
    assert got["text_acc"] == pytest.approx(1 / 3)
    assert got["image_acc"] == pytest.approx(2 / 3)
    assert got["accuracy"] == pytest.approx(1 / 3)


def test_one_image_many_texts_and_ties_take_the_first_maximum():
    img = np.stack([_e([1, 0]), _e([1, 0]), _e([1, 0])])[:, :1]
    txt = np.stack([_e([1, 0], [0, 1]), _e([0, 1], [1, 0]), _e([2, 0], [1, 0])])
    got = pair_classification_scores(img, txt)
    # row 2: texts tie at cosine 1 -> argmax picks text 0 (correct)
    assert got["text_acc"] == pytest.approx(2 / 3)
    assert got["image_acc"] == 0.0  # 1 image vs 2 texts can never be image-correct
    assert got["accuracy"] == 0.0


def test_many_images_one_text_scores_only_image_accuracy():
    img = np.stack([_e([1, 0], [0, 1], [0.5, 0.5]), _e([0, 1], [1, 0], [0.5, 0.5])])
    txt = np.stack([_e([1, 0]), _e([1, 0])])
    got = pair_classification_scores(img, txt)
    assert got == {"image_acc": 0.5, "text_acc": 0.0, "accuracy": 0.0}


def test_means_are_float32_like_the_reference():
    img = np.ones((10, 1, 2), dtype=np.float32)
    txt = np.tile(_e([1, 1], [0, 1]), (10, 1, 1))  # text 0 is the better match: correct
    txt[3:] = _e([0, 1], [1, 1])  # rows 3..9: text 1 is better: wrong
    got = pair_classification_scores(img, txt)
    assert got["text_acc"] == float(np.float32(0.3))  # 0.30000001192092896, not 0.3
    assert got["text_acc"] != 0.3
    with pytest.raises(ValueError):
        pair_classification_scores(img[:, 0], txt)

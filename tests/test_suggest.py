"""The subcategory suggestion of `add`: a deterministic TF-IDF nearest-neighbour model."""

from __future__ import annotations

import torchscape
from torchscape.catalog.suggest import Example, Suggester, examples_from, item_words, leave_one_out, words
from torchscape.paths import bundled_dir


def test_words_drop_stop_words_and_fold_plurals() -> None:
    assert words("The PyTorch library for Graph Neural Networks, with models!") == [
        "graph",
        "neural",
        "network",
        "model",
    ]
    assert words("C++ and class") == ["c++", "class"]


def test_item_words_split_camel_case_names_and_weigh_them() -> None:
    bag = item_words("TorchAudio", "Speech.", ["asr"], ["torch-audio"])
    assert bag.count("audio") == 3  # twice from the name, once from the package
    assert "speech" in bag and "asr" in bag and "torchaudio" in bag


EXAMPLES = [
    Example("Modeling / Vision", item_words("Kornia", "Differentiable computer vision and image geometry")),
    Example(
        "Modeling / Vision", item_words("torchvision", "Image datasets, transforms and detection models")
    ),
    Example("Modeling / Audio", item_words("torchaudio", "Audio and speech processing, spectrograms")),
    Example("Modeling / Audio", item_words("Asteroid", "Audio source separation for speech")),
    Example("Training / Distributed", item_words("DeepSpeed", "Distributed training, ZeRO, parallelism")),
]


def test_ranks_the_closest_subcategory_first_and_is_deterministic() -> None:
    model = Suggester(EXAMPLES)
    ranked = model.rank(item_words("SpeechKit", "Speech recognition from audio"))
    assert ranked[0][0] == "Modeling / Audio"
    assert [label for label, _ in ranked] == [
        label
        for label, _ in Suggester(EXAMPLES).rank(item_words("SpeechKit", "Speech recognition from audio"))
    ]
    assert {label for label, _ in ranked} == {e.label for e in EXAMPLES}
    assert model.rank(item_words("Image segmenter", "image detection"))[0][0] == "Modeling / Vision"


def test_no_shared_word_scores_zero_with_ties_broken_by_name() -> None:
    ranked = Suggester(EXAMPLES).rank(item_words("Zyzzyva", "qwertyuiop"))
    assert all(score == 0 for _, score in ranked)
    assert [label for label, _ in ranked] == sorted(e.label for e in {e.label: e for e in EXAMPLES}.values())


def test_leave_one_out_on_a_small_set() -> None:
    accuracy = leave_one_out(EXAMPLES)
    assert accuracy.items == 5
    assert 0 <= accuracy.top1 <= accuracy.top3 <= 5


def test_leave_one_out_accuracy_on_the_bundled_catalog() -> None:
    """The figures quoted in the README (68.5% / 86.7%); a floor a little under them."""
    folder = bundled_dir()
    landscape = torchscape.load(folder / "landscape.yml", folder / "settings.yml", folder / "guide.yml")
    accuracy = leave_one_out(examples_from(landscape))
    assert accuracy.items == len(landscape)
    assert accuracy.top1_rate >= 0.62, accuracy
    assert accuracy.top3_rate >= 0.80, accuracy

"""The kept sentence vectors: nothing encoded twice, across saves, without reading the
saved file whole."""

from __future__ import annotations

import dataclasses

import numpy as np
from matching_helpers import HashingEncoder

from twinning.matching.encoder import VectorCache, text_key


def test_a_saved_vector_is_read_back_and_never_encoded_again(tmp_path):
    path = tmp_path / "sentence-vectors.npz"
    first = VectorCache(HashingEncoder(), path)
    encoded = first.vectors(["نبحث عن التغليف", "Nous formons", "We offer"])
    first.save()

    again = VectorCache(HashingEncoder(), path)
    found = again.vectors(["We offer", "Buscamos socios", "نبحث عن التغليف", "We offer"])
    assert again.encoded_count == 1  # only the sentence never seen
    assert np.allclose(found[0], encoded[2], atol=1e-2)
    assert np.allclose(found[2], encoded[0], atol=1e-2)
    assert np.array_equal(found[0], found[3])
    assert len(again) == 4
    again.save()

    third = VectorCache(HashingEncoder(), path)
    third.vectors(["Buscamos socios", "Nous formons", "We offer", "نبحث عن التغليف"])
    assert third.encoded_count == 0 and len(third) == 4


def test_a_file_of_another_encoder_is_not_used(tmp_path):
    path = tmp_path / "sentence-vectors.npz"
    cache = VectorCache(HashingEncoder(), path)
    cache.vectors(["Nous formons"])
    cache.save()

    @dataclasses.dataclass
    class OtherEncoder(HashingEncoder):
        name: str = "another-encoder"

    other = VectorCache(OtherEncoder(), path)
    other.vectors(["Nous formons"])
    assert other.encoded_count == 1


def test_a_file_written_by_np_savez_with_text_keys_is_read(tmp_path):
    """The layout written before vectors were read row by row."""
    encoder = HashingEncoder()
    path = tmp_path / "sentence-vectors.npz"
    np.savez(path, keys=np.array([text_key("Nous formons")], dtype="<U24"),
             vectors=np.full((1, encoder.dimension), 0.125, np.float16),
             encoder=np.array(encoder.name))
    cache = VectorCache(encoder, path)
    assert np.allclose(cache.vectors(["Nous formons"]), 0.125)
    assert cache.encoded_count == 0


def test_a_file_replaced_by_another_process_is_read_afresh(tmp_path):
    """A web process keeps the file's keys; a reindex elsewhere saves a new file whose rows
    are in another order: the vectors asked for next are still the right ones."""
    path = tmp_path / "sentence-vectors.npz"
    texts = ["Nous formons", "We offer", "Buscamos socios"]
    writer = VectorCache(HashingEncoder(), path)
    expected = writer.vectors(texts)
    writer.save()
    reader = VectorCache(HashingEncoder(), path)
    assert reader.vectors(texts[:1]).shape == (1, HashingEncoder.dimension)  # keys read

    path.unlink()
    other = VectorCache(HashingEncoder(), path)
    other.vectors(["نبحث عن التغليف", *reversed(texts)])
    other.save()
    found = reader.vectors(texts)
    assert reader.encoded_count == 0
    assert np.allclose(found, expected, atol=1e-2)


def test_a_file_saved_after_the_cache_was_made_is_read(tmp_path):
    """A web process may make its cache before the first reindex saves the file."""
    path = tmp_path / "sentence-vectors.npz"
    early = VectorCache(HashingEncoder(), path)
    writer = VectorCache(HashingEncoder(), path)
    expected = writer.vectors(["Nous formons", "We offer"])
    writer.save()
    assert np.allclose(early.vectors(["We offer"]), expected[1], atol=1e-2)
    assert early.encoded_count == 0

"""textnorm: the fast paths give what the plain definitions give."""
import random
import re

import pytest

from quietpage import textnorm


def test_word_count_is_the_number_of_word_runs():
    rnd = random.Random(5)
    pieces = ["a", "Bc", "9", "_", " ", "\t", "\n", "'", "-", ",", "—", "é", "ß", "€", "\x7f", "\x01", "3,000", "don't"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        assert textnorm.word_count(s) == len(re.findall(r"\w+", s)), repr(s)
    assert textnorm.word_count("") == 0 and textnorm.word_count(None) == 0


def test_the_ascii_fast_paths_fold_as_the_general_path_does():
    import unicodedata
    rnd = random.Random(9)

    def general(s):
        s = unicodedata.normalize("NFC", s)
        for a, b in textnorm._PUNCT_PAIRS:
            s = s.replace(a, b)
        return " ".join(s.split())

    pieces = ["a", "B", " ", "\t", "\n", "`", "'", "don`t", "x  y", ".", "-", "9"]
    for _ in range(5000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20)))
        assert textnorm.fold(s) == general(s) and textnorm.punct_fold(s) == s.replace("`", "'")


def test_language_words_are_the_regex_words():
    from quietpage import language
    rnd = random.Random(4)
    pieces = ["the", "And", " ", "-", "'", "x_y", "3,000", ".", "Die", "É", "ß"]
    for _ in range(3000):
        t = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 15)))
        low = t.lower()
        fast = low.translate(language._ASCII_WORDS).split() if low.isascii() else re.findall(r"\w+", low)
        assert fast == re.findall(r"\w+", low), repr(t)


@pytest.mark.parametrize("text", ["a \u200b b", "\ufeffSubscribe", "x\u00ad y", "Don`t", "Аdvеrtіѕе here",
                                  "✓ Unlimited access", "plain words", "e\u0301t\u00e9 \u2019s", "a\u00a0b"])
def test_fold_of_squashed_text_skips_nothing(text):
    squash, fold = textnorm.squash, textnorm.fold
    assert fold(squash(text), squashed=True) == fold(squash(text))

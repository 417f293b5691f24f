"""textnorm: the fast paths give what the plain definitions give."""
import random
import re

from quietpage import textnorm


def test_word_count_is_the_number_of_word_runs():
    rnd = random.Random(5)
    pieces = ["a", "Bc", "9", "_", " ", "\t", "\n", "'", "-", ",", "—", "é", "ß", "€", "\x7f", "\x01", "3,000", "don't"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        assert textnorm.word_count(s) == len(re.findall(r"\w+", s)), repr(s)
    assert textnorm.word_count("") == 0 and textnorm.word_count(None) == 0

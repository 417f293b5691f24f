"""The literal prefilter may only skip rules that cannot match."""
import pytest

from quietpage import prefilter, rules
from quietpage.textnorm import fold


@pytest.mark.parametrize("pattern,text", [
    (r"(?i)\bsubscribe\s+now\b", "SUBSCRIBE NOW"),
    (r"(?i)^(?:abo|abonnement)\s+jetzt$", "Abonnement jetzt"),
    (r"(?i)lees\s+verder\s+met\s+(?-i:\p{Lu})\S*", "Lees verder met NRC"),
    (r"(?:x|y)?premium", "Premium"),
    (r"(?i)^[^.!?]{3,80}\?\s+[^?]{5,200}\s[»›→]\s*$", "Want more science? Read our sister title →"),
    (r"(?i)^(?:copyright\s*)?(?:©|\(c\))\s*\d{4}", "(C) 2024 Example Media"),
])
def test_literals_are_present_in_matches(pattern, text):
    reqs = prefilter.requirements(pattern)
    low = fold(text).casefold()
    assert reqs is None or all(any(x in low for x in lits) for lits in reqs)


def test_rare_symbols_are_requirements_but_letters_need_three():
    assert prefilter.requirements(r"[€$£]\s?\d+") == (("$", "£", "€"),)
    assert prefilter.requirements(r"(?i)^a\?$") is None  # "a?" is neither three letters nor all symbols
    assert prefilter.requirements(r"[a-z]\d") is None


def test_optional_parts_give_no_requirement():
    assert prefilter.requirements(r"(?:abc)?\d+") is None


def test_every_rule_example_passes_the_prefilter():
    rs = rules.load()
    for r in rs.text:
        for ex in r.matches:
            low = fold(ex).casefold()
            if r.lits is not None and r.search(fold(ex)) is not None:
                assert any(x in low for x in r.lits), (r.id, ex)
                assert r.id in rs.literal_index.keys(low)


def test_requirements_are_conjunctive_and_sound():
    reqs = prefilter.requirements(r"(?i)^(?:subscribe|sign\s+up)\b.{0,40}\bto\s+(?:read|continue)\b")
    assert reqs is not None and len(reqs) >= 2
    idx = prefilter.LiteralIndex({"r": (reqs,)})
    assert "r" in idx.keys("subscribe now to read the story")
    assert "r" not in idx.keys("read the story")          # the subscribe/sign-up set is missing
    assert "r" not in idx.keys("subscribe to our podcast")  # the read/continue set is missing


def test_rule_examples_pass_the_conjunctive_index():
    rs = rules.load()
    for r in rs.text:
        for ex in r.matches:
            f = fold(ex)
            if r.reqs is not None and r.search(f) is not None:
                assert r.id in rs.literal_index.keys(f.casefold()), (r.id, ex)


def test_lookarounds_require_their_words_but_negative_ones_do_not():
    pat = r"(?i)^(?=.*\bin\s+your\s+inbox\b)(?=.*\bevery\s+(?:monday|friday)\b)"
    reqs = prefilter.requirements(pat)
    assert reqs is not None
    idx = prefilter.LiteralIndex({"r": (reqs,)})
    assert "r" in idx.keys("the briefing, every friday in your inbox")
    assert "r" not in idx.keys("every friday the market opens")          # no "in your inbox": rule skipped
    assert prefilter.requirements(r"(?i)^(?!.*\bunsubscribe\b).*$") is None  # a negative lookahead needs nothing
    assert prefilter.requirements(r"(?<=\bvia\s)\w+") is None or \
        all("via" in lits for lits in prefilter.requirements(r"(?<=\bvia\s)\w+"))


def test_a_leading_case_sensitive_flag_keeps_the_literals():
    reqs = prefilter.requirements(r"(?-i)\[(?:NEWS|VIDEO)\]\s*$")
    assert reqs is not None and all("[" in lits or "]" in lits or "news" in lits for lits in reqs)


def test_alternatives_spread_an_alternation_so_each_branch_needs_its_own_words():
    alts = prefilter.alternatives(r"(?i)^(?:subscribe|register)\s+to\s+read\b|^already\s+a\s+member\?")
    idx = prefilter.LiteralIndex({"r": alts})
    assert "r" in idx.keys("subscribe to read the rest")
    assert "r" in idx.keys("already a member? sign in")
    assert "r" not in idx.keys("register to vote")              # the first branch needs "read" too
    assert "r" not in idx.keys("read the member's guide")       # and a branch's own lead word
    # the pooled requirements alone could not tell these apart
    assert prefilter.alternatives(r"(?:abc)?\d+|xyz") is None   # one branch needs nothing


def test_alternatives_stay_within_their_budget():
    words = "|".join(f"w{i:02d}xx" for i in range(10))
    alts = prefilter.alternatives(f"(?:{words})\\s(?:{words})\\s(?:{words})", budget=16)
    assert alts is not None and len(alts) <= 16


def test_the_index_without_the_library_finds_the_same_keys_and_texts():
    rs = rules.load()
    idx = rs.literal_index
    every = {r.id: r.alts for r in rs.text if r.alts}
    scanner = prefilter.Scanner(prefilter.all_literals(every))
    scanner._auto = None
    plain = prefilter.LiteralIndex(every, scanner)
    texts = ["subscribe to read the full story", "already a subscriber? log in", "abonnez-vous pour lire la suite",
             "the weather was fine", "", "jetzt abonnieren und weiterlesen", "sign in sign in"]
    lows = [fold(t).casefold() for t in texts]
    assert [idx.keys(x) for x in lows] == [plain.keys(x) for x in lows]
    assert idx.possible(lows) == plain.possible(lows) == [k for k, x in enumerate(lows) if idx.any(x)]
    assert idx.possible(lows)  # some of these are gate lines


def test_a_word_tier_index_holds_every_rule_that_allows_that_many_words():
    rs = rules.load()
    for words in range(0, 200, 3):
        held = set(rs.literal_index_for(words).owner.values())
        assert {r.id for r in rs.text if r.alts and r.max_words >= words} <= held
    assert len(set(rs.literal_index_for(150).owner.values())) < len(set(rs.literal_index.owner.values()))


@pytest.mark.parametrize("pattern,starts,never", [
    (r"(?i)^[-–—\s(\[]*(?:advertisement|ads?)\s*$", ["Advertisement", "— AD", "(ads)", "ADS"], ["Bad ads"]),
    (r"(?i)^(?:Ja|Nein|Danke!?)$|^👍", ["ja", "NEIN", "👍"], ["Okay"]),
    (r"(?i)^(?:\d+\s+of\s+\d+|close)$", ["3 of 5", "٣ of ٥", "Close"], ["of 5"]),
])
def test_first_characters_of_anchored_patterns(pattern, starts, never):
    first = prefilter.first_chars(pattern)
    assert first is not None
    for text in starts:
        assert not first.isdisjoint(prefilter.lead_keys(text)), text
    for text in never:
        assert first.isdisjoint(prefilter.lead_keys(text)), text


@pytest.mark.parametrize("pattern", [
    r"(?i)subscribe\s+now",          # not anchored: a match can begin anywhere
    r"(?i)^(?:x)?",                  # can match nothing at the start
    r"(?i)^.{0,3}free",              # any character first
    r"(?i)^\S+\s+free",              # a class it cannot list
    r"(?i)^(?:free|.*offer)",        # one branch it cannot tell
])
def test_first_characters_unknown_when_it_cannot_tell(pattern):
    assert prefilter.first_chars(pattern) is None


def test_every_rule_example_passes_its_first_character_filter():
    rs = rules.load()
    for r in rs.text:
        if r.first is None:
            continue
        for ex in r.matches:
            f = fold(ex)
            if r.search(f) is not None:
                assert not r.first.isdisjoint(prefilter.lead_keys(f)), (r.id, ex)

"""Golden test: the page the project started from, in its three forms."""
import pytest

import quietpage


def _norm(s):
    return " ".join(s.split())


@pytest.mark.parametrize("name", ["seed-page.html", "seed-page-plain.html", "seed.txt"])
def test_seed_is_cleaned_exactly(name, seed_inputs, seed_expected, seed_url):
    r = quietpage.clean(**seed_inputs[name], url=seed_url)
    text = _norm(r.text)
    pos = [text.find(_norm(k)) for k in seed_expected["keep"]]
    assert all(p >= 0 for p in pos), "an article paragraph was lost"
    assert pos == sorted(pos), "article paragraphs out of order"
    leaked = [x for x in seed_expected["remove"] if _norm(x) in text]
    assert leaked == []
    assert r.paywall.kind == "metered" and r.paywall.detected
    assert abs(len(text.split()) - r.word_count) <= 0.1 * r.word_count
    removed = " ".join(x.text for x in r.removed)
    assert "{{free_limit}}" in removed, "removals must say what was removed"
    cats = {x.category for x in r.removed}
    assert {"meter", "pricing"} & cats or "paywall" in cats


def test_seed_page_metadata(seed_inputs, seed_url):
    r = quietpage.clean(**seed_inputs["seed-page.html"], url=seed_url)
    assert r.title.startswith("US asks Iraq")
    assert r.byline == "AFP" and r.site_name == "Business Standard" and r.lang == "en"
    assert r.published.startswith("2019-12-17") and r.dir == "ltr"
    assert r.reading_time_minutes >= 1
    d = r.to_dict()
    assert d["paywall"]["kind"] == "metered" and isinstance(d["removed"], list)


def test_keep_category_keeps_it(seed_inputs):
    r = quietpage.clean(**seed_inputs["seed.txt"], options={"keep_categories": ["legal"]})
    assert "Disclaimer: No Business Standard Journalist" in r.text

"""Several <article>s on one page: the one headed by the page title is the story, linked others are teasers."""
import quietpage

BODY = "".join(f"<p>Paragraph {i} of the story about the harbour plan and the council vote, told in detail.</p>"
               for i in range(12))


def teaser(i):
    return f"<article><h3><a href='/s{i}'>Another story number {i} about something else</a></h3><p>A teaser line.</p></article>"


def test_teasers_after_the_story_go():
    html = (f"<html><head><title>Harbour plan passes after long night | Daily</title></head><body>"
            f"<article><h1>Harbour plan passes after long night</h1>{BODY}</article>"
            + "".join(teaser(i) for i in range(5)) + "</body></html>")
    r = quietpage.clean(html)
    assert "Paragraph 11" in r.text and "Another story" not in r.text
    assert sum(x.rule == "structure.other-article" for x in r.removed) == 5


def test_articles_without_a_title_match_stay():
    entries = "".join(f"<article><h2>Update {i}</h2>{BODY}</article>" for i in range(3))
    html = f"<html><head><title>Live: the council votes</title></head><body>{entries}</body></html>"
    r = quietpage.clean(html)
    assert not any(x.rule == "structure.other-article" for x in r.removed)


def test_keep_related_keeps_teasers():
    html = (f"<html><head><title>Harbour plan passes after long night</title></head><body>"
            f"<article><h1>Harbour plan passes after long night</h1>{BODY}</article>{teaser(1)}</body></html>")
    r = quietpage.clean(html, options={"keep_categories": ["related"]})
    assert not any(x.rule == "structure.other-article" for x in r.removed)


def card(i):
    return f"<article class='preview'><a href='/p{i}'><img src='i{i}.jpg'></a><p>Tiny house number {i}</p></article>"


def test_teaser_cards_inside_the_story_go_even_without_a_title_match():
    html = (f"<html><head><title>Six spa retreats | Site</title></head><body><article><h1>6 spa retreats for winter</h1>"
            f"{BODY}<section>" + "".join(card(i) for i in range(4)) + "</section></article></body></html>")
    r = quietpage.clean(html)
    assert "Paragraph 11" in r.text and "Tiny house" not in r.text
    assert sum(x.rule == "structure.other-article" for x in r.removed) == 4


def test_one_linked_article_inside_the_story_stays():
    html = (f"<html><head><title>Six spa retreats</title></head><body><article><h1>6 spa retreats for winter</h1>"
            f"{BODY}{card(1)}</article></body></html>")
    assert "Tiny house number 1" in quietpage.clean(html).text


def test_short_articles_without_a_long_story_around_them_stay():
    html = ("<html><head><title>Briefs</title></head><body><article><h1>Briefs</h1>"
            + "".join(card(i) for i in range(4)) + "</article></body></html>")
    assert not any(x.rule == "structure.other-article" for x in quietpage.clean(html).removed)

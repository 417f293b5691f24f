"""Article text that an earlier version removed or mangled: each must survive (issue 3's rule: every fixed
false removal gets a test). Captions that end in a credit are covered by dom.legal.credit's own keeps."""
import pytest

import quietpage

P = "<p>" + "Researchers described the new method in a long paper published this week in the journal. " * 3 + "</p>"


def html(inner, lang="en"):
    return f"<html lang='{lang}'><body><article>{P}{inner}{P}</article></body></html>"


@pytest.mark.parametrize("inner,expected", [
    # inline boxes after punctuation are two words, not one
    ("<div class='video-caption'><span>So funktioniert die Anlage.</span><span>© Brandon Martin/ Rice University</span></div>",
     "So funktioniert die Anlage. © Brandon Martin/ Rice University"),
    # a link in parentheses gets no stray space
    ("<p>Gifts on her birthday (<a href='/fall'>Fall 2</a>) will have an 8× effect on friendship.</p>",
     "Gifts on her birthday (Fall 2) will have an 8× effect on friendship."),
    # a source line of a science article is not an image credit
    ("<p>Quelle: Science, Rice University, Princeton University</p>",
     "Quelle: Science, Rice University, Princeton University"),
    # a heading with slashes is a section title, not a credit
    ("<h3>Add-ons / Web Extensions</h3>", "Add-ons / Web Extensions"),
    # a quoted tweet in a wrapper named like a share widget is content too
    ("<div class='social-media-embed'><blockquote class='twitter-tweet'><p>The state spent nearly half a million "
     "dollars on the slogan, and it shows <a href='https://t.co/x'>https://t.co/x</a></p>— Dianna (@dianna) "
     "<a href='https://twitter.com/d/status/1'>November 18, 2019</a></blockquote></div>",
     "The state spent nearly half a million dollars on the slogan, and it shows"),
    # a caption with a slash in it ("signup/login") is not a "Name/Agency" photo credit
    ("<figure><img src='a.png'><figcaption>New signup/login call-to-action in the Pocket doorhanger</figcaption></figure>",
     "New signup/login call-to-action in the Pocket doorhanger"),
    # a quoted tweet in the story is content
    ("<blockquote class='twitter-tweet'><p>Yes this is real and the state spent half a million dollars on it</p>"
     "— Dianna (@dianna) November 18, 2019</blockquote>", "Yes this is real and the state spent half a million dollars on it"),
])
def test_article_text_survives(inner, expected):
    r = quietpage.clean(html(inner, "de" if "funktioniert" in inner else "en"))
    assert expected in " ".join(r.text.split())


def test_lookalike_prose_in_a_paywall_article_survives():
    text = "\n".join([
        "Newspapers have tried many ways to make readers pay for journalism over the past twenty years.",
        "Some sites say 'Subscribe now for unlimited access' while others give a few free articles each month.",
        "The premium tier at one paper costs $15 a month, which analysts call steep for a local title.",
        "Readers told the survey they would rather donate than subscribe, the researchers said on Monday.",
    ])
    r = quietpage.clean(text=text)
    assert " ".join(r.text.split()) == " ".join(text.split())


def test_an_article_inside_a_paywall_wrapper_survives_and_a_pitch_box_does_not():
    """Steady wraps free articles in `steady-paywall-container`: a box with paragraphs of prose is the
    article (a 400-word story was pruned whole), a box with a one-paragraph pitch is furniture."""
    story = "".join(f"<p>Die Gemeinde saniert das Schwimmbad am Binnenkanal, das seit 1972 in Betrieb ist und jeden "
                    f"Tag viel Wasser verliert, wie der Gemeinderat an der Versammlung erklärte. Absatz {i}.</p>"
                    for i in range(5))
    page = ("<html lang='de'><body><h1>Badi Rüthiwil wird saniert</h1><div class='steady-paywall-container'>"
            f"<div class='entry-content'>{story}</div></div>"
            "<div class='paywall-box'><p>Unterstütze unabhängigen Lokaljournalismus: Werde jetzt Mitglied und "
            "lies alle Beiträge ohne Einschränkung für 8 Franken im Monat.</p></div></body></html>")
    r = quietpage.clean(page)
    for i in range(5):
        assert f"Absatz {i}." in r.text
    assert "Werde jetzt Mitglied" not in r.text

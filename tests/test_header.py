"""The title and byline above the first paragraph are metadata the reader view shows itself."""
import quietpage

P = "<p>" + "The council met on Tuesday to debate the harbour plan and its many critics. " * 3 + "</p>"


def page(head):
    return f"<html><head><title>Harbour plan | Daily</title><meta property='og:title' content='Harbour plan approved after long debate'></head><body><article>{head}{P}{P}</article></body></html>"


def test_title_and_byline_go_as_metadata():
    r = quietpage.clean(page("<h1>Harbour plan approved after long debate</h1><p>By Jane Doe</p><p>Updated 5:27 am, November 20, 2019</p>"))
    assert "Jane Doe" not in r.text and "Updated" not in r.text and "Harbour plan approved" not in r.text
    assert {x.category for x in r.removed} >= {"metadata"}


def test_keep_metadata_keeps_them():
    r = quietpage.clean(page("<h1>Harbour plan approved after long debate</h1><p>By Jane Doe</p>"),
                        options={"keep_categories": ["metadata"]})
    assert "By Jane Doe" in r.text


def test_lines_after_the_first_paragraph_are_not_header():
    r = quietpage.clean(page("") .replace(P + P, P + "<p>By the end of 2019 the plan had changed</p>" + P))
    assert "By the end of 2019 the plan had changed" in r.text


def test_headline_below_the_lead_caption_and_its_byline_go():
    cap = "<p>In this photograph taken on Sunday a long row of unsold cars sits at a dealership lot in town.</p>"
    r = quietpage.clean(page(cap + "<h2>Harbour plan approved after long debate</h2><p>By Jane Doe</p>"))
    assert "Jane Doe" not in r.text and "unsold cars" in r.text


def test_a_long_block_repeated_in_a_row_goes_once():
    cap = "<p>In this photograph taken on Sunday a long row of unsold cars sits at a dealership lot in town.</p>"
    r = quietpage.clean(page(cap * 3 + P * 8))
    assert r.text.count("unsold cars") == 1
    assert any(x.rule == "structure.repeat" for x in r.removed)


def test_two_captions_repeated_as_a_pair_go_once():
    a = "<p>In this photograph taken on Sunday a long row of unsold cars sits at a dealership lot in town.</p>"
    b = "<p>The defence minister, left, shakes hands with his counterpart at the ministry in the capital today.</p>"
    r = quietpage.clean(page(a + b + a + b + P * 8))
    assert r.text.count("unsold cars") == 1 and r.text.count("shakes hands") == 1


def test_long_blocks_repeated_apart_stay():
    a = "<p>In this photograph taken on Sunday a long row of unsold cars sits at a dealership lot in town.</p>"
    prose = [f"<p>Paragraph {i}: the council met again to debate the harbour plan, its costs and its many critics.</p>"
             for i in range(10)]
    r = quietpage.clean(page(a + prose[0] + a + "".join(prose[1:])))
    assert r.text.count("unsold cars") == 2


def test_a_short_text_may_repeat_itself():
    line = "<p>I would prefer not to, he said again and again to the lawyer in the office.</p>"
    r = quietpage.clean(f"<html><body><article>{line}{line}{P}</article></body></html>")
    assert r.text.count("I would prefer not to") == 2


DE = "<p>" + "Nach fast vierzig Jahren könnten zwischen den beiden Orten wieder Züge fahren, sagt die Stadt. " * 3 + "</p>"


def test_a_plus_brand_over_the_headline_goes_as_paywall():
    html = (f"<html lang='de'><body><article><div><span>WZ+</span> <span>Kellbach</span></div>"
            f"<p>Von Tobias Renner</p>{DE}{DE}</article></body></html>")
    r = quietpage.clean(html)
    assert "WZ+" not in r.text and "Nach fast vierzig Jahren" in r.text
    assert any(x.category == "paywall" and "WZ+" in x.text for x in r.removed)


def test_a_plus_brand_inside_the_article_stays():
    html = f"<html lang='de'><body><article>{DE}<p>SZ Plus</p>{DE}</article></body></html>"
    assert "SZ Plus" in quietpage.clean(html).text


def test_a_widget_word_by_the_byline_goes_as_social():
    html = (f"<html lang='de'><body><article><p>Von Tobias Renner</p><p>Publiziert: 21.01.2025, 17:30</p>"
            f"<p>Kommentare</p>{DE}{DE}</article></body></html>")
    r = quietpage.clean(html)
    assert "Kommentare" not in r.text and "Nach fast vierzig Jahren" in r.text
    assert any(x.category == "social" and x.text == "Kommentare" for x in r.removed)


def test_a_widget_word_inside_the_article_stays_unless_in_a_run():
    html = f"<html lang='de'><body><article>{DE}<p>Kommentare</p>{DE}</article></body></html>"
    assert "Kommentare" in quietpage.clean(html).text

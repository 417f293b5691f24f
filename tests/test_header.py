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

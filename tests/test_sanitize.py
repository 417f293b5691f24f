"""The HTML we return is safe to insert into an extension page."""
import quietpage

P = "<p>" + "A sentence of the article that is long enough to be kept by the extractor. " * 6 + "</p>"


def test_scripts_handlers_and_js_urls_are_gone():
    html = (f"<html><body><article>{P}<p onclick='x()'>Click <a href='javascript:alert(1)'>here</a> "
            f"<img src='x.png' onerror='alert(1)'></p><script>alert(1)</script>{P}</article></body></html>")
    out = quietpage.clean(html, url="https://ex.example/a/b.html").content_html
    assert "onclick" not in out and "onerror" not in out and "javascript:" not in out and "<script" not in out


def test_lazy_images_and_links_are_absolute():
    html = (f"<html><body><article>{P}<figure><img src='data:image/gif;base64,R0lGOD' data-src='/img/a.jpg' "
            f"data-srcset='/img/a.jpg 1x, /img/a2.jpg 2x'><figcaption>A caption</figcaption></figure>"
            f"<p>See <a href='../c.html'>this</a>.</p>{P}</article></body></html>")
    out = quietpage.clean(html, url="https://ex.example/a/b.html").content_html
    assert 'src="https://ex.example/img/a.jpg"' in out
    assert "https://ex.example/img/a2.jpg 2x" in out
    assert 'href="https://ex.example/c.html"' in out


def test_rtl_and_lang_survive():
    html = f"<html lang='ar' dir='rtl'><body><article><p dir='rtl' lang='ar'>{'مرحبا بالعالم ' * 30}</p>{P}</article></body></html>"
    r = quietpage.clean(html)
    assert r.dir == "rtl" and r.lang == "ar" and 'dir="rtl"' in r.content_html

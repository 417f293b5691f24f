"""A synthetic corpus for site-level repetition: many pages of a few sites, each site with its own
furniture (mastheads, standards notes, desk addresses, section footers) that no rule knows, set inside
the article body where extraction keeps it. Article paragraphs are unique per page.

    pages = site_corpus(seed=1)          # list of dicts: id, url, html, site, title, article, furniture
    write_jsonl(pages, "corpus.jsonl")   # or write_dir(pages, "pages/") (sites by <link rel=canonical>)

`python -m quietpage.batch.synth OUT.jsonl` writes one."""
from __future__ import annotations

import html as htmllib
import json
import os
import random

WORDS = ("council harbour river budget school winter bridge report minister farmers market ferry "
         "hospital vote tenants museum railway drought festival engineers students court mayor bakery "
         "fishermen election storm orchestra library planning workers cyclists reservoir vineyard "
         "archive surgeon tariff courier landlord teacher audit pension quarry lighthouse timber "
         "chamber district clinic regatta satellite laboratory gallery observatory cooperative").split()
VERBS = ("approved delayed questioned announced rejected funded reopened inspected promised "
         "measured expanded reviewed welcomed doubled challenged postponed restored debated").split()
TAILS = ("after a long public meeting", "despite objections from residents", "for the third time this year",
         "under pressure from local groups", "ahead of the spring deadline", "at a cost nobody had expected",
         "following a report by independent auditors", "with support from neighbouring towns")

SITES = {
    "harbourledger.example": {
        "name": "The Harbour Ledger",
        "furniture": [
            "The Harbour Ledger has been owned by its readers since 1987 and answers to no proprietor.",
            "Spotted an error? The standards desk reads every note sent to standards@harbourledger.example.",
            "Filed from the Portmere newsroom, edition 4412.",
            "More from the Coast and Country desk",
        ],
    },
    "news.rivertowns.example.co.uk": {
        "name": "Rivertowns Gazette",
        "furniture": [
            "Rivertowns Gazette reporters cover Lowtide, Marsham and the three river parishes every day.",
            "This story appears in the Gazette's Thursday print edition, page 12.",
            "Gazette journalism is funded by the Rivertowns Community Trust, registered charity 1180223.",
        ],
    },
    "valleypost.example": {
        "name": "Valley Post",
        "furniture": [
            "Valley Post — local news for the upper valley since 1921.",
            "Our reporting follows the Valley Post code of practice, available at the front desk in Hollin Street.",
            "Photographs in this story were taken by Valley Post staff unless marked otherwise.",
            "Part of our Valley Voices coverage",
        ],
    },
}
# An article-like paragraph that some pages share (below the default share): it must stay.
SERIES = "This article is part of an occasional series on how small towns pay for their public services."


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    s = f"The {a} {rng.choice(VERBS)} plans for the {b} {rng.choice(TAILS)}"
    if rng.random() < 0.5:
        c = rng.choice(WORDS)
        s += f", and the {c} said it would respond within {rng.randint(2, 40)} days"
    return s + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))


def page_html(site: str, name: str, title: str, byline: str, article: list[str], furniture: list[str],
              url: str, series: bool) -> str:
    e = lambda s: htmllib.escape(s, quote=False)
    top, bottom = furniture[:1], furniture[1:]
    body = "".join(f"<p>{e(p)}</p>" for p in article)
    if series:
        body = f"<p><em>{e(SERIES)}</em></p>" + body
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)} | {e(name)}</title>
<link rel="canonical" href="{e(url)}"><meta property="og:site_name" content="{e(name)}"></head>
<body><header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{e(title)}</h1><p class="byline">By {e(byline)}</p>
{"".join(f'<p class="standfirst">{e(f)}</p>' for f in top)}
{body}
{"".join(f'<p class="note">{e(f)}</p>' for f in bottom)}
</article></main>
<footer><p>{e(name)}</p></footer></body></html>"""


def site_corpus(pages_per_site: int = 20, seed: int = 1, small_site_pages: int = 3) -> list[dict]:
    """Pages of every site in SITES (`pages_per_site` each) plus a small site below the page minimum."""
    rng = random.Random(seed)
    out = []
    sites = dict(SITES)
    sites["tinyweekly.example"] = {"name": "Tiny Weekly", "furniture": [
        "Tiny Weekly is written and printed in a converted boathouse on Mill Lane."]}
    for site, info in sites.items():
        n = pages_per_site if site != "tinyweekly.example" else small_site_pages
        for i in range(n):
            title = f"{rng.choice(WORDS).capitalize()} {rng.choice(VERBS)} in {rng.choice(WORDS)} row #{i + 1}"
            byline = f"{rng.choice(['Ana', 'Tom', 'Ifeoma', 'Lars', 'Mei', 'Rosa'])} {rng.choice(['Hale', 'Okafor', 'Lind', 'Chen', 'Ruiz'])}"
            article = [_paragraph(rng) for _ in range(rng.randint(4, 7))]
            furniture = [f.replace("4412", str(4400 + i)) for f in info["furniture"]]
            url = f"https://{site}/{i + 1:04d}/{title.split()[0].lower()}-story"
            series = i % 4 == 0          # 25% of a site's pages
            out.append({"id": f"{site}/{i + 1}", "url": url, "site": site, "title": title, "byline": byline,
                        "article": article + ([SERIES] if series else []), "furniture": furniture,
                        "html": page_html(site, info["name"], title, byline, article, furniture, url, series)})
    rng.shuffle(out)             # a crawl interleaves sites
    return out


def write_jsonl(pages: list[dict], path: str, with_url: bool = True) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in pages:
            rec = {"id": p["id"], "html": p["html"]}
            if with_url:
                rec["url"] = p["url"]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_dir(pages: list[dict], path: str) -> None:
    os.makedirs(path, exist_ok=True)
    for p in pages:
        with open(os.path.join(path, p["id"].replace("/", "_") + ".html"), "w", encoding="utf-8") as f:
            f.write(p["html"])


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: python -m quietpage.batch.synth OUT.jsonl")
    write_jsonl(site_corpus(), sys.argv[1])

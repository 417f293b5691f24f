"""Which languages' rules a page gets: its words decide, English always joins."""
from quietpage import language


def test_german_article():
    t = ["Die Stadt hat am Dienstag entschieden, dass der Hafen nicht mit dem neuen Plan umgebaut wird, "
         "und die Bürger sind auf der Seite der Verwaltung, wie es auch im Rat hieß." * 3]
    assert language.detect(t) == frozenset({"de", "en"})


def test_short_text_runs_every_rule():
    assert language.detect(["Subscribe now"]) is None


def test_declared_language_joins():
    t = ["The council met on Tuesday and the harbour plan was approved by the members of the board. " * 5]
    assert "fr" in language.detect(t, declared="fr-FR")

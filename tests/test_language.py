"""Document language: a function-word shortcut for plain English, langdetect for everything else."""
from __future__ import annotations

import pytest

from classifiers import language

ENGLISH = ("Dockworkers at the container port walked off the job on Monday, halting cargo traffic as the "
           "strike over wages began. The union said the strike would continue until the operators agreed "
           "to a new deal, and that its members were ready to stay out for as long as it took.")
GERMAN = ("Die Hafenarbeiter haben am Montag die Arbeit niedergelegt, weil die Verhandlungen über die Löhne "
          "gescheitert sind. Die Gewerkschaft sagte, der Streik werde so lange dauern, bis die Betreiber "
          "einem neuen Vertrag zustimmen, und dass ihre Mitglieder bereit seien.")
FRENCH = ("Les dockers du port ont cessé le travail lundi, après l'échec des négociations sur les salaires. "
          "Le syndicat a déclaré que la grève durerait jusqu'à ce que les exploitants acceptent un nouvel "
          "accord, et que ses membres étaient prêts à tenir aussi longtemps qu'il le faudrait.")


def test_plain_english_prose_is_recognised_without_langdetect(monkeypatch):
    def fail(*_):
        raise AssertionError("langdetect was called")
    monkeypatch.setattr(language, "_factory", fail)  # the shortcut must not need the detector at all
    assert language.detect(ENGLISH) == "en"


@pytest.mark.parametrize("sample,lang", [(GERMAN, "de"), (FRENCH, "fr")])
def test_other_languages_still_go_to_langdetect(sample, lang):
    assert not language._plainly_english(sample)
    assert language.detect(sample) == lang


@pytest.mark.parametrize("sample", [
    "Book Now * " * 30,  # few distinct words: a repeated menu is not evidence of prose
    "Home About Contact Shop Cart Login Search Blog News Events Careers Press Help FAQ Returns",
    ENGLISH[:60],  # too few words to judge
])
def test_menus_and_short_samples_do_not_take_the_shortcut(sample):
    assert not language._plainly_english(sample)


def test_the_shortcut_agrees_with_langdetect_on_english_prose(monkeypatch):
    sample = language.document_sample([ENGLISH, "Menu", "Share this article", ENGLISH.upper()])
    fast = language.detect(sample)
    monkeypatch.setattr(language, "_plainly_english", lambda s: False)
    assert language.detect(sample) == fast == "en"

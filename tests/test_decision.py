"""The decision stage: the cut a document's segments are kept at."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from classifiers.decision import DecisionRule, repeated_runs

SHIPPED_LIKE = DecisionRule(0.5, relative=0.5, floor=0.15)


def test_a_fixed_rule_keeps_exactly_the_scores_at_or_above_its_threshold():
    keep, cut = DecisionRule(0.5).keep(np.array([0.2, 0.5, 0.49, 0.9]))
    assert cut == 0.5
    assert keep.tolist() == [False, True, False, True]


def test_a_document_the_model_is_sure_of_keeps_the_model_threshold():
    assert SHIPPED_LIKE.cut(np.array([0.1, 1.0, 0.45])) == 0.5


def test_a_document_the_model_is_unsure_of_keeps_what_scores_half_its_best():
    scores = np.array([0.05, 0.6, 0.35, 0.29, 0.1])
    keep, cut = SHIPPED_LIKE.keep(scores)
    assert cut == 0.3
    assert keep.tolist() == [False, True, True, False, False]


def test_the_relative_cut_stops_at_the_floor_so_a_page_of_boilerplate_stays_empty():
    keep, cut = SHIPPED_LIKE.keep(np.array([0.12, 0.08, 0.02]))
    assert cut == 0.15
    assert not keep.any()


def test_no_segments_no_cut_to_lower():
    keep, cut = SHIPPED_LIKE.keep(np.zeros(0))
    assert cut == 0.5 and keep.shape == (0,)


@given(st.lists(st.floats(0.0, 1.0), max_size=50), st.floats(0.01, 0.99), st.floats(0.0, 0.99),
       st.floats(0.0, 1.0))
def test_the_cut_never_rises_above_the_threshold_nor_falls_below_the_floor(values, threshold, relative, floor_share):
    rule = DecisionRule(threshold, relative, floor_share * threshold)
    scores = np.array(values, dtype=float)
    keep, cut = rule.keep(scores)
    assert rule.floor <= cut <= threshold or (not relative and cut == threshold)
    assert keep.tolist() == (scores >= cut).tolist()
    if relative and len(scores) and relative * scores.max() >= threshold:  # sure of the document: the fixed cut
        assert cut == threshold
    if relative and len(scores) and scores.max() >= rule.floor:  # every page has content: its best segment stays
        assert keep[scores.argmax()]


# A story, then the site's list of other stories under a heading: titles and first sentences that
# score like prose segment by segment.
STORY = ["Dock workers walked out on Monday after talks over night-shift pay broke down for the third "
         "time this year, leaving container ships queued in the estuary and hauliers waiting at the gates.",
         "The union said the offer did not cover the cost of living, and the port authority said it would "
         "return to the table only once the blockade of the northern terminal had been lifted by the pickets.",
         "Talks resume on Thursday."]
TAIL = ["You might also like", "Ten gardens to visit this spring",
        "From walled kitchen gardens to wild meadows, these are the places to go."]
TAIL_TEASERS = DecisionRule(0.5, relative=0.5, floor=0.15, tail_teasers=True)


def test_a_teaser_heading_after_the_story_drops_itself_and_the_teasers_after_it():
    scores = np.array([0.97, 0.95, 0.8, 0.6, 0.7, 0.75])
    keep, cut = TAIL_TEASERS.keep(scores, STORY + TAIL)
    assert keep.tolist() == [True, True, True, False, False, False]
    assert cut == SHIPPED_LIKE.cut(scores)  # the score cut itself is unchanged
    assert SHIPPED_LIKE.keep(scores, STORY + TAIL)[0].all()  # without the option: the plain cut


def test_a_teaser_heading_followed_by_a_confident_long_paragraph_is_not_an_end():
    texts = STORY + ["Read more", "Negotiators for both sides said a deal was close, but the pickets stayed at the "
                                  "gates through the night and the ships remained at anchor off the harbour wall."]
    scores = np.array([0.97, 0.95, 0.8, 0.6, 0.95])
    assert TAIL_TEASERS.keep(scores, texts)[0].tolist() == [True, True, True, True, True]


def test_a_teaser_heading_early_in_the_text_is_left_to_the_scores():
    texts = ["Related", *STORY, *STORY]  # most of the kept words come after the heading
    scores = np.array([0.6] + [0.9] * 6)
    assert TAIL_TEASERS.keep(scores, texts)[0].all()


def test_the_tail_cut_needs_the_texts_and_never_acts_on_an_explicit_threshold():
    scores = np.array([0.97, 0.95, 0.8, 0.6, 0.7, 0.75])
    assert TAIL_TEASERS.keep(scores)[0].all()
    assert DecisionRule(0.5).keep(scores, STORY + TAIL)[0].all()


# A page that carries its story twice (a hidden mobile copy, a quoted post): the second copy goes.
PARAGRAPHS = [
    "The harbour authority said on Monday that the strike would continue until the new contract is signed.",
    "Dock workers have walked out twice this year over pay, and shipping lines have begun to divert cargo.",
    "Negotiations resume on Thursday, when both sides meet again with a mediator appointed by the ministry.",
]
REPEATS = DecisionRule(0.5, relative=0.5, floor=0.15, repeats=True)


def test_a_long_run_of_repeated_segments_is_dropped_and_reported():
    texts = PARAGRAPHS + ["Comments"] + PARAGRAPHS
    scores = np.array([0.95, 0.9, 0.92, 0.1, 0.93, 0.9, 0.91])
    decision = REPEATS.decide(scores, texts)
    assert decision.keep.tolist() == [True, True, True, False, False, False, False]
    assert decision.repeated.tolist() == [False, False, False, False, True, True, True]
    assert REPEATS.keep(scores, texts)[0].tolist() == decision.keep.tolist()
    assert SHIPPED_LIKE.keep(scores, texts)[0].sum() == 6  # without the option: the plain cut


def test_short_repeats_and_interleaved_repeats_stay():
    # A repeated date line, and a repeated block of terms under two different offers: GT-like text
    # that says the same short thing again is kept (the run stays under 50 words).
    terms = "Offer valid for new customers only. Not combinable with other offers."
    texts = ["March 4, 2026", "Spring sale on all sofas", terms, "March 4, 2026", "Winter sale on all beds", terms]
    scores = np.full(len(texts), 0.9)
    decision = REPEATS.decide(scores, texts)
    assert decision.keep.all() and not decision.repeated.any()


def test_repeats_of_dropped_text_do_not_count():
    texts = PARAGRAPHS + PARAGRAPHS
    scores = np.array([0.1, 0.1, 0.1, 0.9, 0.9, 0.9])  # the first copy is boilerplate: the second is the only one
    assert REPEATS.keep(scores, texts)[0].tolist() == [False, False, False, True, True, True]


def test_repeat_removal_needs_the_texts_and_an_explicit_threshold_turns_it_off():
    texts = PARAGRAPHS + PARAGRAPHS
    scores = np.full(6, 0.9)
    assert REPEATS.keep(scores)[0].all()
    assert DecisionRule(0.5).keep(scores, texts)[0].all()


def test_repeated_runs_finds_a_whole_long_list_printed_twice():
    texts = [f"item number {i} of the catalogue, with its own description" for i in range(20000)]
    texts = texts + texts  # the whole list twice
    keep = np.ones(len(texts), bool)
    out = repeated_runs(texts, keep)
    assert not out[:20000].any() and out[20000:].all()


# --- Foreign fact boxes -----------------------------------------------------------------------------

FERRY_STORY = [
    "Crews on the three ferries linking the islands walked off the job at six o'clock on Tuesday morning, "
    "leaving thousands of daily passengers without a crossing during the first stoppage in nineteen years.",
    "The operator said it had cancelled every scheduled sailing for two days, while a chartered water taxi "
    "would carry medical staff and patients with hospital appointments across the sound to the mainland.",
    "The union says a new rota stretched the longest shifts from ten hours to fourteen and cut the rest "
    "between shifts to nine hours, and that the company withdrew its offer before the crews could vote.",
    "Pickets stood beside a brazier at the quay, where one deckhand said the dispute was about safety at "
    "sea rather than pay, and warned that tired crews on long shifts would sooner or later make mistakes.",
    "Councillors said the contract with the operator would be reviewed when it expires next spring, and "
    "the union has said a second, longer stoppage will follow if no agreement is reached this month.",
]
SPEC_SHEET = ["The specs", "Price: £31,450 (as tested £34,900)", "Engine: 1.5-litre turbocharged petrol",
              "Gearbox: seven-speed dual-clutch automatic", "Power: 161bhp at 5,500rpm"]
FACT_BOXES = DecisionRule(0.5, relative=0.5, floor=0.15, fact_boxes=True)


def _decide(rule, texts, scores):
    from classifiers.features import featurize
    return rule.keep(np.array(scores), texts, featurize(texts, "en").terms)[0]


def test_a_spec_sheet_of_another_page_after_the_story_is_dropped():
    texts = FERRY_STORY + SPEC_SHEET
    keep = _decide(FACT_BOXES, texts, [0.95] * 5 + [0.2, 0.65, 0.7, 0.68, 0.7])
    assert keep.tolist() == [True] * 5 + [False] * 5
    assert _decide(SHIPPED_LIKE, texts, [0.95] * 5 + [0.2, 0.65, 0.7, 0.68, 0.7]).sum() == 9  # without the option


FOREIGN_RUNS = DecisionRule(0.5, relative=0.5, floor=0.15, fact_boxes=True, foreign_runs=True)
WIDGET = ["Your local weather", "Penwick", "Today 14°C Cloudy", "Tonight 7°C Light rain"]


def test_with_foreign_runs_any_short_run_sharing_no_word_with_the_story_is_dropped():
    texts = FERRY_STORY[:3] + WIDGET + FERRY_STORY[3:]
    scores = [0.95] * 3 + [0.6] * 4 + [0.95] * 2
    assert _decide(FACT_BOXES, texts, scores).all()  # not "key: value": the fact-box rule alone keeps it
    assert _decide(FOREIGN_RUNS, texts, scores).tolist() == [True] * 3 + [False] * 4 + [True] * 2


def test_a_headline_alone_under_a_long_menu_is_not_a_foreign_run():
    menu = [f"{section} {n}" for n in range(10) for section in ("Sport", "Weather", "Business")]
    texts = menu + ["Island ferries halted as pay talks collapse"] + FERRY_STORY
    scores = [0.05] * len(menu) + [0.6] + [0.95] * 5
    assert _decide(FOREIGN_RUNS, texts, scores)[len(menu):].all()
    widget_rule = DecisionRule(0.5, relative=0.5, floor=0.15, foreign_runs=True)  # without the "key: value" boxes
    assert _decide(widget_rule, FERRY_STORY[:3] + WIDGET + FERRY_STORY[3:], [0.95] * 3 + [0.6] * 4 + [0.95] * 2).sum() == 5


def test_foreign_runs_keep_a_run_that_shares_words_with_the_story():
    own = ["Ferry strike", "Crews walk out", "Sailings cancelled", "Union says rota unsafe"]
    assert _decide(FOREIGN_RUNS, FERRY_STORY + own, [0.95] * 5 + [0.6] * 4).all()


def test_a_spec_sheet_as_two_column_table_rows_is_dropped_too():
    rows = ["Price | £31,450", "Engine | 1.5-litre turbocharged petrol", "Gearbox | seven-speed automatic",
            "Power | 161bhp at 5,500rpm"]
    assert _decide(FACT_BOXES, FERRY_STORY + rows, [0.95] * 5 + [0.6] * 4).tolist() == [True] * 5 + [False] * 4
    menu = ["Home | News | Sport", "About | Contact | Jobs", "Privacy | Terms | Cookies"]  # more cells: not a box
    assert _decide(FACT_BOXES, FERRY_STORY + menu, [0.95] * 5 + [0.6] * 3).all()


def test_a_spec_sheet_between_paragraphs_is_dropped_too():
    texts = FERRY_STORY[:2] + SPEC_SHEET + FERRY_STORY[2:]
    keep = _decide(FACT_BOXES, texts, [0.95] * 2 + [0.2] + [0.7] * 4 + [0.95] * 3)
    assert keep.tolist() == [True] * 2 + [False] * 5 + [True] * 3


def test_a_box_the_model_is_sure_of_or_whose_kept_lines_are_not_all_key_value_stays():
    # A game's own system requirements under a heading the model keeps, or a list it is sure of:
    # the box is part of the page, whatever its words.
    texts = FERRY_STORY + SPEC_SHEET
    assert _decide(FACT_BOXES, texts, [0.95] * 5 + [0.6] + [0.7] * 4).all()
    assert _decide(FACT_BOXES, texts, [0.95] * 5 + [0.2] + [0.9] * 4).sum() == 9


def test_a_story_s_own_key_value_list_stays():
    # The same shape, but its words are the story's: who, where, when of the strike.
    own = ["Key facts", "Route: the three ferries across the sound", "Union: crews on fourteen-hour shifts",
           "Stoppage: two days of cancelled sailings"]
    texts = FERRY_STORY + own
    assert _decide(FACT_BOXES, texts, [0.95] * 5 + [0.7] * 4).all()


def test_a_menu_after_a_story_s_own_list_does_not_make_it_look_foreign():
    # Dropped lines of the same run that are not "key: value" (a footer menu) do not count as the box's words.
    own = ["Route: the three ferries across the sound", "Union: crews on fourteen-hour shifts",
           "Stoppage: two days of cancelled sailings"]
    menu = [f"{word} news" for word in ("Sport", "Weather", "Business", "Culture", "Travel", "Puzzles")] * 6
    texts = FERRY_STORY + own + menu
    assert _decide(FACT_BOXES, texts, [0.95] * 5 + [0.7] * 3 + [0.05] * len(menu))[:8].all()


def test_a_box_of_more_than_a_fifth_of_the_kept_words_stays():
    box = [f"Spec {i}: turbocharged petrol engine gearbox torque figures" for i in range(8)]  # 7 words a line
    assert sum(len(t.split()) for t in FERRY_STORY) == 170
    assert _decide(FACT_BOXES, FERRY_STORY + box, [0.95] * 5 + [0.7] * 8).all()  # 56 words: the story is 3x it
    assert not _decide(FACT_BOXES, FERRY_STORY + box[:4], [0.95] * 5 + [0.7] * 4)[5:].any()  # 28: 6x


def test_a_page_made_of_such_lines_and_a_short_text_keep_them():
    listing = [f"Trail {i}: {i + 2} miles, beginner" for i in range(30)]  # the fields are the page's content
    assert _decide(FACT_BOXES, FERRY_STORY[:1] + listing, [0.9] * 31).all()
    assert _decide(FACT_BOXES, FERRY_STORY[:1] + SPEC_SHEET, [0.9] * 6).all()  # too little text to compare with


def test_urls_and_commands_are_not_key_value_lines():
    commands = ["rsync -t -l -r ps:site/ www-site/", "https://example.org/one", "sftp://example.org/two"]
    assert _decide(FACT_BOXES, FERRY_STORY + commands, [0.95] * 5 + [0.8] * 3).all()


@given(st.lists(st.sampled_from(FERRY_STORY + SPEC_SHEET + ["Share this", "Power: 20 kW"]), max_size=40),
       st.integers(0, 2**32 - 1))
def test_the_fact_box_rule_only_ever_drops_kept_segments_of_short_runs(texts, seed):
    scores = np.random.default_rng(seed).random(len(texts))
    base = _decide(DecisionRule(0.5, relative=0.5, floor=0.15), texts, scores)
    keep = _decide(FACT_BOXES, texts, scores)
    assert not (keep & ~base).any()
    dropped = np.flatnonzero(base & ~keep)
    assert all(len(texts[i].split()) <= 12 for i in dropped)

"""The headline the study would pick (issues 12/13): which of a paper's own results is its headline when it
reports an ensemble beside a single model, several model sizes, or leaderboard figures.

Cues (cues.model_count_cues) are read from the words of each number and from table rows; the choice
(results.headline_of, which the learned scorer's selection calls) follows the curation convention of the
benchmark. Every sentence and table here is written for these tests, about made-up models.
"""
from __future__ import annotations

import pymupdf
import pytest

from extractors.cues import model_count_cues
from extractors.document import DocumentText, Sentence, TableRegion
from extractors.records import Candidate, Evidence
from extractors.results import extract_results, headline_of
from extractors.scoring import select_all
from extractors.tables import result_table_pages
from extractors.text import read_document


def make_doc(*sentences: str, title: str = "Larkspur: Reading With Gates", tables=()) -> DocumentText:
    items = [Sentence(page=1, text=t, section="experiments", index=i) for i, t in enumerate(sentences)]
    return DocumentText(arxiv_id="0000.00000", pages=["\n".join(sentences)], sentences=items, title=title,
                        tables=list(tables))


def by_value(cands, value: float) -> Candidate:
    found = [c for c in cands if c.attrs["value"] == value]
    assert found, f"no candidate with value {value}"
    return found[0]


# ------------------------------------------------------------------ cue words

@pytest.mark.parametrize("text, cues", [
    ("Larkspur (ensemble)", {"ensemble"}),
    ("Larkspur-L (Ens. + extra data)", {"ensemble"}),
    ("Larkspur (Sgl. + extra data)", {"single_model"}),
    ("a combination of 6 nets, dense evaluation", {"ensemble", "multi_view"}),
    ("Larkspur (1 net, 10-crop)", {"single_model", "multi_view"}),
    ("our lone single-model run with single-scale inference", {"single_model", "single_view"}),
    ("scores from the public leaderboard", {"leaderboard"}),
    ("submitted to the evaluation server", {"leaderboard"}),
])
def test_cue_words(text, cues):
    assert {k for k, v in model_count_cues(text).items() if v} == cues


@pytest.mark.parametrize("text", [
    "we fine-tune on a single Cloud TPU for half an hour",  # one chip, not one model
    "Larkspur V2 models come in several widths",  # "2 models" inside a name
    "every layer is a single linear map",
])
def test_words_that_are_not_model_count_cues(text):
    found = model_count_cues(text)
    assert not found["ensemble"] and not found["single_model"]


# ------------------------------------------------------------------ sentences: the words of each number

def test_the_subject_of_a_list_gives_both_numbers_to_the_ensemble():
    cands = extract_results(make_doc(
        "On the SQuAD 1.1 test set, Larkspur (ensemble) reaches an EM score of 71.9 and an F1 score of 80.4."))
    for value in (71.9, 80.4):
        assert by_value(cands, value).features["ensemble"]


def test_a_cue_after_the_number_wins_over_the_clause_before_it():
    cands = extract_results(make_doc(
        "Our newest SQuAD 1.1 entry on the public leaderboard scores 83.0 EM for the ensemble, while a "
        "single model of ours scores 81.3 EM."))
    assert by_value(cands, 83.0).features["ensemble"] and not by_value(cands, 83.0).features["single_model"]
    assert by_value(cands, 83.0).features["leaderboard"]
    assert by_value(cands, 81.3).features["single_model"] and not by_value(cands, 81.3).features["ensemble"]


def test_a_cue_after_a_pair_of_numbers_speaks_of_both():
    cands = extract_results(make_doc(
        "On the SQuAD 1.1 test set our reader reaches EM/F1 = 78.2/85.7 with a single model."))
    assert by_value(cands, 78.2).features["single_model"]


def test_ensembles_of_other_work_later_in_the_sentence_do_not_mark_our_number():
    cands = extract_results(make_doc(
        "For WMT 2014 English-to-German our translator scores 28.9 BLEU, ahead of every earlier system "
        "including ensembles."))
    c = by_value(cands, 28.9)
    assert not c.features["ensemble"] and not c.features["single_model"]


def test_single_model_subject_before_the_number():
    cands = extract_results(make_doc(
        "Evaluated with a single model, Larkspur lowers the ImageNet top-5 validation error to 4.81%."))
    assert by_value(cands, 4.81).features["single_model"]


# ------------------------------------------------------------------ the choice

def cand(dataset: str, metric: str, value: float, confidence: float, **features) -> Candidate:
    attrs = {"dataset": dataset, "metric": metric, "value": value}
    c = Candidate(field="results", attrs=attrs, value=value, unit="%", raw_text=str(value), confidence=confidence,
                  evidence=Evidence(page=1, sentence=f"row {value}", char_start=0, char_end=4, section="table"),
                  extractor="test")
    c.features.update({"split": "test", **features})
    return c


def test_squad_headline_is_the_single_model_the_paper_names():
    group = [cand("SQuAD 1.1", "F1", 89.4, 0.97, ensemble=True),
             cand("SQuAD 1.1", "F1", 86.9, 0.62, single_model=True),
             cand("SQuAD 1.1", "F1", 84.0, 0.58)]
    assert headline_of(group, 0.5).attrs["value"] == 86.9


def test_coco_headline_is_the_single_model_too():
    group = [cand("COCO", "AP", 47.9, 0.95, ensemble=True), cand("COCO", "AP", 45.2, 0.8, single_model=True)]
    assert headline_of(group, 0.5).attrs["value"] == 45.2


def test_squad_ensemble_stays_when_no_number_is_called_a_single_models():
    # A row that says nothing (a competitor the scorer half trusts) does not displace the ensemble.
    group = [cand("SQuAD 1.1", "EM", 80.2, 0.95, ensemble=True), cand("SQuAD 1.1", "EM", 77.0, 0.55)]
    assert headline_of(group, 0.5).attrs["value"] == 80.2


def test_squad_single_model_below_the_threshold_is_not_chosen():
    group = [cand("SQuAD 1.1", "EM", 80.2, 0.95, ensemble=True),
             cand("SQuAD 1.1", "EM", 77.0, 0.35, single_model=True)]
    assert headline_of(group, 0.5).attrs["value"] == 80.2


def test_imagenet_and_wmt_keep_the_papers_best_ensembles_included():
    imagenet = [cand("ImageNet", "top-5 error", 4.1, 0.96, ensemble=True),
                cand("ImageNet", "top-5 error", 5.2, 0.93, single_model=True)]
    assert headline_of(imagenet, 0.5).attrs["value"] == 4.1
    wmt = [cand("WMT14 EN-DE", "BLEU", 27.9, 0.9, ensemble=True),
           cand("WMT14 EN-DE", "BLEU", 26.8, 0.92, single_model=True)]
    assert headline_of(wmt, 0.5).attrs["value"] == 27.9


def test_near_ties_go_to_the_better_score_far_ones_to_the_scorer():
    # The abstract's model (0.98) and the larger backbone of the results table (0.9): the study keeps the best.
    group = [cand("COCO", "AP", 41.3, 0.98), cand("COCO", "AP", 42.6, 0.9)]
    assert headline_of(group, 0.5).attrs["value"] == 42.6
    group = [cand("COCO", "AP", 41.3, 0.98), cand("COCO", "AP", 44.0, 0.6)]  # much less sure: not a tie
    assert headline_of(group, 0.5).attrs["value"] == 41.3
    # Error metrics: the better score is the lower error.
    group = [cand("ImageNet", "top-1 error", 22.4, 0.95), cand("ImageNet", "top-1 error", 21.7, 0.88)]
    assert headline_of(group, 0.5).attrs["value"] == 21.7


def test_a_test_split_wins_a_tie_over_a_higher_dev_score():
    group = [cand("SQuAD 1.1", "F1", 88.2, 0.9), cand("SQuAD 1.1", "F1", 89.0, 0.92, split="dev")]
    assert headline_of(group, 0.5).attrs["value"] == 88.2


def test_nothing_confident_means_no_headline():
    assert headline_of([cand("COCO", "AP", 41.3, 0.4)], 0.5) is None


def test_the_scorer_selection_uses_the_convention():
    members = [cand("SQuAD 1.1", "F1", 89.4, 0.97, ensemble=True),
               cand("SQuAD 1.1", "F1", 86.9, 0.7, single_model=True),
               cand("COCO", "AP", 41.3, 0.98), cand("COCO", "AP", 42.6, 0.9)]
    select_all(members, {"results"})
    assert {c.attrs["value"] for c in members if c.is_best} == {86.9, 42.6}


# ------------------------------------------------------------------ a results table drawn by the test

def _squad_table_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), "Larkspur: Reading With Gates", fontsize=15)
    page.insert_text((60, 100), "Abstract", fontsize=11)
    page.insert_text((60, 118), "We present Larkspur, a gated reader, and test Larkspur on SQuAD 1.1.", fontsize=9)
    page.insert_text((60, 200), "Table 2: Results on the SQuAD 1.1 test set.", fontsize=8)
    y = 230
    page.draw_line((52, y - 10), (560, y - 10))
    for x, text in ((330, "EM"), (420, "F1")):
        page.insert_text((x, y), text, fontsize=8.5)
    y += 12
    page.draw_line((52, y - 8), (560, y - 8))
    for label, em, f1 in (("Quokka Reader [12]", "70.1", "78.9"), ("Larkspur (single)", "72.4", "81.0"),
                          ("Larkspur (ensemble)", "75.8", "83.6")):
        for x, text in ((60, label), (330, em), (420, f1)):
            page.insert_text((x, y), text, fontsize=8.5)
        y += 12
    page.draw_line((52, y - 8), (560, y - 8))
    return pdf


def test_table_rows_carry_the_cues_and_the_selection_takes_the_single_model():
    doc = read_document(_squad_table_pdf().tobytes(), word_pages=result_table_pages)
    cands = [c for c in extract_results(doc, None) if c.features.get("source") == "table"]
    assert by_value(cands, 75.8).features["ensemble"] and by_value(cands, 72.4).features["single_model"]
    assert not by_value(cands, 70.1).features["ensemble"]
    # The rules' choice (the scorer's rule_best feature) and the selection after scoring (rule
    # confidences standing in for the model's) both follow the SQuAD convention.
    assert {(c.attrs["metric"], c.attrs["value"]) for c in cands if c.is_best} == {("EM", 72.4), ("F1", 81.0)}
    select_all(cands, {"results"})
    assert {(c.attrs["metric"], c.attrs["value"]) for c in cands if c.is_best} == {("EM", 72.4), ("F1", 81.0)}


def test_a_dev_set_single_model_does_not_replace_a_test_set_ensemble():
    group = [cand("SQuAD 1.1", "F1", 89.4, 0.97, ensemble=True),
             cand("SQuAD 1.1", "F1", 88.0, 0.9, single_model=True, split="dev")]
    assert headline_of(group, 0.5).attrs["value"] == 89.4


def test_a_repeated_value_takes_the_run_mark_of_the_mention_that_gives_one():
    # The abstract's number says nothing about the run; the table row with the same number is the ensemble's.
    table = TableRegion(page=2, caption="Table 3: Reading results on SQuAD 1.1 (test).", rows=[
        ["System", "EM", "F1"],
        ["Quokka Reader [12]", "70.1", "78.9"],
        ["Larkspur (single)", "72.4", "81.0"],
        ["Larkspur (ensemble)", "75.8", "83.6"],
    ])
    doc = make_doc("Larkspur lifts the SQuAD 1.1 test F1 to 83.6, a new best.", tables=[table])
    cands = extract_results(doc, None)
    prose = [c for c in cands if c.attrs["value"] == 83.6 and c.features.get("source") == "sentence"]
    assert prose and prose[0].features["ensemble"] and prose[0].features["run_mark_from_repeat"]
    assert not by_value(cands, 70.1).features.get("run_mark_from_repeat")
    select_all(cands, {"results"})
    best = {(c.attrs["metric"], c.attrs["value"]) for c in cands if c.is_best}
    assert ("F1", 81.0) in best and ("F1", 83.6) not in best


def _at(c: Candidate, sentence: str, split: str = "val") -> Candidate:
    c.evidence = Evidence(page=3, sentence=sentence, char_start=0, char_end=4, section="table")
    c.features["split"] = split
    return c


def test_top5_follows_top1_to_the_same_run():
    row = "Table 4: Validation error | Larkspur-XL 20.9 5.6"
    members = [_at(cand("ImageNet", "top-1 error", 20.9, 0.93), row),
               _at(cand("ImageNet", "top-5 error", 5.6, 0.86), row),
               # a combination of several networks on the test server: its top-5 alone, more probable
               _at(cand("ImageNet", "top-5 error", 4.2, 0.97, ensemble=True), "Table 6: Test | 4 nets 4.2", "test")]
    select_all(members, {"results"})
    assert {c.attrs["value"] for c in members if c.is_best} == {20.9, 5.6}


def test_top5_keeps_its_own_choice_when_the_top1_run_gives_none_confidently():
    members = [_at(cand("ImageNet", "top-1 error", 20.9, 0.93), "row A"),
               _at(cand("ImageNet", "top-5 error", 5.6, 0.3), "row A"),
               _at(cand("ImageNet", "top-5 error", 4.2, 0.97), "row B")]
    select_all(members, {"results"})
    assert {c.attrs["value"] for c in members if c.is_best} == {20.9, 4.2}


def test_same_run_needs_the_same_split():
    members = [_at(cand("ImageNet", "top-1 error", 20.9, 0.93), "row A", "val"),
               _at(cand("ImageNet", "top-5 error", 5.1, 0.9), "row A", "test"),
               _at(cand("ImageNet", "top-5 error", 5.6, 0.88), "row A", "val")]
    select_all(members, {"results"})
    assert {c.attrs["value"] for c in members if c.is_best} == {20.9, 5.6}


def test_the_top5_choice_stays_when_the_paired_run_gives_the_same_number():
    members = [_at(cand("ImageNet", "top-1 error", 23.9, 0.93), "row A", "val"),
               _at(cand("ImageNet", "top-5 error", 6.9, 0.55), "row A", "val"),
               _at(cand("ImageNet", "top-5 error", 6.9, 0.97), "Our two networks together reach 6.9%", "test")]
    select_all(members, {"results"})
    assert [c.confidence for c in members if c.is_best and c.attrs["metric"] == "top-5 error"] == [0.97]


# ------------------------------------------------------------------ one run per benchmark

def test_an_ensemble_metric_gives_way_to_the_single_model_run_of_the_other_metric():
    # EM's most probable number is the ensemble's (prose), F1's the single model's (a table row with both):
    # SQuAD is curated by its single model, so EM comes from the F1's row, however unsure that cell is.
    row = "Table 3: Dev results | Larkspur (single) 71.2 80.4"
    members = [_at(cand("SQuAD 1.1", "EM", 75.9, 0.9, ensemble=True), "Our ensemble reaches 75.9 EM.", "test"),
               _at(cand("SQuAD 1.1", "F1", 80.4, 0.93, single_model=True), row),
               _at(cand("SQuAD 1.1", "EM", 71.2, 0.35), row)]
    select_all(members, {"results"})
    assert {(c.attrs["metric"], c.attrs["value"]) for c in members if c.is_best} == {("EM", 71.2), ("F1", 80.4)}
    # The cell's own confidence is raised to the less sure of the two headlines, so it is not left for review.
    assert by_value(members, 71.2).confidence == pytest.approx(0.9)


def test_a_leaderboard_metric_takes_the_row_that_repeats_the_other_metrics_headline():
    # F1's headline is a prose sentence; the results table repeats it in a row that also gives the EM.
    prose = "Trained with extra paraphrases, Larkspur scores 83.1 F1 on the hidden test set."
    row = "Table 2: Comparison on SQuAD | Test: Larkspur + paraphrases 74.0/83.1"
    members = [_at(cand("SQuAD 1.1", "F1", 83.1, 0.99, single_model=True), prose, "test"),
               _at(cand("SQuAD 1.1", "EM", 79.8, 0.95, leaderboard=True), "Footnote: online board EM 79.8", ""),
               _at(cand("SQuAD 1.1", "F1", 83.1, 0.8), row, ""),
               _at(cand("SQuAD 1.1", "EM", 74.0, 0.2), row, "")]
    select_all(members, {"results"})
    assert {(c.attrs["metric"], c.attrs["value"]) for c in members if c.is_best} == {("EM", 74.0), ("F1", 83.1)}


def test_coco_ensemble_ap_follows_the_single_model_ap50_row():
    single = "Table 7 | Kestrel + multi-scale 57.0 36.2"
    members = [_at(cand("COCO", "AP50", 57.0, 0.95, single_model=True), single, "test-dev"),
               _at(cand("COCO", "AP", 36.2, 0.4), single, "test-dev"),
               _at(cand("COCO", "AP", 38.8, 0.9, ensemble=True), "Table 7 | ensemble 60.1 38.8", "test-dev")]
    select_all(members, {"results"})
    assert {(c.attrs["metric"], c.attrs["value"]) for c in members if c.is_best} == {("AP50", 57.0), ("AP", 36.2)}


def test_ensembles_stay_where_the_benchmark_records_the_best_or_no_single_run_is_given():
    # ImageNet is curated by the paper's best, ensembles included: nothing moves.
    members = [_at(cand("ImageNet", "top-1 error", 19.1, 0.9, ensemble=True), "Table 5 | 6 nets 19.1 4.0", "test"),
               _at(cand("ImageNet", "top-5 error", 4.0, 0.9, ensemble=True), "Table 5 | 6 nets 19.1 4.0", "test")]
    select_all(members, {"results"})
    assert {c.attrs["value"] for c in members if c.is_best} == {19.1, 4.0}
    # SQuAD with both metrics the ensemble's: no single-model run to move to, the ensemble stays.
    row = "Table 3 | Larkspur (ensemble) 75.9 83.8"
    squad = [_at(cand("SQuAD 1.1", "EM", 75.9, 0.9, ensemble=True), row, "test"),
             _at(cand("SQuAD 1.1", "F1", 83.8, 0.9, ensemble=True), row, "test")]
    select_all(squad, {"results"})
    assert {c.attrs["value"] for c in squad if c.is_best} == {75.9, 83.8}
    # The anchor's row gives no EM: the ensemble EM stays rather than taking another row's.
    other = [_at(cand("SQuAD 1.1", "EM", 75.9, 0.9, ensemble=True), "Our ensemble gets 75.9 EM.", "test"),
             _at(cand("SQuAD 1.1", "F1", 80.4, 0.93, single_model=True), "Table 3 | Larkspur (single) 80.4"),
             _at(cand("SQuAD 1.1", "EM", 70.0, 0.3), "Table 4 | Quokka Reader 70.0 79.0")]
    select_all(other, {"results"})
    assert {c.attrs["value"] for c in other if c.is_best} == {75.9, 80.4}

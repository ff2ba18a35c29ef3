"""Evaluation regimes of results (extractors/eval_regime.py): zero-/one-/few-shot, in-context, probes and
fine-tuned results, from sentences, table headers / rows / captions and a PDF the test draws; the
tricky negatives (a few-shot learning benchmark, a contrast with zero-shot methods, a table with both
fine-tuned and few-shot columns). Sentences are our own wording."""
from __future__ import annotations

import pymupdf
import pytest

from extractors.document import DocumentText, Sentence, TableRegion
from extractors.eval_regime import regime_in, table_regime
from extractors.results import extract_results


def regime_of_number(sentence: str, number: str):
    found = regime_in(sentence, sentence.index(number))
    return (found.kind, found.k) if found else None


@pytest.mark.parametrize("sentence, number, expected", [
    ("Evaluated zero-shot, the largest Wren model reaches 71.3% top-1 accuracy on ImageNet.", "71.3",
     ("zero-shot", 0)),
    ("In the 0-shot setting Wren-XL answers with 41.0 F1 on the SQuAD 2.0 dev set.", "41.0", ("zero-shot", 0)),
    ("Given a single worked example (1-shot), our system obtains 58.4 F1 on SQuAD 2.0.", "58.4", ("one-shot", 1)),
    ("With eight demonstrations in its context window (8-shot) the model scores 62.9 F1.", "62.9", ("few-shot", 8)),
    ("Used as a few-shot learner, Wren translates WMT'14 English-German at 24.1 BLEU.", "24.1", ("few-shot", None)),
    ("Through in-context learning alone, it gets to 30.2 BLEU on the WMT 2014 En-Fr test set.", "30.2",
     ("few-shot", None)),
    ("When prompted with the question only, our model returns 47.7 F1 on SQuAD 2.0.", "47.7", ("few-shot", None)),
    ("Without any fine-tuning, the pretrained network labels CoNLL-2003 entities at 61.5 F1.", "61.5",
     ("zero-shot", None)),
    ("A linear probe trained on top of frozen features yields 79.9% top-1 accuracy.", "79.9",
     ("linear probe", None)),
    ("Logistic regression on the frozen representations of Wren reaches 83.0% top-1 on ImageNet.", "83.0",
     ("linear probe", None)),
    ("After fine-tuning on the training split, Wren-XL gets to 90.4 F1 on SQuAD 2.0.", "90.4", ("fine-tuned", None)),
])
def test_regime_forms_in_sentences(sentence, number, expected):
    assert regime_of_number(sentence, number) == expected


@pytest.mark.parametrize("sentence, number", [
    # A meta-learning benchmark: "few-shot learning" names the task and 5-way 1-shot the episode; the
    # model is trained on the benchmark's base classes, so the result is a trained one.
    ("On the miniImageNet few-shot learning benchmark our learner reaches 61.2% accuracy.", "61.2"),
    ("Our prototype classifier scores 49.6% on 5-way 1-shot episodes of tieredImageNet.", "49.6"),
    ("We report 77.0% top-1 accuracy, a number far above those of zero-shot methods.", "77.0"),
    # "in context" as plain English, and prompting as another verb, are no regime.
    ("Read in context with the other results, our parser reaches 93.1 F1 on the test set.", "93.1"),
])
def test_task_names_and_other_words_are_no_regime(sentence, number):
    assert regime_of_number(sentence, number) is None


def test_contrast_with_zero_shot_methods_leaves_the_fine_tuned_number_trained():
    text = "We fine-tune every layer and obtain 85.1% accuracy on ImageNet, unlike zero-shot approaches."
    assert regime_of_number(text, "85.1") == ("fine-tuned", None)
    text = "Our adapted model scores 88.2 F1, well above what zero-shot prompting gives."
    assert regime_of_number(text, "88.2") is None  # the zero-shot cue is held off by the contrast "above what"


def test_each_number_takes_the_regime_of_its_own_clause():
    text = "Our model obtains 90.4 F1 after fine-tuning, while the zero-shot variant stays at 55.0 F1."
    assert regime_of_number(text, "90.4") == ("fine-tuned", None)
    assert regime_of_number(text, "55.0") == ("zero-shot", 0)


def test_table_levels_most_specific_first():
    assert table_regime([("header", "1-shot F1"), ("row", "Wren"), ("caption", "Results on SQuAD")]).kind == "one-shot"
    assert table_regime([("header", "F1"), ("row", "Wren"), ("group", "Zero-shot"),
                         ("caption", "Results")]).where == "group"
    # A caption naming two regimes decides nothing: the default stays.
    mixed = table_regime([("header", "F1"), ("row", "Wren"), ("caption", "Fine-tuned and few-shot results on SQuAD")])
    assert (mixed.kind, mixed.where) == ("fine-tuned", "default")


def _doc(*tables: TableRegion, sentences: tuple[str, ...] = ()) -> DocumentText:
    items = [Sentence(1, s, "experiments", i) for i, s in enumerate(sentences)]
    return DocumentText(arxiv_id=None, pages=["x"], sentences=items, tables=list(tables),
                        title="Wren: A Large Language Model")


MIXED = TableRegion(page=5, caption="Table 3: Question answering on SQuAD 2.0 (dev F1).", rows=[
    ["Model", "0-shot", "1-shot", "Fine-tuned"],
    ["", "F1", "F1", "F1"],
    ["Finch-13B (Gray et al., 2021)", "59.5", "64.6", "-"],
    ["Wren-XL", "61.2", "66.0", "88.1"],
])
FEW_ONLY = TableRegion(page=6, caption="Table 4: Few-shot results on SQuAD 2.0 with examples in the prompt.", rows=[
    ["Model", "F1"],
    ["Finch-13B (Gray et al., 2021)", "69.8"],
    ["Wren-XL", "71.2"],
])


def test_table_with_fine_tuned_and_few_shot_columns_heads_with_the_fine_tuned_result():
    cands = extract_results(_doc(MIXED), None)
    regimes = {c.attrs["value"]: c.features["regime"] for c in cands}
    assert regimes[61.2] == "zero-shot" and regimes[66.0] == "one-shot" and regimes[88.1] == "fine-tuned"
    best = [c for c in cands if c.is_best]
    assert [c.attrs["value"] for c in best] == [88.1]
    assert best[0].features["not_trained"] is False


def test_few_shot_only_paper_keeps_a_flagged_headline():
    best = [c for c in extract_results(_doc(FEW_ONLY), None) if c.is_best]
    assert [(c.attrs["value"], c.features["regime"], c.features["regime_from"]) for c in best] == [
        (71.2, "few-shot", "caption")]
    assert best[0].features["not_trained"] is True


def test_trained_headline_wins_across_readers():
    """A few-shot number in the abstract and a fine-tuned one in a table: the fine-tuned one heads."""
    table = TableRegion(page=7, caption="Table 5: SQuAD 2.0 dev set after fine-tuning.", rows=[
        ["Model", "F1"], ["BiDAF (Seo et al., 2017)", "77.3"], ["Wren-XL", "89.0"]])
    sentence = "With only a handful of in-context examples, Wren-XL reaches 70.5 F1 on SQuAD 2.0."
    cands = extract_results(_doc(table, sentences=(sentence,)), None)
    best = [c for c in cands if c.is_best]
    assert [(c.attrs["value"], c.features["regime"]) for c in best] == [(89.0, "fine-tuned")]
    assert any(c.attrs["value"] == 70.5 and c.features["regime"] == "few-shot" for c in cands)


def _pdf_with_zero_shot_table() -> pymupdf.Document:
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((50, 60), "Heron: Contrastive Image and Text Pretraining", fontsize=14)
    page.insert_text((50, 100), "Table 1: Zero-shot ImageNet top-1 accuracy (%) of image-text models.", fontsize=8)
    page.draw_line((50, 112), (560, 112))
    page.insert_text((60, 124), "model", fontsize=9)
    page.insert_text((400, 124), "top-1 acc.", fontsize=9)
    page.draw_line((50, 128), (560, 128))
    for i, (label, value) in enumerate([("Visual N-Grams [31]", "11.5"), ("Heron-L", "74.8")]):
        page.insert_text((60, 142 + 12 * i), label, fontsize=9)
        page.insert_text((405, 142 + 12 * i), value, fontsize=9)
    page.draw_line((50, 170), (560, 170))
    return pdf


def test_zero_shot_caption_of_a_drawn_pdf_table():
    from extractors.tables import find_result_tables

    pdf = _pdf_with_zero_shot_table()
    sentences = [Sentence(1, "We call our model Heron and evaluate Heron on ImageNet.", "body", 0),
                 Sentence(1, "Our Heron-L model is the largest.", "body", 1)]
    doc = DocumentText(arxiv_id=None, pages=[p.get_text() for p in pdf], sentences=sentences,
                       title="Heron: Contrastive Image and Text Pretraining")
    assert find_result_tables(pdf, doc), "the drawn table is read"
    best = [c for c in extract_results(doc, pdf) if c.is_best]
    pdf.close()
    assert [(c.attrs["value"], c.features["regime"], c.features["regime_from"]) for c in best] == [
        (74.8, "zero-shot", "caption")]


def test_zero_shot_in_related_work_does_not_mark_the_papers_own_result():
    sentences = (
        "Image-text models such as Lark [12] classify ImageNet zero-shot and report 63.0% top-1 accuracy.",
        "Our Wren-XL network, trained on the ImageNet training set, reaches 84.6% top-1 accuracy.",
    )
    items = [Sentence(1, sentences[0], "related_work", 0), Sentence(3, sentences[1], "experiments", 1)]
    doc = DocumentText(arxiv_id=None, pages=["x"], sentences=items, tables=[],
                       title="Wren: A Large Language Model")
    cands = extract_results(doc, None)
    assert [(c.attrs["value"], c.features["regime"]) for c in cands] == [(84.6, "fine-tuned")]

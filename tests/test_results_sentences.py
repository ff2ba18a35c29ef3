"""Golden sentences for the results extractor: one positive per benchmark/metric, tricky negatives.

The sentences are written for these tests (not copied from papers) and put into hand-built
DocumentText objects, so the extractor is tested without any PDF reader.
"""
from __future__ import annotations

import pytest

from extractors.document import DocumentText, Sentence
from extractors.results import extract_results, pair_metrics_with_numbers


def make_doc(*sentences: str | tuple[str, str], title: str = "A Study of Things", pages: list[str] | None = None) -> DocumentText:
    items = []
    for i, s in enumerate(sentences):
        text, section = (s, "experiments") if isinstance(s, str) else s
        items.append(Sentence(page=1 + i // 20, text=text, section=section, index=i))
    page_text = pages or ["\n".join(s.text for s in items)]
    return DocumentText(arxiv_id="0000.00000", pages=page_text, sentences=items, title=title)


def headlines(doc: DocumentText) -> set[tuple[str, str, float]]:
    return {(c.attrs["dataset"], c.attrs["metric"], c.attrs["value"])
            for c in extract_results(doc, None) if c.is_best and c.confidence >= 0.5}


@pytest.mark.parametrize("sentence, expected", [
    ("For WMT 2014 English-to-German, our translator scores 28.4 BLEU, beating earlier systems by "
     "more than 2 BLEU.", ("WMT14 EN-DE", "BLEU", 28.4)),
    ("For WMT 2014 English-to-French, our largest translator scores 41.0 BLEU.",
     ("WMT14 EN-FR", "BLEU", 41.0)),
    ("Combining several of our networks gives 3.57% top-5 error for ImageNet test images.", ("ImageNet", "top-5 error", 3.57)),
    ("Our best single network reaches a top-1 error of 19.38% on the ImageNet validation set.",
     ("ImageNet", "top-1 error", 19.38)),
    ("On ImageNet our network gets 74.6% top-1 / 92.1% top-5 accuracy at 78ms latency.",
     ("ImageNet", "top-5 accuracy", 92.1)),
    ("On ImageNet our network gets 74.6% top-1 / 92.1% top-5 accuracy at 78ms latency.",
     ("ImageNet", "top-1 accuracy", 74.6)),
    ("Our model obtains 93.2 F1 on SQuAD v1.1 test.", ("SQuAD 1.1", "F1", 93.2)),
    ("For SQuAD test questions, one model of ours scores 73.3 EM.", ("SQuAD 1.1", "EM", 73.3)),
    ("We reach a test F1 score of 83.1 on SQuAD 2.0.", ("SQuAD 2.0", "F1", 83.1)),
    ("On SQuAD v2.0 our ensemble obtains 80.0 EM on the test set.", ("SQuAD 2.0", "EM", 80.0)),
    ("Our tagger obtains 91.2 F1 on the CoNLL-2003 English test set.", ("CoNLL-2003", "F1", 91.2)),
    ("With one model, our detector scores 51.7 AP on COCO test-dev.", ("COCO", "AP", 51.7)),
    ("On COCO test-dev our detector reaches 71.4 AP50 with a single model.", ("COCO", "AP50", 71.4)),
])
def test_positive_sentence(sentence, expected):
    assert expected in headlines(make_doc(sentence))


def test_two_error_rates_with_a_glued_footnote_marker():
    doc = make_doc("On the ILSVRC-2010 test images our top-1/top-5 error rates come to 36.9% and 16.4%5, "
                   "well ahead of earlier systems.")
    assert headlines(doc) == {("ImageNet", "top-1 error", 36.9), ("ImageNet", "top-5 error", 16.4)}


def test_numbers_before_a_metric_list():
    pairs = pair_metrics_with_numbers("On held-out validation images our strongest variant gets 23.9%/7.1% top-1/top-5 error.")
    assert [(p.metric, p.number.value) for p in pairs] == [("top-1 error", 23.9), ("top-5 error", 7.1)]


def test_metric_list_before_numbers():
    pairs = pair_metrics_with_numbers("For this variant, top-1/top-5 errors are 34.18/13.77.")
    assert [(p.metric, p.number.value) for p in pairs] == [("top-1 error", 34.18), ("top-5 error", 13.77)]


def test_each_number_goes_to_its_nearest_dataset():
    doc = make_doc("Our model achieves 92.8 F1 on CoNLL-2003 and 90.9 F1 on SQuAD v1.1.")
    assert headlines(doc) == {("CoNLL-2003", "F1", 92.8), ("SQuAD 1.1", "F1", 90.9)}


def test_model_name_from_the_title_counts_as_own_work():
    doc = make_doc("Splitnet reaches a top-1 accuracy of 79.0% on ImageNet.",
                   title="Splitnet: Image Recognition with Factored Convolutions")
    assert ("ImageNet", "top-1 accuracy", 79.0) in headlines(doc)


def test_test_split_is_the_headline_over_dev():
    doc = make_doc("Our dev F1 on SQuAD v1.1 is 95.1.", "On the SQuAD v1.1 test set our F1 is 90.9.")
    assert headlines(doc) == {("SQuAD 1.1", "F1", 90.9)}


def test_best_value_of_own_results_is_the_headline():
    # ImageNet curation keeps the paper's best, ensembles included.
    doc = make_doc("Our single model obtains 4.9% top-5 error for ImageNet test images.",
                   "Our ensemble obtains 3.9% top-5 error for ImageNet test images.")
    assert headlines(doc) == {("ImageNet", "top-5 error", 3.9)}


def test_on_squad_and_coco_the_rules_take_the_single_model():
    # The study's SQuAD and COCO tables record single models (benchmarks.SINGLE_MODEL_HEADLINE).
    doc = make_doc("Our single model obtains 77.3 F1 on the SQuAD test set.",
                   "Our ensemble obtains 81.1 F1 on the SQuAD test set.",
                   "Our single model obtains 44.1 AP on COCO test-dev.",
                   "Our ensemble obtains 46.3 AP on COCO test-dev.")
    assert headlines(doc) == {("SQuAD 1.1", "F1", 77.3), ("COCO", "AP", 44.1)}


def test_on_squad_and_coco_the_selection_takes_the_single_model():
    from extractors.scoring import select_all

    doc = make_doc("Our single model obtains 77.3 F1 on the SQuAD test set.",
                   "Our ensemble obtains 81.1 F1 on the SQuAD test set.",
                   "Our single model obtains 44.1 AP on COCO test-dev.",
                   "Our ensemble obtains 46.3 AP on COCO test-dev.",
                   "Our single model obtains 4.9% top-5 error for ImageNet test images.",
                   "Our ensemble obtains 3.9% top-5 error for ImageNet test images.")
    cands = extract_results(doc, None)
    select_all(cands, {"results"})  # the learned path, with the rule confidences standing in for the model's
    best = {(c.attrs["dataset"], c.attrs["value"]) for c in cands if c.is_best}
    assert best == {("SQuAD 1.1", 77.3), ("COCO", 44.1), ("ImageNet", 3.9)}


def test_evidence_points_at_the_number():
    doc = make_doc("For WMT 2014 English-to-German, our translator scores 28.4 BLEU.")
    best = [c for c in extract_results(doc, None) if c.is_best]
    assert len(best) == 1
    ev = best[0].evidence
    assert ev.match == "28.4" and ev.page == 1 and ev.section == "experiments"
    assert 0.5 <= best[0].confidence <= 1.0
    assert best[0].field == "results" and best[0].extractor.startswith("results@")


@pytest.mark.parametrize("sentence", [
    # cited work
    "ResNet-152 [12] reports 4.49% top-5 error for ImageNet validation images.",
    "The best published result on SQuAD is 81.8 F1 (Smith et al., 2017).",
    # a re-implementation of someone else's model
    "Our version of the baseline network is re-implemented and gets 68.5% top-1 accuracy on ImageNet.",
    # another dataset
    "On CIFAR-10 our model reaches 96.1% top-1 accuracy.",
    "Our model achieves 89.4 F1 on the CoNLL-2002 Spanish test set.",
    "Our system achieves 29.1 BLEU on the WMT 2016 English-to-Romanian task.",
    # a difference, not a score
    "For WMT 2014 English-to-German, our translator adds 2.0 points of BLEU.",
    # reverse translation direction
    "On WMT 2014 English-German data, our model obtains 29.9 BLEU for translating into English.",
    # no metric: years, table numbers, parameter counts
    "Our ImageNet model from 2016 has 60 million parameters (Table 3).",
    # ambiguous: one metric word before two numbers
    "COCO test-dev gives mAP values of 59.0% and 37.4%.",
])
def test_negative_sentence(sentence):
    assert headlines(make_doc(sentence)) == set()


def test_related_work_and_references_are_not_read():
    doc = make_doc(("Earlier systems scored 27.3 BLEU for WMT 2014 English-to-German using our "
                    "favourite toolkit.", "related_work"),
                   ("For WMT 2014 English-to-German we score 26.4 BLEU.", "references"))
    assert headlines(doc) == set()


def test_a_benchmark_named_only_in_passing_is_not_a_headline():
    # The paper is about SQuAD (abstract); WMT numbers of an auxiliary model appear once in the body.
    doc = make_doc(("Our reader achieves 84.6 F1 on the SQuAD test set.", "abstract"),
                   "We fit translators on WMT data as well; for English-French they score 36.2 BLEU "
                   "on newstest2014.",
                   *["We evaluate on SQuAD."] * 5)
    found = headlines(doc)
    assert ("SQuAD 1.1", "F1", 84.6) in found
    assert not any(d.startswith("WMT") for d, _m, _v in found)


def test_attribution_is_read_from_the_numbers_own_clause():
    doc = make_doc("For WMT 2014 English-to-German, our translator scores 28.4 BLEU, more than "
                   "2 BLEU above earlier systems.")
    assert headlines(doc) == {("WMT14 EN-DE", "BLEU", 28.4)}
    doc = make_doc("We compare with a strong reader on the SQuAD test set, which achieves 77.3 F1.")
    assert headlines(doc) == set()
    doc = make_doc("On the SQuAD test set our reader reaches 81.1 F1 compared to 77.3 F1 for the best system.")
    assert headlines(doc) == {("SQuAD 1.1", "F1", 81.1)}


def test_datasets_are_taken_from_the_numbers_clause():
    doc = make_doc("On SQuAD 1.1, Ournet obtains 85.7 EM and 89.6 F1; on SQuAD 2.0 it reaches 84.0 F1.",
                   title="Ournet: Reading")
    assert headlines(doc) == {("SQuAD 1.1", "EM", 85.7), ("SQuAD 1.1", "F1", 89.6), ("SQuAD 2.0", "F1", 84.0)}


def test_prose_filed_as_table_text_is_still_read_but_table_dumps_are_not():
    prose = ("On SQuAD 1.1, Ournet obtains 85.7 EM and 89.6 F1.", "table")
    dump = ("ScribeQA [16] 82.9 87.9 80.8 VerityQA [17] 83.0 87.8 81.1 Ournet 85.7 89.6 84.0 on SQuAD 1.1 F1",
            "table")
    assert headlines(make_doc(prose, title="Ournet: Reading")) == {("SQuAD 1.1", "EM", 85.7), ("SQuAD 1.1", "F1", 89.6)}
    assert headlines(make_doc(dump, title="Ournet: Reading")) == set()


def test_a_cited_subject_owns_its_clause():
    doc = make_doc("ScribeQA [16] was trained for 3 hours on eight TPU devices and reached 87.9 F1 on SQuAD 1.1.",
                   "BeaconQA (Smith et al., 2019) reported 83.0 F1 on SQuAD 1.1.",
                   "Unlike ReaderNet [4], our model reaches 88.5 F1 on SQuAD 1.1.")
    assert headlines(doc) == {("SQuAD 1.1", "F1", 88.5)}
    assert all(not c.is_best for c in extract_results(doc, None) if c.attrs["value"] in (87.9, 83.0))


def test_a_model_the_paper_presents_is_its_own():
    doc = make_doc(("We present TandemQA, a new model for question answering.", "abstract"),
                   ("On SQuAD 1.1, TandemQA obtains 88.2 EM and 91.4 F1.", "abstract"),
                   title="Answering Questions with Hierarchical Readers")
    assert headlines(doc) == {("SQuAD 1.1", "EM", 88.2), ("SQuAD 1.1", "F1", 91.4)}


def test_dataset_name_between_number_and_metric():
    doc = make_doc("Our largest model achieves 84.3% ImageNet top-1 accuracy with 66M parameters.")
    assert headlines(doc) == {("ImageNet", "top-1 accuracy", 84.3)}
    cited = make_doc("GPipe [24] achieves 84.3% ImageNet top-1 accuracy with 557M parameters.")
    assert headlines(cited) == set()


def test_sentence_candidates_carry_named_features_for_the_scorer():
    doc = make_doc("Our model reaches 91.3 F1 on the CoNLL-2003 test set.",
                   "CharNER (Kuru et al., 2016) reported an F1 score of 84.5 on CoNLL-2003.")
    found = {c.attrs["value"]: c.features for c in extract_results(doc, None)}
    ours, cited = found[91.3], found[84.5]
    assert ours["source"] == "sentence" and ours["own_cue"] and not ours["credited_to_others"]
    assert ours["pattern"] == "number_then_metric" and ours["dataset_from"] == "sentence"
    assert ours["split"] == "test" and not ours["cited"]
    assert cited["cited"] and cited["credited_to_others"] and cited["pattern"] == "metric_then_number"

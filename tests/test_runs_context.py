"""A run's data set read from its paragraph and section (extractors.runs.context_datasets), and the text
reader's paragraph / section numbers it relies on.

Papers describe each experiment in its own section and name the data at its start; the sentence with
the hours names none ("the whole run takes about 50 hours on six GPUs"). All sentences are our own
wording about made-up models.
"""
from __future__ import annotations

from collections import Counter

import pymupdf
import pytest

from analysis.points import build_points
from extractors import cues
from extractors.document import Sentence
from extractors.records import Candidate, Evidence
from extractors import runs
from extractors.runs import CONTEXT_FEATURE, annotate, context_datasets, link
from extractors.text import read_document

TITAN = 6.1e12


class _spec:
    """A minimal chip spec (catalog entries are looked up by name), as in test_runs_points."""

    def __init__(self, fp32):
        self.name, self.kind, self.peak = "chip", "gpu", {"fp32": fp32}


def sentences(*paragraphs: tuple[int, list[str]], section: str = "experiments") -> list[Sentence]:
    """(part, [sentences of one paragraph]) in reading order -> numbered Sentences, one paragraph each."""
    out = []
    for number, (part, texts) in enumerate(paragraphs):
        for text in texts:
            out.append(Sentence(page=2 + part, text=text, section=section, index=len(out), paragraph=number, part=part))
    return out


def cand(field, attrs, sentence: Sentence, match, *, confidence=0.9):
    start = sentence.text.index(match)
    value = attrs.get("count") or attrs.get("hours") or attrs.get("value") or 0
    return Candidate(field=field, attrs=attrs, value=float(value), unit="", raw_text=match, confidence=confidence,
                     evidence=Evidence(sentence.page, sentence.text, start, start + len(match), sentence.section),
                     extractor=f"{field}@test", is_best=True)


READER = [
    (4, ["We evaluate Wren on the SQuAD reading benchmark, whose answers are spans of a passage.",
         "Answers in SQuAD are judged by exact match and F1, as the SQuAD authors propose."]),
    (4, ["Word vectors are fixed and the hidden size is 128.",
         "One run of Wren takes about 18 hours with one Titan X GPU."]),
    (5, ["Next we test Wren on the CNN/DailyMail cloze task, where a masked entity must be restored.",
         "Each CNN/DailyMail article is cut into windows of twenty words."]),
    (5, ["The reader is the one we built for SQuAD, with the span end dropped; each Daily Mail story "
         "is read once per epoch.",
         "The whole run takes about 50 hours on six Titan X GPUs."]),
]


def test_the_section_names_the_data_when_the_sentence_and_its_paragraph_cannot():
    sents = sentences(*READER)
    found = context_datasets(sents)
    squad_time, cloze_time = sents[3], sents[7]
    # The paragraph names none; its section names SQuAD three times and nothing else.
    assert found[(squad_time.page, squad_time.text)] == "SQuAD"
    # This paragraph names both (SQuAD only in passing): the section, about the cloze data, decides.
    assert found[(cloze_time.page, cloze_time.text)] == "CNN/DailyMail"


def test_asking_for_some_sentences_gives_their_full_answers_only():
    """Only the wanted sentences' paragraphs and sections are read, with the same answers."""
    sents = sentences(*READER)
    full = context_datasets(sents)
    squad_time, cloze_time, cloze_opening = sents[3], sents[7], sents[4]
    for wanted in ({(squad_time.page, squad_time.text)}, {(cloze_time.page, cloze_time.text)},
                   {(squad_time.page, squad_time.text), (cloze_opening.page, cloze_opening.text)}):
        assert context_datasets(sents, wanted) == {key: full[key] for key in wanted if key in full}
    assert context_datasets(sents, set()) == {}


def test_the_other_experiments_run_is_not_the_benchmark_results_run():
    sents = sentences(*READER)
    cands = [cand("training_time", {"hours": 18.0, "kind": "wall"}, sents[3], "about 18 hours"),
             cand("hardware", {"chip": "TITAN X", "count": 1, "unit": "chips"}, sents[3], "one Titan X GPU"),
             cand("training_time", {"hours": 50.0, "kind": "wall"}, sents[7], "about 50 hours"),
             cand("hardware", {"chip": "TITAN X", "count": 6, "unit": "chips"}, sents[7], "six Titan X GPUs")]
    table = Sentence(9, "Table 1: SQuAD test | Wren (single) 69.1 78.0", "table", 20, 30, 6)
    cands.append(cand("results", {"dataset": "SQuAD 1.1", "metric": "F1", "value": 78.0}, table, "78.0"))
    annotate(cands, sents + [table])
    assert cands[2].features[CONTEXT_FEATURE] == "CNN/DailyMail" and link(cands[2]).context
    # The scorer's own column keeps the clause's reading; the context is its own (excluded) feature.
    assert cands[2].features["run_dataset"] == ""
    (point,) = build_points(cands, catalog={"TITAN X": _spec(TITAN)})
    assert [(p.hours, p.hardware["count"]) for p in point.parts] == [(18.0, 1)]
    assert point.compute_flops == pytest.approx(TITAN * 18 * 3600)
    assert "left out, trained on other data: 50 h (CNN/DailyMail, by its paragraph / section)" in point.why
    # Without the context both runs are paper-wide and the larger one wins: the bug this fixes.
    for c in cands:
        c.features.pop(CONTEXT_FEATURE, None)
    (plain,) = build_points(cands, catalog={"TITAN X": _spec(TITAN)})
    assert [(p.hours, p.hardware["count"]) for p in plain.parts] == [(50.0, 6)]


def test_a_clause_naming_its_data_beats_the_context():
    sents = sentences((5, ["Next we test Wren on the CNN/DailyMail cloze task, a restoring task.",
                           "CNN/DailyMail stories are long, and CNN/DailyMail has many entities."]),
                      (5, ["For comparison, training on SQuAD instead takes 9 hours on one GPU."]))
    time = cand("training_time", {"hours": 9.0, "kind": "wall"}, sents[2], "9 hours")
    annotate([time], sents)
    run = link(time)
    assert run.dataset == "SQuAD" and not run.context


@pytest.mark.parametrize("paragraphs", [
    # Pretraining corpora never give a context: the run may be the pretraining of the result's model.
    [(3, ["We pre-train Wren as a language model on a crawl of web text.",
          "Language modeling runs use sequences of 512 tokens.",
          "The run takes 9 days on 64 accelerators."])],
    # A section that names two data sets about as often says nothing.
    [(3, ["Wren is tested on SQuAD and on CNN/DailyMail."]),
     (3, ["SQuAD has spans; CNN/DailyMail has entities; SQuAD is smaller than CNN/DailyMail."]),
     (3, ["The run takes 9 days on 64 accelerators."])],
    # One mention in a section is not enough to speak for its other paragraphs.
    [(3, ["Wren is tested on CIFAR as a sanity check."]), (3, ["The run takes 9 days on 64 accelerators."])],
])
def test_no_context_when_the_text_does_not_settle_it(paragraphs):
    sents = sentences(*paragraphs)
    assert (sents[-1].page, sents[-1].text) not in context_datasets(sents)


def test_references_and_related_work_are_not_read():
    sents = sentences((2, ["Earlier readers were trained on CNN/DailyMail by many groups.",
                           "CNN/DailyMail and its variants are popular; CNN/DailyMail is large."]),
                      section="related_work")
    sents += sentences((2, ["The run takes 9 days on 64 accelerators."]))[0:1]
    assert context_datasets(sents) == {}


def test_the_context_tells_runs_apart_but_does_not_rank_them():
    # Both schedules sit in a section about the benchmark: that it is named there ranks neither higher.
    sents = sentences((4, ["All detectors are trained on COCO train2017 and tested on COCO val2017.",
                           "COCO images are resized to 800 pixels; COCO crowd boxes are ignored."]),
                      (4, ["The short run takes 12 hours on 8 GPUs."]),
                      (6, ["Our longest schedule, used for the final model, takes 40 hours on 8 GPUs."]))
    cands = [cand("training_time", {"hours": 12.0, "kind": "wall"}, sents[2], "12 hours"),
             cand("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, sents[2], "8 GPUs"),
             cand("training_time", {"hours": 40.0, "kind": "wall"}, sents[3], "40 hours")]
    table = Sentence(9, "Table 2: COCO test-dev | Kestrel 44.0", "table", 20, 30, 7)
    cands.append(cand("results", {"dataset": "COCO", "metric": "AP", "value": 44.0}, table, "44.0"))
    annotate(cands, sents + [table])
    assert link(cands[0]).context and link(cands[2]).dataset is None
    (point,) = build_points(cands, catalog={"V100": _spec(15.7e12)})
    assert [p.hours for p in point.parts] == [40.0]


def _two_section_pdf() -> bytes:
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    y = 80
    for kind, text in (("h", "4 Reading Experiments"),
                       ("p", "We test Wren on SQuAD in this section."),
                       ("p", "One run of Wren takes about 18 hours."),
                       ("h", "5 Cloze Experiments"),
                       ("p", "The whole run takes about 50 hours.")):
        page.insert_text((72, y), text, fontsize=13 if kind == "h" else 10,
                         fontname="hebo" if kind == "h" else "helv")
        y += 40
    return pdf.tobytes()


def test_the_reader_numbers_paragraphs_and_sections():
    doc = read_document(_two_section_pdf())
    by_text = {s.text: s for s in doc.sentences}
    first, second, third = (by_text["We test Wren on SQuAD in this section."],
                            by_text["One run of Wren takes about 18 hours."], by_text["The whole run takes about 50 hours."])
    assert first.paragraph != second.paragraph != third.paragraph
    assert first.part == second.part and third.part == first.part + 1


@pytest.mark.parametrize("text, dataset", [
    ("For the sentence-pair tasks of GLUE we fine-tune for 4 epochs.", "GLUE"),
    ("On CIFAR the network trains for 200 epochs.", "CIFAR"),
    ("Detectors for PASCAL VOC 2007 are trained for 9 hours.", "PASCAL VOC"),
    ("Our cloze reader is trained on Daily Mail stories for two days.", "CNN/DailyMail"),
    ("We win the race to 80% accuracy in 5 hours.", None),  # a common word, not the RACE data set
    ("The PTB tokenizer splits words before training for 8 epochs.", None),  # a tool, not the treebank
    # geometry, not machine translation: a detector's anchors and a convnet's pooling
    ("Our boxes are translation-invariant priors, trained for 12 epochs.", None),
    ("Pooling buys some translation invariance over 30 epochs.", None),
    ("The translation equivariance of convolutions holds through 5 epochs.", None),
    ("The translation model is trained for 10 epochs.", "WMT"),
])
def test_data_sets_other_than_the_benchmarks_are_read_from_the_clause(text, dataset):
    sentence = Sentence(3, text, "experiments", 0, 0, 1)
    epochs = cand("epochs", {"epochs": 4.0, "phase": "training"}, sentence, text.split()[-2])
    assert link(epochs).dataset == dataset


DATASET_FORMS = ["JFT-300M", "ImageNet-21k", "the full ImageNet", "ILSVRC 2012", "MS COCO", "SQuAD v1.1",
                 "CoNLL-2003", "named entity tags", "English-to-German", "En-Fr", "EN-DE", "WMT'14", "translation",
                 "language modeling", "One Billion Word", "Penn Treebank", "PTB", "WikiText-103", "LM1B",
                 "CNN/Daily Mail", "CIFAR-10", "PASCAL VOC 2007", "VOC07", "Children's Book Test", "CBT",
                 "TriviaQA", "MS MARCO", "MNIST", "SVHN", "Cityscapes", "GLUE", "MultiNLI", "SST-2", "QNLI",
                 "SWAG", "RACE", "english to french"]


def _unfiltered(sentence: str) -> Counter:
    """datasets_named without its prefilters: every family's pattern tried."""
    counts = Counter()
    for name, pattern in (*runs._DATASETS, *runs._OTHER_DATASETS):
        sentence, found = pattern.subn(" ", sentence)
        counts[name] += found
    return +counts


@pytest.mark.parametrize("form", DATASET_FORMS)
def test_the_prefilters_let_every_family_form_through(form):
    sentence = f"Our second experiment uses {form} with the same schedule."
    assert runs.may_name_dataset(sentence)
    assert runs.datasets_named(sentence) == _unfiltered(sentence) != Counter()


def test_every_family_key_list_belongs_to_a_family():
    assert set(runs._FAMILY_KEYS) <= {name for name, _ in (*runs._DATASETS, *runs._OTHER_DATASETS)}


@pytest.mark.parametrize("sentence, skipped", [
    ("We train for ninety epochs with a cosine schedule and label smoothing.", True),
    ("The encoder has twelve layers, and the decoder has six of them.", True),
    # "then decodes" holds the key "en de": it passes the prefilter, and the families' patterns decide
    ("Dense layers end the network; the model then decodes greedily.", False),
])
def test_a_sentence_naming_no_data_set_gets_the_unfiltered_answer(sentence, skipped):
    assert _unfiltered(sentence) == runs.datasets_named(sentence) == Counter()
    assert runs.may_name_dataset(sentence) is not skipped


@pytest.mark.parametrize("text", [
    "we translate english-to-german news", "the En-De and EN→FR pairs", "training on en de text",
    "results on the english-fr split", "an engine depends on fresh data", "nothing to see here",
    "Penn Treebank and WikiText-103", "a trace of the racetrack",
])
def test_key_words_as_strings_say_what_the_key_pattern_says(text):
    """The paper-wide keyword pass (runs._DATASET_KEYWORDS) and the per-sentence key pattern agree."""
    low = text.lower()
    assert (runs._DATASET_KEY.search(low) is not None) == any(k in low for k in runs._DATASET_KEYWORDS)


# One section with two experiments: each is introduced by a paragraph about its training data, and the
# schedule comes a paragraph or two later, after details that name no data set.
TWO_EXPERIMENTS = [
    (3, ["Kestrel is first trained on CIFAR-10, whose 50k training images are small.",
         "On CIFAR-10 we keep the usual crop and flip."]),
    (3, ["The stem is a single convolution and the blocks follow."]),
    (3, ["The larger models are trained on ImageNet, which holds 1.28M training images in 1000 classes.",
         "ImageNet images are resized to 224 pixels."]),
    (3, ["Each stage doubles the width of the one before it."]),
    (3, ["We run the optimiser for 120 epochs with eight GPUs."]),
]


def test_a_paragraph_naming_no_data_continues_the_experiment_introduced_before_it():
    sents = sentences(*TWO_EXPERIMENTS)
    schedule, stem = sents[-1], sents[2]
    found = context_datasets(sents)
    assert found[(schedule.page, schedule.text)] == "ImageNet"  # the section alone names both equally
    assert found[(stem.page, stem.text)] == "CIFAR"
    assert context_datasets(sents, {(schedule.page, schedule.text)}) == {(schedule.page, schedule.text): "ImageNet"}
    cues.ablate(["runs_previous_paragraph"])
    try:
        assert (schedule.page, schedule.text) not in context_datasets(sents)
    finally:
        cues.ablate([])


def test_a_benchmark_named_only_to_report_on_it_introduces_no_run():
    sents = sentences((3, ["Kestrel improves CIFAR-10 accuracy by two points over its baseline."]),
                      (3, ["We run the optimiser for 120 epochs with eight GPUs."]),
                      (3, ["The ImageNet numbers are in the appendix."]))
    assert (sents[1].page, sents[1].text) not in context_datasets(sents)

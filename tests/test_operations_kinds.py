"""Operation counts: the error kinds found on the dev papers (issue 17), each in our own wording.

Range bounds, schedule increments, figure axes with signed ticks, citations past a clause break,
baseline rows and group headers of a params/FLOPs table, rounded repeats. Every sentence is written
for these tests, never copied from a corpus paper.
"""
from __future__ import annotations

import pytest

from extractors import cues, operations
from extractors.document import Sentence, TableRegion


def _sentences(*texts: str) -> list[Sentence]:
    return [Sentence(page=4, text=t, section="experiments", index=i) for i, t in enumerate(texts)]


def _found(texts, field, tables=()):
    found = operations.extract_operation_inputs(_sentences(*texts), own_names=frozenset({"FooNet"}),
                                                tables=tables, title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return [c for c in found if c.field == field]


def _best_values(texts, field, tables=()):
    return sorted(c.value for c in _found(texts, field, tables) if c.is_best)


# --- the upper end of a range ---------------------------------------------------------------------

@pytest.mark.parametrize("text, field", [
    ("Detectors should serve budgets anywhere from 2B to 200B FLOPs with one design.", "forward_flops"),
    ("Head counts vary so that the family spans from 2 billion to 9 billion parameters overall.", "parameters"),
    ("Across the sweep the variants hold between 40M and 700M parameters.", "parameters"),
    ("The grid covers 1.5B–60B parameters in seven steps.", "parameters"),
])
def test_a_range_bound_is_doubtful(text, field):
    cands = _found([text], field)
    assert cands and all(c.features["range_bound"] for c in cands)
    assert _best_values([text], field) == []


def test_a_single_size_is_no_range():
    text = "Our FooNet holds 410M parameters in total, shared across the two towers."
    cands = _found([text], "parameters")
    assert [c.features["range_bound"] for c in cands] == [False]
    assert _best_values([text], "parameters") == [pytest.approx(4.1e8)]


def test_up_to_names_the_largest_own_model_not_a_range():
    # "up to" usually introduces the paper's largest own model, which is a real label
    text = "We train FooNet language models with up to 6.2 billion parameters on our cluster."
    assert _best_values([text], "parameters") == [pytest.approx(6.2e9)]


# --- increments of a schedule ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Thanks to the cheaper layers we could add 40 epochs within the same wall-clock budget.",
    "The checkpoint is then trained for another 15 epochs at a lower rate.",
    "From the shorter run's weights we continue training for 48 epochs with the long schedule.",
    "From that snapshot we keep training it for 20 epochs.",
])
def test_an_added_part_of_a_schedule_is_not_its_length(text):
    cands = _found([text], "epochs")
    assert cands and all(c.features["increment"] for c in cands if c.value != 1)
    assert [v for v in _best_values([text], "epochs") if v != 1] == []


def test_a_plain_schedule_is_kept():
    assert _best_values(["We train our FooNet for 160 epochs with cosine decay."], "epochs") == [160]


# --- citations belong to the phrase they close --------------------------------------------------------

def test_a_citation_past_a_clause_break_does_not_make_the_value_cited():
    text = ("Our FooNet reaches its accuracy within a single epoch of optimisation in the two settings "
            "with momentum and adaptive optimisers [14].")
    cands = _found([text], "epochs")
    assert [c.features["cited"] for c in cands] == [False]
    assert _best_values([text], "epochs") == [1]


def test_a_citation_inside_the_phrase_still_cites_it():
    text = "Colleagues elsewhere built a 21 billion parameter decoder called BigQux (Doe et al., 2021) last year."
    cands = _found([text], "parameters")
    assert [c.features["cited"] for c in cands] == [True]
    assert _best_values([text], "parameters") == []


def test_a_citation_after_a_comma_is_someone_elses_work_only_when_it_is():
    text = "FooNet-XL reaches 61.0 AP with 48M parameters and 290B FLOPs, beating the strongest detector [31] by 2 AP."
    assert _best_values([text], "parameters") == [pytest.approx(4.8e7)]
    assert _best_values([text], "forward_flops") == [pytest.approx(2.9e11)]


# --- table rows: baselines and group headers ---------------------------------------------------------

def _table(*rows):
    return TableRegion(page=6, caption="Table 4: Accuracy and cost of compact models on ImageNet.",
                       rows=[["Model", "Params (M)", "FLOPs (G)", "Top-1"], *rows])


def test_rows_under_a_previous_work_header_are_not_ours():
    table = _table(["Previous methods", "", "", ""],
                   ["FooNet-style baseline", "30.1", "5.2", "75.0"],
                   ["Ours", "", "", ""],
                   ["FooNet-M", "12.4", "2.1", "78.3"])
    cands = _found([], "parameters", tables=[table])
    own = {c.features["model_label"]: c.features["own_row"] for c in cands}
    assert own == {"FooNet-style baseline": False, "FooNet-M": True}
    assert cands[0].features["group_header"] in ("Previous methods", "Ours")
    assert _best_values([], "parameters", tables=[table]) == [pytest.approx(1.24e7)]
    assert _best_values([], "forward_flops", tables=[table]) == [pytest.approx(2.1e9)]


def test_a_row_under_an_ours_group_header_is_own():
    table = _table(["Ours", "", "", ""], ["Small", "6.0", "0.9", "71.2"], ["Large", "44.0", "8.8", "80.1"])
    assert _best_values([], "parameters", tables=[table]) == [pytest.approx(6e6), pytest.approx(4.4e7)]


def test_an_author_year_row_is_cited():
    table = _table(["FooNet (Smith et al., 2019)", "20.0", "3.0", "74.0"], ["FooNet-v2 (ours)", "15.0", "2.5", "77.9"])
    assert _best_values([], "parameters", tables=[table]) == [pytest.approx(1.5e7)]


# --- rounded repeats -------------------------------------------------------------------------------------

def test_a_rounded_repeat_is_marked_for_the_scorer():
    texts = ["Our largest FooNet has 7.4 billion parameters and runs on 64 chips.",
             "The 7 billion parameter FooNet needs tensor parallelism across eight devices."]
    rounded = [c for c in _found(texts, "parameters") if c.value == 7e9]
    assert rounded and rounded[0].features["rounded_of"] == pytest.approx(7.4e9)


# --- ablation switches restore the old reading (measuring only) ----------------------------------------

def test_ablating_the_range_rule_restores_the_old_reading():
    text = "Head counts vary so that the family spans from 2 billion to 9 billion parameters overall."
    try:
        cues.ablate(["ops_range_bound"])
        assert _best_values([text], "parameters") == [pytest.approx(9e9)]
    finally:
        cues.ablate([])


# --- hyper-parameter lists: warm-up is its own key ---------------------------------------------------

@pytest.mark.parametrize("text, kept", [
    ("setting value optimizer SGD peak rate 0.4 warmup epochs 10 training epochs 240 label smoothing 0.1", 240),
    ("• Optimizer: AdamW • Epochs: 4 • Warmup: linear over the first 6% of updates • Dropout: 0.1", 4),
])
def test_a_training_length_beside_a_warmup_key_is_kept(text, kept):
    values = _best_values([text], "epochs")
    assert kept in values
    assert 10 not in values  # the warm-up length itself stays a schedule point


def test_a_warmup_key_is_still_a_schedule_point():
    cands = [c for c in _found(["• Warmup epochs: 5 • Batch size: 256"], "epochs") if c.value == 5]
    assert cands and all(c.features["schedule"] for c in cands)


# --- the pipeline gives the operation counts the results reader's own names ---------------------------

def test_a_name_the_paper_calls_its_own_marks_its_table_row_as_own():
    from extractors.document import DocumentText
    from extractors.pipeline import generate_candidates

    texts = ["We describe a family of compact convolutional classifiers for phones.",
             "Our QuuxNet stacks inverted bottlenecks with squeeze gates.",
             "Our QuuxNet is trained with label smoothing and stochastic depth."]
    table = TableRegion(page=2, caption="Table 1: ImageNet accuracy and cost of compact models.", rows=[
        ["Model", "Params (M)", "MACs (M)", "Top-1"],
        ["BazNet [4]", "4.2", "569", "70.6"],
        ["QuuxNet-S", "3.1", "219", "72.5"],
    ])
    doc = DocumentText(arxiv_id=None, pages=["", ""], title="Compact classifiers for phones",
                       sentences=[Sentence(page=1, text=t, section="body", index=i) for i, t in enumerate(texts)],
                       tables=[table])
    best = [c for c in generate_candidates(doc) if c.field in ("parameters", "forward_flops") and c.is_best]
    assert sorted((c.field, c.value) for c in best) == [("forward_flops", pytest.approx(2.19e8)),
                                                         ("parameters", pytest.approx(3.1e6))]


# --- parameter counts as papers outside the corpus write them (bench/epoch_quotes.py) ---------------

@pytest.mark.parametrize("text, value", [
    ("We trained FooNet, a 13-billion parameter decoder, from scratch.", 13e9),
    ("FooNet is a 70-billion-parameter model trained on public text.", 70e9),
    ("Our released FooNet checkpoint holds 6,738,415,616 parameters.", 6738415616.0),
    ("FooNet counts 350M parameters and was pre-trained on BarCorpus [7].", 350e6),  # the data set's citation
])
def test_parameter_forms(text, value):
    assert value in _best_values([text], "parameters")


@pytest.mark.parametrize("text", [
    "See https:// www.example.org/blog/ foonet - a - 13 - billion - parameter - model for details.",  # a link
    "Lark: A 13-billion-parameter language model by Some Lab, 2021.",  # a bibliography entry
    "We reuse a 300M parameter encoder (Smith et al., 2020) without changes.",  # another work's model
])
def test_parameter_traps(text):
    assert _best_values([text], "parameters") == []


# --- training tokens as papers outside the corpus write them (bench/epoch_quotes.py) ----------------

@pytest.mark.parametrize("text, value", [
    ("We pre-train FooNet on 9.6 trillion curated and deduplicated tokens before instruction tuning.", 9.6e12),
    ("FooNet was trained on up to 4 trillion tokens of public web text.", 4e12),  # "up to": the run's bound
    ("The full 250B-token pre-training run of FooNet took five weeks.", 250e9),
    ("We assemble a 420B token dataset of filtered code and prose for FooNet.", 420e9),  # no hyphen
    ("FooNet learns from a 30 million word training set of news articles.", 30e6),  # singular "word"
    ("Every document is split into 1.1T SentencePiece tokens, or 1.7T BPE tokens with the older scheme.", 1.7e12),
])
def test_training_token_forms(text, value):
    assert value in _best_values([text], "training_tokens")


@pytest.mark.parametrize("text", [
    "FooNet reads sequences of up to 4096 tokens with a context window of 8192 tokens.",  # lengths
    "We then train FooNet on 12 billion image-text pairs.",  # pairs, not tokens
    "The tokenizer keeps a 250K token vocabulary for all 90 languages.",  # a vocabulary, no data noun
])
def test_training_token_traps(text):
    assert _best_values([text], "training_tokens") == []


# --- two values in one cell: the grid merged a quantity column with its neighbour ----------------------

def _merged_cells_table(caption, header, *rows):
    return TableRegion(page=3, caption=caption, rows=[header, *rows])


def test_a_params_cell_holding_the_next_columns_cost_gives_both():
    table = _merged_cells_table(
        "Table 1: Mobile image classifiers. #Params: trainable weights; #Mult-Adds: operations per image.",
        ["Model", "#Params", "Top-1 (%)", "Latency"],
        ["SlimNet [12]", "4.4M 560M", "70.9", "110ms"],
        ["FooNet-A", "3.1M 290M", "74.8", "70ms"],
        ["FooNet-B", "4.6M 350M", "75.9", "88ms"])
    assert _best_values([], "parameters", tables=[table]) == [pytest.approx(3.1e6), pytest.approx(4.6e6)]
    flops = [c for c in _found([], "forward_flops", tables=[table]) if c.is_best]
    assert sorted(c.value for c in flops) == [pytest.approx(2.9e8), pytest.approx(3.5e8)]
    assert {c.attrs["kind"] for c in flops} == {"multiadds"}  # the caption calls them Mult-Adds


def test_a_ratio_run_into_the_cost_gives_the_cost_of_own_rows_only():
    table = _merged_cells_table(
        "Table 2: Detectors on the validation split. Params and FLOPs count weights and multiply-adds.",
        ["Model", "AP", "Params", "Ratio"],
        ["FooNet-D1", "39.0", "6.1M", "1x 5.8B"],
        ["BoxNet-R50 [8]", "37.2", "33M", "6.1x 96B"],
        ["FooNet-D2", "42.7", "8.3M", "1x 10B"])
    assert _best_values([], "forward_flops", tables=[table]) == [pytest.approx(5.8e9), pytest.approx(1e10)]


def test_pairs_need_a_named_cost():
    # no forward cost named anywhere: the second number is not known to be one
    table = _merged_cells_table("Table 3: Segmentation quality and size of the models.", ["Model", "mIoU", "Params"],
                                ["FooNet-S", "80.2", "2x 17B"])
    assert _best_values([], "forward_flops", tables=[table]) == []


def test_the_paired_cell_reader_switched_off_reads_nothing(ablated):
    table = _merged_cells_table("Table 1: Models. #Params: weights; #Mult-Adds: operations per image.",
                                ["Model", "#Params", "Top-1 (%)"], ["FooNet-A", "3.1M 290M", "74.8"])
    ablated("ops_paired_cells")
    assert _best_values([], "forward_flops", tables=[table]) == []


# --- a size in parentheses after a model's name -------------------------------------------------------

@pytest.mark.parametrize("text, values", [
    ("Three widths are trained: Small (21M), Medium (48M) and Huge (610M), all with the same recipe.",
     [21e6, 48e6, 610e6]),
    ("Here S, M, L stand for the Kestrel (4.2M), Osprey (11M) and Condor (37M) models of the family.",
     [4.2e6, 11e6, 37e6]),
    ("We train FooNet-small (45M) and FooNet-large (0.8B) on the same shuffled data.", [45e6, 0.8e9]),
    ("Our FooNet model (1.4B) uses rotary position embeddings throughout.", [1.4e9]),
])
def test_named_sizes_are_parameter_counts(text, values):
    assert _best_values([text], "parameters") == [pytest.approx(v) for v in values]


@pytest.mark.parametrize("text", [
    "FooNet (1M) 88.1 93.0 FooNet (1.5M) 88.9 93.4",  # training steps beside a name in a results table
    "The corpora are Newswire (30M), Forum (4M) and Subtitles (120M) before filtering.",  # corpus sizes
    "Our Large (2T) run saw every document twice.",  # a token count: no T scale for sizes
])
def test_named_size_traps(text):
    assert _best_values([text], "parameters") == []


def test_the_named_size_reader_switched_off_reads_nothing(ablated):
    ablated("ops_named_sizes")
    assert _best_values(["Three widths are trained: Small (21M), Medium (48M) and Huge (610M)."], "parameters") == []


# --- a citation of the recipe the paper follows -------------------------------------------------------

@pytest.mark.parametrize("text, field, value", [
    ("We train a 2.6B-parameter decoder following the architecture of Smith et al. (2021) on our own data.",
     "parameters", 2.6e9),
    ("We keep the default setting of the ToolBox codebase [17], where a 24-epoch schedule is used.", "epochs", 24),
    ("Our FooNet uses the same optimiser settings as Doe et al. (2019) and trains for 60 epochs.", "epochs", 60),
])
def test_a_cited_recipe_does_not_make_the_papers_value_cited(text, field, value):
    assert _best_values([text], field) == [pytest.approx(value)]


@pytest.mark.parametrize("text, field", [
    ("Our encoder follows BarNet [4], a 340M parameter model, in its layer layout.", "parameters"),  # BarNet's size
    ("BarNet follows the recipe of Doe et al. (2019) and trains for 60 epochs.", "epochs"),  # not our sentence
])
def test_a_recipe_citation_still_leaves_other_models_values_theirs(text, field):
    assert _best_values([text], field) == []


# --- a count located in one part of the model -----------------------------------------------------------

@pytest.mark.parametrize("text, field", [
    ("The large vocabulary puts 96M parameters in the input embedding layer of FooNet.", "parameters"),
    ("With 0.9B parameters in its vision tower, FooNet stays small overall.", "parameters"),
    ("FooNet spends 0.4 GFLOPs within each attention block at this width.", "forward_flops"),
])
def test_a_count_in_one_part_of_the_model_is_not_the_models(text, field):
    assert _best_values([text], field) == []


@pytest.mark.parametrize("text, field, value", [
    ("FooNet has 1.3B parameters in total and runs on one accelerator.", "parameters", 1.3e9),
    ("We train FooNet for 40 epochs in the first stage and 10 in the second.", "epochs", 40),
])
def test_a_whole_model_count_or_a_training_stage_is_kept(text, field, value):
    assert value in _best_values([text], field)


# --- a kind of model, an optimiser or a data set named before the value is no other model -------------

@pytest.mark.parametrize("text, field, value", [
    ("Our two-layer bidirectional LSTM (about 21M parameters) reads characters.", "parameters", 21e6),
    ("The sparse MoE-style FooNet holds 340 billion parameters across its routed layers.", "parameters", 340e9),
    ("With RAdam and a cosine schedule we train every model for 120 epochs.", "epochs", 120),
    ("On MNIST we train all variants for 30 epochs.", "epochs", 30),
])
def test_a_model_kind_or_data_set_before_the_value_is_no_other_model(text, field, value):
    assert value in _best_values([text], field)


def test_a_named_model_before_the_value_is_still_another_models():
    assert _best_values(["The BarNet-L encoder alone has 340M parameters."], "parameters") == []


# --- a comparison word past a clause break compares something else -----------------------------------

@pytest.mark.parametrize("text, value", [
    ("FooNet now has about 70 billion parameters, with more than four trillion tokens behind it.", 70e9),
    ("Our FooNet has 118M parameters, a 4% increase over the plain encoder.", 118e6),
])
def test_a_comparison_after_a_clause_break_leaves_the_count(text, value):
    assert _best_values([text], "parameters") == [pytest.approx(value)]


def test_a_comparison_right_after_the_count_still_marks_it():
    assert _best_values(["FooNet needs 30M parameters fewer than the plain encoder."], "parameters") == []


def test_a_data_sets_citation_leaves_the_size_and_length_the_papers():
    text = "We pre-train FooNet on the TextHeap [9] corpus, the largest variant with 2.7 billion parameters."
    assert _best_values([text], "parameters") == [pytest.approx(2.7e9)]
    text = "Our FooNet is trained on the BarSet [4] dataset for 45 epochs."
    assert _best_values([text], "epochs") == [45]


# --- an "Epochs" column ------------------------------------------------------------------------------------

def test_an_epochs_column_of_a_settings_table_gives_each_runs_length():
    table = TableRegion(page=9, caption="Table 7: Hyper-parameters for fine-tuning FooNet on each downstream task.",
                        rows=[["Task", "Batch size", "Learning rate", "Epochs"],
                              ["Entailment", "64", "2e-5", "6"],
                              ["Paraphrase", "32", "3e-5", "4"]])
    found = [c for c in _found([], "epochs", tables=[table]) if c.is_best]
    assert sorted(c.value for c in found) == [4, 6]
    assert {c.attrs["phase"] for c in found} == {"finetuning"}


def test_an_epochs_column_of_a_results_table_keeps_only_own_rows():
    table = TableRegion(page=6, caption="Table 2: Detection accuracy on the validation split.",
                        rows=[["Model", "Epochs", "AP", "AP50"],
                              ["BoxNet [14]", "500", "42.1", "62.0"],
                              ["FooNet-S", "36", "43.0", "62.2"]])
    assert _best_values([], "epochs", tables=[table]) == [36]


@pytest.mark.parametrize("header", ["Switch point (epochs)", "Time per epoch (h)", "Warm-up epochs"])
def test_a_schedule_point_or_rate_column_is_no_training_length(header):
    table = TableRegion(page=9, caption="Table 7: Hyper-parameters of FooNet for each data set.",
                        rows=[["Data", "Batch size", header], ["Set A", "128", "12"], ["Set B", "256", "9"]])
    assert _best_values([], "epochs", tables=[table]) == []


def test_dropout_is_no_drop_in_cost():
    text = "FooNet uses two convolutional layers, a dropout rate of 0.3 and 412k free parameters."
    assert _best_values([text], "parameters") == [pytest.approx(4.12e5)]
    assert _best_values(["Pruning drops 12M parameters from FooNet."], "parameters") == []


@pytest.mark.parametrize("text, value", [
    ("The network has 3,120 units but only 24,800 trainable free parameters thanks to tied kernels.", 24800.0),
    ("In all, FooNet holds 52,300 independent parameters.", 52300.0),
    ("FooNet is specified by 31,406 weight parameters in total.", 31406.0),
    ("The new FooNet release has 900 million training parameters.", 900e6),
])
def test_describing_words_between_count_and_parameters(text, value):
    assert value in _best_values([text], "parameters")


def test_a_named_size_of_another_model_stays_its_own():
    text = "We compare with BarNet-Large (300M) and BarNet-Huge (630M) on the same split."
    assert _best_values([text], "parameters") == []

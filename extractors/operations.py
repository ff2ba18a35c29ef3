"""Inputs of the study's operation count: forward cost, parameters, epochs, steps, tokens, training set.

Thompson et al.'s second compute measure, "network operations", is forward-pass FLOPs x 3 x epochs x
training-set size; for language models 6 x parameters x tokens is the same count. Papers that name no
hardware still state these inputs, so this module reads them (pure: sentences/tables -> Candidates):

  forward_flops  {"flops": 4.1e9, "kind": "flops"|"multiadds"}   "4.1 GFLOPs", "600M Mult-Adds",
                 "FLOPs (G)" / "MACs" table columns. `kind` keeps what the paper counted: multiply-adds
                 (MACs, Mult-Adds, and "FLOPs" a paper defines as multiply-adds) are doubled by the
                 estimate, as the study's `multiadds` column is; plain "FLOPs" enter as written.
  parameters     {"parameters": 2.56e7}                          "25.6M params", "a 175B-parameter model",
                 "Tiny (28M), Base (89M)", "Params (M)" columns, "the number of parameters grows to
                 52M", "parameters (24 M)", "fewer parameters than X (6M versus 70M)"
  epochs         {"epochs": 90, "phase": "training"|"pretraining"|"finetuning", "dataset"?}  "90 epochs",
                 "Epochs: 3", "Epochs" columns of results and settings tables
  steps          {"steps": 3e5, "batch_size"?: 4096, "batch_unit"?: "examples"|"tokens", "phase"}
  training_tokens {"tokens": 3e11}                               "trained on 300B tokens"
  training_set   {"dataset": "ImageNet-1k", "examples": 1281167, "size_source": "paper"|"catalog", "phase"}

Tables are read by operation_cells.py (columns, "FLOPs" rows with one value per model column, size-named
rows, cells the grid merged) and operation_tables.py finds the configuration and size tables the result
reader skips; this module reads the prose and adds the tables' candidates.

Every candidate carries its evidence, a rule confidence and named `features` (pattern, section, own/cited
/comparison cues, the row or model it belongs to as `model_label`) for the learned scorer.
Values of other people's models ("ResNet-50 [12] needs 4.1 GFLOPs", a baseline row of a FLOPs table),
differences ("reduces FLOPs by 30%"), schedule points ("decay every 30 epochs", "4000 warm-up steps"),
rates ("125 TFLOPS"), parts of a model ("131M parameters in the embedding layer") and vocabulary or
sequence sizes in tokens are not the paper's training inputs. A citation of a data set or of a recipe the
paper follows ("following the architecture of Smith et al. (2020)") does not make its own value cited.
"""
from __future__ import annotations

import re
from typing import Iterable

from extractors import cues, datasets
from extractors.batches import batch_of, neighbour_batch
from extractors.document import Sentence, TableRegion
from extractors.nlp import index_for
from extractors.numbers import SCALE_WORDS, WORD_NUMBERS, STRICT_NUMBER_WORDS
from extractors.operation_cells import OPERATIONS_VERSION, table_inputs
from extractors.records import Candidate, Evidence

FIELDS = ("forward_flops", "parameters", "epochs", "steps", "training_tokens", "training_set")

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_EXP = r"(?:\s*[x×·∗*]\s*10\s*\^?\s*(?P<exp>[+\-−]?\d{1,2})|\s*[eE](?P<e>[+\-−]?\d{1,2}))"
_SCALE_WORD = r"(?P<scale>[KkMGBT]|thousand|million|billion|trillion)"

# "4.1 GFLOPs", "4.1G FLOPs", "3.8 × 10^9 FLOPs", "11.3 billion FLOPs", "600M Mult-Adds", "0.6 GMACs".
FORWARD = re.compile(
    rf"(?<![\w.]){_NUM}{_EXP}?\s*{_SCALE_WORD}?\s*-?\s*(?P<unit>(?P<unitprefix>[KMGTB])?(?:FLOPs|FLOPS|FLOP|Flops|flops)"
    r"|(?P<maprefix>[KMGTB])?(?:MACs|MAC|MAdds|Madds)|[Mm]ult(?:iply)?(?:-\s?|\s)?[Aa]dds?|[Mm]ultiply(?:-\s?|\s)accumulates?"
    r"(?: operations)?)(?![\w/])(?!\s*/\s*s|\s+per\s+second)")
# "25.6M parameters", "a 175B-parameter model", "340 million parameters", "(25.6M params)".
# "a 24-billion parameter model", and a count written out in digits ("7,241,732,096 parameters").
# A power of ten written out ("13.6 × 10^6 parameters", and "13.6 · 106" where the text layer lost the
# superscript) and "free" or "weights" for parameters, the form of older papers ("26.5M weights").
PARAMS_BEFORE = re.compile(
    rf"(?<![\w.]){_NUM}(?:{_EXP}|[\s-]*{_SCALE_WORD}(?:\s*\((?-i:[A-Z])[^()]{{0,28}}\))?)?\s*-?\s*(?:trainable\s+|learnable\s+|free\s+|model\s+|network\s+|"
    r"total\s+)?(?<![a-z])(?P<unit>parameters|parameter|params|param|weights)\b")  # measuring only (ops_param_adjectives)
# Up to two describing words between count and unit, the forms of older papers among them: "60,000
# trainable free parameters", "9,760 independent parameters", "18,629 weight parameters", "800 million
# training parameters".
PARAMS = re.compile(
    rf"(?<![\w.]){_NUM}(?:{_EXP}|[\s-]*{_SCALE_WORD}(?:\s*\((?-i:[A-Z])[^()]{{0,28}}\))?)?\s*-?\s*"
    r"(?:(?:trainable|learnable|free|model|network|total|independent|weight|training|learned|adjustable|tunable)\s+){0,2}"
    r"(?<![a-z])(?P<unit>parameters|parameter|params|param|weights)\b")
# "the number of parameters is 340M", "#params: 25.6M", "Params = 86M".
# The key in any case ("Total Parameters=110M" in a list of hyper-parameters) and "amounts to".
PARAMS_AFTER = re.compile(
    rf"(?<![\w-])(?i:parameters|parameter|params|#params|#param)\s*(?:(?:of|in)\s+(?:[\w-]+\s+){{1,4}}?)?(?:count\s*)?"
    rf"(?:is|are|was|were|=|:|totals?|totall?ed|reaches|amount(?:s|ed)?\s+to)\s*"
    rf"(?:about|around|roughly|only|approximately|~|≈)?\s*{_NUM}\s*{_SCALE_WORD}\b")
# The size a change ends at: "the overall number of parameters grows to 52 million", "scales the model
# parameters up to 9B", "cut the number of parameters to 40 million" (four papers among Epoch's
# quotes). The count after "to" is the model's size, not the change, so no difference cue before it.
PARAMS_TO = re.compile(
    r"(?<![\w-])(?i:parameters|parameter|params)\s+"
    # "of the model" may stand between noun and verb, but not a comparison ("... of ours compared to").
    r"(?:(?:of|in)\s+(?:(?!(?:compared|relative|close|equal|similar|comparable|proportional|due|according)\b)"
    r"[\w-]+\s+){1,4}?)?"
    r"(?:(?:(?:rise|grow|go|increase|expand|scale|come|drop|shrink|decrease|reduce|fall)\w*|rose|grew|went|"
    r"came|shrank|fell|brought)\s+)?(?:up\s+|down\s+)?to\s*"
    rf"(?:about|around|roughly|only|approximately|just|~|≈)?\s*{_NUM}\s*{_SCALE_WORD}\b")
# A count right before the noun makes "to" the end of a range ("from 125M parameters to 1.3B"), which
# the size-first pattern reads with its range cue.
_COUNT_BEFORE = re.compile(r"\d\s*(?:[KMBT]|thousand|million|billion|trillion)?\s*-?\s*(?:[a-z]+\s+)?$")
# A count in parentheses right after the noun: "with a fixed budget of parameters (24 M)", "more
# parameters (50M) than ...". Whose count it is the usual cues tell (a model named before it, a
# comparison word).
PARAMS_PAREN = re.compile(rf"(?<![\w-])(?i:parameters|params)\s*\(\s*(?:about\s+|~\s*|≈\s*)?{_NUM}\s*{_SCALE_WORD}\s*\)")
# Two counts set against each other in parentheses after a comparison: "X needs fewer parameters than
# Y (6M versus 70M)", "... than X (40M vs. 3M)". The first is the subject's, the second the comparand's.
PARAMS_VERSUS = re.compile(r"\(\s*(?P<a>\d+(?:\.\d+)?)\s*(?P<sa>[KMBT]|million|billion)?\s*"
                           r"(?P<unit_a>(?:trainable\s+)?(?:parameters|params)\s+)?(?:versus|vs\.?|against)\s+"
                           r"(?P<b>\d+(?:\.\d+)?)\s*(?P<sb>[KMBT]|million|billion)\b"
                           r"\s*(?P<unit_b>(?:trainable\s+)?(?:parameters|params)\s*)?\)")
# The quantity a pair without its own unit compares is the last one named before it: "more parameters
# than X (..)" is about sizes, "similar FLOPs (..)" or "a larger vocabulary (64K vs. 32K)" is not.
_QUANTITY_NOUN = re.compile(r"\b(?:parameters|params|weights|flops|macs|mult-adds|tokens|words|vocabular\w*|"
                            r"images|examples|samples|steps|iterations|epochs|layers|gpus|tpus|hours|days|"
                            r"memory|latency|speed)\b", re.IGNORECASE)
_COMPARAND = re.compile(r"\b(?:than|as|compared\s+(?:to|with)|relative\s+to|unlike)\b", re.IGNORECASE)
_SMALL_WORDS = "|".join(sorted(STRICT_NUMBER_WORDS, key=len, reverse=True))
# "90 epochs", "300-epoch schedule", "ten epochs".
EPOCHS = re.compile(rf"(?<![\w.])(?P<num>\d+(?:\.\d+)?|{_SMALL_WORDS})\s*-?\s*(?:training\s+|full\s+)?epochs?\b",
                    re.IGNORECASE)
# "a single epoch", "one full epoch": one pass over the data.
SINGLE_EPOCH = re.compile(r"\b(?:a\s+)?(?:full\s+)?single\s+(?:full\s+)?epoch\b|\bone\s+full\s+epoch\b", re.IGNORECASE)
# Hyper-parameter lists and tables: "Epochs: 3", "training epochs 800", "# epochs = 90".
EPOCHS_AFTER = re.compile(r"(?:\btraining\s+epochs|\b[Ee]pochs\s*[:=]|#\s*epochs\s*[:=]?)\s*(?P<num>\d{1,4})\b(?!\s*(?:,|and)\s*\d)")
# "300k steps", "1M iterations", "450,000 training steps", "100K updates".
STEPS_PLAIN = re.compile(
    rf"(?<![\w.]){_NUM}\s*(?P<scale>[kKM]|thousand|million)?\s*(?:training\s+|gradient\s+|optimi[sz]ation\s+|update\s+)?"
    r"(?P<unit>steps|iterations|updates)\b")
# ... and a power of ten written out: "60 × 10^4 iterations", "2.7 × 10^5 iterations" (2 dev papers).
STEPS = re.compile(
    rf"(?<![\w.]){_NUM}(?:{_EXP}|\s*(?P<scale>[kKM]|thousand|million))?\s*"
    r"(?:training\s+|gradient\s+|optimi[sz]ation\s+|update\s+)?(?P<unit>steps|iterations|updates)\b")
# "300B tokens", "3.3 billion words" (a word count is a token count to the study's precision).
# Describing words may stand between the count and the unit ("14.8 trillion diverse and high-quality
# tokens", "2T multilingual tokens"), and the count may name a run or a data set ("a 400B-token run").
TOKENS_BEFORE = re.compile(rf"(?<![\w.]){_NUM}\s*{_SCALE_WORD}\s*(?:-\s*token(?=[\s-]+(?:training|pre-?training|run|dataset|"
                           r"corpus|budget))|(?:(?!(?:parameters?|params|images?|examples?|steps?|iterations?|epochs?|"
                           r"layers?|pairs?|samples?|sentences?)\b)[a-z][\w-]*,?\s+(?:and\s+)?){0,3}?"
                           r"(?P<unit>tokens|words|subwords)\b)")  # measuring only (ablation ops_token_forms)
# Also a count before a singular "token"/"word" that names a data set, a run or a checkpoint, with or
# without the hyphen ("a 600B token dataset", "a 20 million word training set", "the 2.4T token
# checkpoint"), and a tokenizer's acronym among the describing words ("1.9T BPE tokens").
TOKENS = re.compile(rf"(?<![\w.]){_NUM}\s*{_SCALE_WORD}\s*(?:-?\s*(?:token|word)(?=[\s-]+(?:training|pre-?training|run|"
                    r"dataset|data\s+set|corpus|budget|checkpoint|sample))|"
                    r"(?:(?!(?:parameters?|params|images?|examples?|steps?|iterations?|epochs?|"
                    r"layers?|pairs?|samples?|sentences?)\b)(?:[a-z][\w-]*|[A-Z]{2,5}),?\s+(?:and\s+)?){0,3}?"
                    r"(?P<unit>tokens|words|subwords)\b)")
# "1.28 million training images", "118k images", "4.5M sentence pairs".
SET_SIZE = re.compile(
    rf"(?<![\w.]){_NUM}\s*{_SCALE_WORD}?\s*(?:training\s+|train\s+|labeled\s+|labelled\s+)?"
    r"(?P<unit>images|examples|samples|sentence pairs|pairs|sentences|questions)\b")

# Lower-case substrings one of which a sentence must hold to be read at all (SentenceIndex finds them in
# the paper's joined text at once); training-set sizes are read only next to a catalogued set's name.
_KEYWORDS = ("flop", "mac", "mult", "param", "weights", "epoch", "step", "iteration", "update", "token", "word",
             "passes", "sweeps", "cycles")
# A number that changes a cost rather than being one: "reduces FLOPs by 1.2G", "2x fewer".
_DIFFERENCE = re.compile(r"\b(?:reduc\w*|sav(?:e|es|ed|ing|ings)|fewer|less|lower|increas\w*|more than|additional|extra|"
                         r"overhead|cut\w*|drop(?!out)\w*|only adds?|(?<!-)adds? (?:only|just)|(?<!-)added|difference|speed-?ups?|faster|smaller|larger|"
                         r"compared to|vs\.?|versus|than)\b", re.IGNORECASE)
# A point in a schedule, not its length: "every 30 epochs", "after 10k steps", "the first 5 epochs".
_SCHEDULE_BEFORE = re.compile(r"\b(?:every|each|after(?: around| about| roughly| approximately)?|at|first|last|per|within|"
                              r"until|by|initial|warm-?\s?up(?: of| for)?|"
                              r"decay\w*(?: \w+){0,4} (?:at|after|every)|divided(?: \w+){0,4} (?:at|after|every)|"
                              r"(?:ramp|linearly)\w*(?: \w+){0,3} (?:over|for))\s*(?:the\s+)?(?:\d+\s*(?:,|and|or)\s*)*$",
                              re.IGNORECASE)
_NOT_MODELS = frozenset("ADAM ADAMW SGD LAMB LARS RMSPROP ADAFACTOR ADAGRAD NESTEROV IMAGENET COCO SQUAD WMT CONLL "
                        "CIFAR JFT MS FP16 FP32 BF16 BLEU".split())
# Kinds of model rather than a named one ("a multiplicative LSTM (18M parameters)", "an MoE-based model
# with 600B parameters"), more optimisers and data sets ("RAdam", "MNIST", "IN-1K" for ImageNet-1K):
# naming one before a value does not make the value another model's.
_NOT_MODELS_MORE = frozenset("LSTM LSTMS BILSTM GRU RNN RNNS CNN CNNS DNN MLP MLPS MOE GAN VAE CRF RADAM NADAM ADAMAX "
                             "MNIST SVHN IN".split())
# Tick labels of a figure read as text run into the axis title: "0 100 200 300 epoch".
_AXIS_BEFORE = re.compile(r"(?:^|\s)(?:\d+(?:\.\d+)?\s+){3,}\d")
# The upper end of a range is a rounded bound, not one model's figure: "from 3B to 300B FLOPs",
# "ranging from 1 billion to 8 billion parameters", "between 10 and 20 epochs", "1.3B–175B parameters".
_RANGE_BEFORE = re.compile(r"(?:\b(?:from|between)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?\d[\d.,]*\s*"
                           r"(?:[KMGBT]|thousand|million|billion|trillion)?\s*(?:[A-Za-z-]+\s+)?(?:to|and)|"
                           r"\d(?:[KMGBT]|\s*(?:thousand|million|billion|trillion))?\s*(?:to|–|-))\s*$")
# A part added to a schedule, not its length: "we can add 30 epochs", "another 10 epochs",
# "continue training for 72 epochs", "keep training it for 20 epochs", "resume ... for 20k steps".
_INCREMENT_BEFORE = re.compile(r"\b(?:add(?:s|ed|ing)?|another|additional|extra|further|"
                               r"(?:(?:continu|resum)\w*|keep\s+training)(?:\s+[\w-]+){0,3}?\s+for)\s+(?:the\s+|an?\s+)?$",
                               re.IGNORECASE)
_WARMUP = re.compile(r"\bwarm-?\s?up\b", re.IGNORECASE)
# ("up to" is no cue: counts of 1e7 tokens and more are never sequence lengths; "trained on up to 9T
# tokens" is the run's.)
_NOT_TRAINING_TOKENS = re.compile(r"\b(?:vocabular\w*|sequence(?:s)? (?:length|of)|context|window|length|per "
                                  r"(?:batch|step|example|sequence)|batch\w*|dictionary|max(?:imum)?)\b",
                                  re.IGNORECASE)
_PER_EXAMPLE = re.compile(r"\b(?:per (?:image|example|token|sample|input|forward pass|inference)|forward pass|"
                          r"inference|at test time|single (?:image|crop|forward))\b", re.IGNORECASE)
_RATE_WORDS = re.compile(r"\b(?:throughput|per second|/s|peak|sustain\w*|achiev\w* \d)", re.IGNORECASE)


def _number(match: re.Match[str]) -> float | None:
    text = match.group("num")
    lower = text.lower()
    if lower in WORD_NUMBERS and lower in STRICT_NUMBER_WORDS:
        return float(WORD_NUMBERS[lower])
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    groups = match.groupdict()
    exponent = groups.get("exp") or groups.get("e")
    if exponent:
        value *= 10.0 ** int(exponent.replace("−", "-"))
    scale = groups.get("scale")
    if scale:
        value *= SCALE_WORDS[scale.lower()]
    return value


def _evidence(sentence: Sentence, start: int, end: int) -> Evidence:
    return Evidence(sentence.page, sentence.text, start, end, sentence.section)


# ("... has 700M parameters and is trained on CorpusX [12]": the citation is the data set's.)
_PHRASE_BREAK = re.compile(r"[,;:]|\s(?:with|using|via|outperform\w*|while|whereas|but|which|and then)\s|"
                           r"\s(?:and\s+)?(?:is|are|was|were)\s+(?:pre-?)?\w+ed\s+(?:on|with|using)\s", re.IGNORECASE)


def _cited_after(text: str, end: int, limit: int = 80) -> bool:
    """A citation opens after the value before the first clause break (at most `limit` characters);
    the comma inside "(Author, 2020)" is no break."""
    after = text[end:end + limit]
    cut = _PHRASE_BREAK.search(after)
    return any(m.start() < (cut.start() if cut else limit) for m in cues.CITATION.finditer(after))


# A count located in one part of the model: "... in the embedding layer", "... are in the image encoder",
# "... within each block" (the whole model's count says "in total" or names no part).
_MODEL_PART_AFTER = re.compile(
    r"\s*(?:\)\s*)?(?:(?:are|is|lie|sit|reside)\s+)?(?:in|within|of|for|inside)\s+(?:the|its|each|every|one|a|our)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:(?:embedding|attention|output|input|hidden|convolutional|linear|projection|"
    r"classification|prediction)\s+)?(?:layers?|encoders?|decoders?|embeddings?|heads?|backbones?|blocks?|"
    r"modules?|branch(?:es)?|towers?|adapters?|stems?|classifiers?|sub-?networks?|experts?)\b",
    re.IGNORECASE)


def _cues(sentence: Sentence, start: int, end: int, own_names: frozenset[str]) -> dict:
    """The signals shared by every prose candidate: section, own-work words, citations, comparisons,
    the model named before the value (its `model_label`) and whether that model is the paper's."""
    text = sentence.text
    clause = cues.clause_before(text, start)
    model = cues.nearest_model_name(clause)
    if model and (model.split("-")[0].upper() in _NOT_MODELS or (
            model.split("-")[0].upper() in _NOT_MODELS_MORE and not cues.ablated("ops_not_model_kinds"))):
        model = None  # an optimiser or a data set named before the value is not the model it belongs to
    # The paper's own name anywhere in the clause ("a DLRM and DCN both with 540M parameters") makes
    # the value its own even when another model is named last.
    own_in_clause = any(cues.is_own_name(w, own_names) for w in re.findall(r"[A-Za-z][\w-]+", clause)) if own_names else False
    own_model = bool((model and own_names and cues.is_own_name(model, own_names)) or own_in_clause)
    other_model = bool(model and own_names and not own_model)
    features = {
        "pattern": "prose", "section": sentence.section, "in_table": False,
        "own": bool(cues.OWN_WORK.search(text)), "own_model": own_model, "other_model": other_model,
        # A citation after the value belongs to it only inside the same phrase ("a 17B parameter model
        # called X (Author, 2020)"), not past a clause break ("..., outperforming detector [42]",
        # "... with SGD and Adagrad optimizers [6]").
        "cited": bool(cues.cited_subject(clause) or cues.CITATION.search(text[max(0, start - 60):end])
                      or (cues.CITATION.search(text[end:end + 80]) if cues.ablated("ops_cited_phrase")
                          else _cited_after(text, end))),
        # "only 18% of VGG-19 (19.6 billion FLOPs)": a share of another model is a comparison.
        "comparison": bool(cues.COMPARISON_BEFORE.search(clause) or re.search(r"\d%\s+of\b", clause)),
        "third_person": bool(cues.THIRD_PERSON.search(clause)),
        # After the value only up to a clause break: "100B parameters, with more than 2T tokens" compares
        # nothing with the count.
        "difference": bool(_DIFFERENCE.search(text[max(0, start - 50):start]) or _DIFFERENCE.search(
            text[end:end + 20] if cues.ablated("ops_difference_clause") else re.split(r"[,;]", text[end:end + 20])[0])),
        "cue_training": bool(cues.TRAINING_STRONG.search(text)),
        # Only near the value: "..., so that they could be used on phones" elsewhere is no hypothetical.
        "hypothetical": bool(re.search(r"\b(?:could|would|might|if)\b", text[max(0, start - 60):end + 25])),
        # "0 50 100 150 200 Epochs": a figure axis read as text, not a statement.
        "axis_label": bool(_AXIS_BEFORE
                           .search(text[max(0, start - 40):start + 1])),
        "range_bound": bool(_RANGE_BEFORE.search(text[max(0, start - 60):start])) and not cues.ablated("ops_range_bound"),
        "increment": bool(_INCREMENT_BEFORE.search(text[max(0, start - 60):start])) and not cues.ablated("ops_increment"),
        # "1 billion parameters per GPU", "2 FLOPs per parameter": a rate, not the model's size.
        "per_unit": bool(re.match(r"\s*(?:per|/|each)\s+(?:GPU|device|chip|core|node|layer|head|parameter|token)\b",
                                  text[end:end + 20], re.IGNORECASE)),
        # "131M parameters in the embedding layer", "2 GFLOPs in each block": a part of the model.
        "model_part": bool(_MODEL_PART_AFTER.match(text, end)) and not cues.ablated("ops_model_part"),
        # A bibliography entry read as body text: another work's title ("X: a 17B parameter model").
        "reference_entry": cues.is_reference_entry(text),
    }
    if features["cited"] and features["own"] and _cites_only_recipe(text, start, end):
        features["cited"], features["cites_recipe"] = False, True
    # "trained on the Corpus [7] dataset, the largest with 3B parameters": the citation is the data's.
    if features["cited"] and not features["third_person"] and not cues.ablated("ops_data_citation_all") \
            and not cues.ablated("ops_data_citation") and _cites_only_data(text, start, end):
        features["cited"], features["cites_data"] = False, True
    if model:
        features["model_label"] = model
    return features


# A citation introduced as the recipe the paper follows ("following Smith et al. (2020)", "the default
# setting of Toolkit [39]", "a similar strategy in Detector [3]", "the architecture of [12]") credits a
# design or a schedule, not the value beside it: the paper's own sentence stays its own.
_RECIPE_BEFORE = re.compile(r"\b(?:follow\w*|as\s+in|similar\s+to|same\s+[\w-]+(?:\s+[\w-]+)?\s+as|"
                            r"settings?\s+(?:of|in)|recipes?\s+(?:of|in|from)|protocols?\s+(?:of|in)|"
                            r"strateg(?:y|ies)\s+(?:of|in|from)|architecture\s+(?:of|in|from)|"
                            r"implementation\s+(?:of|in|from))\b(?:\s+(?:the\s+)?[\w.-]+){0,4}?\s*[(\[]?$", re.IGNORECASE)


# Before the value a bare "follows X [4]" may introduce X's own figure ("follows X [4], a 340M parameter
# model"): there the recipe must be named as one (setting, recipe, strategy, architecture ...).
_RECIPE_NOUN = re.compile(r"\b(?:settings?|recipes?|protocols?|strateg(?:y|ies)|architecture|implementation|"
                          r"as\s+in|same\s+[\w-]+(?:\s+[\w-]+)?\s+as)\b", re.IGNORECASE)


def _cites_only_recipe(text: str, start: int, end: int) -> bool:
    """Every citation near the value (60 characters before, 80 after) is introduced as a recipe."""
    if cues.ablated("ops_recipe_citation"):
        return False
    near = [m for m in cues.CITATION.finditer(text) if start - 60 <= m.start() <= end + 80]

    def recipe(m: re.Match[str]) -> bool:
        found = _RECIPE_BEFORE.search(text[max(0, m.start() - 60):m.start()])
        return bool(found) and (m.start() >= end or bool(_RECIPE_NOUN.search(found.group(0))))
    return bool(near) and all(recipe(m) for m in near)


def _confidence(base: float, f: dict) -> float:
    """The rule confidence from the features (the learned scorer replaces this when it lands)."""
    score = base
    score += 0.15 if f.get("own") or f.get("own_model") else 0.0
    score -= 0.45 if f.get("cited") else 0.0
    score -= 0.3 if f.get("comparison") else 0.0
    score -= 0.3 if f.get("third_person") else 0.0
    score -= 0.35 if f.get("difference") else 0.0
    score -= 0.3 if f.get("other_model") else 0.0
    score -= 0.3 if f.get("hypothetical") else 0.0
    score -= 0.5 if f.get("schedule") else 0.0
    score -= 0.5 if f.get("axis_label") else 0.0
    score -= 0.4 if f.get("per_unit") else 0.0
    score -= 0.4 if f.get("model_part") else 0.0
    score -= 0.2 if f.get("range_bound") else 0.0
    score -= 0.4 if f.get("increment") else 0.0
    score -= 0.6 if f.get("reference_entry") else 0.0
    return cues.clamp(score * cues.section_weight(f.get("section", "body")))


def _candidate(field: str, attrs: dict, value: float, unit: str, sentence: Sentence, match: re.Match[str] | tuple[int, int],
               features: dict, base: float) -> Candidate:
    start, end = (match.start(), match.end()) if isinstance(match, re.Match) else match
    return Candidate(field=field, attrs=attrs, value=value, unit=unit, raw_text=sentence.text[start:end],
                     confidence=_confidence(base, features), evidence=_evidence(sentence, start, end),
                     extractor=OPERATIONS_VERSION, features=features)


# --- paper-level convention: are this paper's "FLOPs" multiply-adds? ------------------------------------

_FLOPS_ARE_MADDS = re.compile(
    r"FLOPs?\s*\((?:i\.e\.,?\s*|number of\s+)?(?:multiply-?\s?adds|mult-?adds|multiply-accumulates?|MACs?)\)|"
    r"(?:multiply-?adds|mult-?adds|MACs)\s*\(\s*FLOPs?\s*\)|"
    r"FLOPs?\s+(?:denotes?|means?|refers?\s+to|(?:is|are)\s+(?:the\s+)?)\s*(?:the\s+)?(?:number\s+of\s+)?"
    r"(?:multiply-?adds|mult-?adds|multiply-accumulates?|MACs)|"
    r"FLOPs?\s+(?:is|are)\s+(?:counted|computed|measured|defined|reported)\s+as\s+(?:the\s+number\s+of\s+)?"
    r"(?:multiply-?adds|mult-?adds|multiply-accumulates?|MACs)|"
    r"(?:count|report|measure|define)\w*\s+(?:the\s+)?FLOPs?\s+as\s+(?:the\s+number\s+of\s+)?(?:multiply-?adds|"
    r"mult-?adds|multiply-accumulates?|MACs)", re.IGNORECASE)


def flops_are_multiadds(sentences: Iterable[Sentence]) -> bool:
    """True when the paper says its "FLOPs" count multiply-adds ("3.6 billion FLOPs (multiply-adds)")."""
    return any(_FLOPS_ARE_MADDS.search(s.text) for s in index_for(list(sentences)).containing(("flop",)))


# --- prose readers ------------------------------------------------------------------------------------

def _forward(sentence: Sentence, own_names: frozenset[str], madds_paper: bool) -> list[Candidate]:
    out = []
    for match in FORWARD.finditer(sentence.text):
        value = _number(match)
        if value is None:
            continue
        unit = match.group("unit")
        prefix = match.group("unitprefix") or match.group("maprefix")
        if prefix:
            if match.group("scale"):
                continue  # "4.1M GFLOPs": not a form papers write
            value *= SCALE_WORDS[prefix.lower()]
        letter = prefix or (match.group("scale") or "")
        rate = unit.endswith("FLOPS") and letter in ("T", "P")
        if rate or not 1e5 <= value <= 5e13:
            continue  # a chip's rate ("125 TFLOPS") or a training total (stated_compute reads those)
        is_madds = not re.search(r"flop", unit, re.IGNORECASE) or madds_paper
        features = _cues(sentence, match.start(), match.end(), own_names)
        window = cues.window(sentence.text, match.start(), match.end(), 60, 60)
        features.update(kind="multiadds" if is_madds else "flops", per_example=bool(_PER_EXAMPLE.search(window)),
                        rate_words=bool(_RATE_WORDS.search(window)), madds_paper=madds_paper)
        if features["rate_words"]:
            features["difference"] = True if re.search(r"\bpeak\b", window, re.I) else features["difference"]
        base = 0.6 + (0.05 if features["per_example"] else 0.0)
        out.append(_candidate("forward_flops", {"flops": float(f"{value:.4g}"), "kind": features["kind"]},
                              value, "MAC" if is_madds else "FLOP", sentence, match, features, base))
    return out


# A link whose words the text layer spaced out ("blog/ turing - nlg - a - 17 - billion - parameter - ..."):
# a title in a URL, not a statement.
_IN_URL = re.compile(r"(?:https?://|www\.)\S*(?:\s+\S+){0,16}\s*$")


# A size in parentheses after a model's name: "Tiny (28M), Base (89M) and Large (198M)", "FooLM-small
# (60M)", "a FooLM-large model (770M)". Bare "Name (1M)" is no parameter count (training steps, corpus
# sizes: "ALBERT (1M)" in a results table), so the name must be a size word (alone or as a hyphenated
# suffix) or the list must end in "model(s)". Only K/M/B scales: "(2T)" is a token count.
_SIZE_WORDS = frozenset("tiny small base medium large huge giant big mini micro nano pico femto atto xl xxl "
                        "xlarge xxlarge".split())
NAMED_SIZE = re.compile(r"(?<![\w.-])(?P<name>[A-Z][\w.]*(?:-[\w.]+)*)(?:\s+model)?\s*\(\s*[~≈]?\s*"
                        r"(?P<num>\d+(?:\.\d+)?)\s*(?P<scale>[KMB]|million|billion)\s*\)")
_NAMED_SIZE_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)$")
_MODELS_AFTER = re.compile(r"\s*models?\b", re.IGNORECASE)


def _is_size_word(name: str) -> bool:
    return name.lower() in _SIZE_WORDS or name.rsplit("-", 1)[-1].lower() in _SIZE_WORDS


def _named_sizes(text: str) -> list[re.Match[str]]:
    """The named sizes of a sentence: each item of a run of "Name (size)" items counts when its name is
    a size word or the run ends in "model(s)"."""
    if cues.ablated("ops_named_sizes"):
        return []
    matches = list(NAMED_SIZE.finditer(text))
    out, run = [], []
    for i, match in enumerate(matches):
        run.append(match)
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        if nxt and _NAMED_SIZE_GAP.search(text[match.end():nxt.start()]) and nxt.start() - match.end() <= 8:
            continue
        ends_in_models = bool(_MODELS_AFTER.match(text, run[-1].end()))
        out += [m for m in run if ends_in_models or _is_size_word(m.group("name")) or " model" in m.group(0)]
        run = []
    return out


# The cheap prefilter of named sizes: a parenthesised size, found in the joined text at once.
_PAREN_SIZE = re.compile(r"\(\s*[~≈]?\s*\d+(?:\.\d+)?\s*(?:[KMB]|million|billion)\s*\)")


def _named_size_parameters(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    out = []
    for match in _named_sizes(sentence.text):
        value = _number(match)
        if value is None or not 1e4 <= value <= 1e13:
            continue
        features = _cues(sentence, match.start(), match.end(), own_names)
        # A bare size word names a variant, not another model ("Base (89M)"); "BarNet-Large (300M)" is
        # judged by its name like any other.
        if match.group("name").lower() in _SIZE_WORDS:
            features["other_model"] = False
            features["model_label"] = match.group("name")
        features["pattern"] = "named_size"
        out.append(_candidate("parameters", {"parameters": float(f"{value:.4g}")}, value, "parameters",
                              sentence, match, features, 0.6))
    return out


def _parameters(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    out = []
    params = PARAMS_BEFORE if cues.ablated("ops_param_adjectives") else PARAMS
    patterns = (params, PARAMS_AFTER) if cues.ablated("ops_params_to") else (params, PARAMS_AFTER, PARAMS_TO)
    for pattern in patterns:
        for match in pattern.finditer(sentence.text):
            value = _number(match)
            if value is None or not 1e4 <= value <= 1e13 or _IN_URL.search(sentence.text[max(0, match.start() - 100):match.start()]):
                continue
            if match.groupdict().get("unit") == "weights" and sentence.text[max(0, match.start() - 1):match.start()] == "-":
                continue  # "ImageNet-21K weights": a checkpoint named by its data set, not a count
            if pattern is PARAMS_TO and _COUNT_BEFORE.search(sentence.text[max(0, match.start() - 30):match.start()]):
                continue
            features = _cues(sentence, match.start(), match.end(), own_names)
            features["pattern"] = {PARAMS_AFTER: "prose_after", PARAMS_TO: "prose_to"}.get(pattern, "prose")
            if pattern is PARAMS_TO:
                after_text = re.split(r"[,;]", sentence.text[match.end():match.end() + 20])[0]
                features["difference"] = bool(_DIFFERENCE.search(after_text))
                # "parameters in the embedding layer grow to 40M": the part is named before the count
                features["model_part"] = features["model_part"] or (
                    bool(_MODEL_PART_AFTER.search(sentence.text, match.start(), match.end()))
                    and not cues.ablated("ops_model_part"))
            out.append(_candidate("parameters", {"parameters": float(f"{value:.4g}")}, value, "parameters",
                                  sentence, match, features, 0.6))
    if not cues.ablated("ops_params_paren"):
        for match in PARAMS_PAREN.finditer(sentence.text):
            value = _number(match)
            if value is None or not 1e4 <= value <= 1e13:
                continue
            features = {**_cues(sentence, match.start(), match.end(), own_names), "pattern": "prose_paren"}
            out.append(_candidate("parameters", {"parameters": float(f"{value:.4g}")}, value, "parameters",
                                  sentence, match, features, 0.6))
    if not cues.ablated("ops_params_versus"):
        out += _versus_parameters(sentence, own_names)
    return out


def _side_is_own(text: str, own_names: frozenset[str]) -> bool:
    if cues.OWN_WORK.search(text):
        return True
    return bool(own_names) and any(cues.is_own_name(w, own_names) for w in re.findall(r"[A-Za-z][\w-]+", text))


def _versus_parameters(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    """The own count of a pair set against another model's ("fewer parameters than Y (6M versus 70M)").
    The comparand runs from "than"/"compared to" to the next comma; the rest of the text before the
    pair is the subject. Read only when exactly one side is the paper's (its name, "our", "ours")."""
    text = sentence.text
    out = []
    for match in PARAMS_VERSUS.finditer(text):
        scale_b = match.group("sb")
        scale_a = match.group("sa") or scale_b
        before = text[max(0, match.start() - 250):match.start()]
        word = None
        for word in _COMPARAND.finditer(before):
            pass
        if word is None:
            continue
        nouns = list(_QUANTITY_NOUN.finditer(before))
        if not (match.group("unit_a") or match.group("unit_b")) and not (
                nouns and nouns[-1].group(0).lower() in ("parameters", "params", "weights")):
            continue
        comma = before.find(",", word.end())
        comparand_end = comma if comma >= 0 else len(before)
        comparand = before[word.end():comparand_end]
        subject = before[:word.start()] + " " + before[comparand_end:]
        subject_own, comparand_own = _side_is_own(subject, own_names), _side_is_own(comparand, own_names)
        if subject_own == comparand_own:
            continue
        group = "a" if subject_own else "b"
        value = float(match.group(group)) * SCALE_WORDS[(scale_a if group == "a" else scale_b).lower()]
        if not 1e4 <= value <= 1e13:
            continue
        span = match.span(group)
        features = _cues(sentence, *span, own_names)
        # The comparison is resolved: the words that mark one are what located the own side.
        features.update(pattern="prose_versus", comparison=False, difference=False, other_model=False,
                        cited=False, own_model=True, model_label="")
        out.append(_candidate("parameters", {"parameters": float(f"{value:.4g}")}, value, "parameters",
                              sentence, span, features, 0.6))
    return out


def _schedule_point(text: str, start: int, key_value: re.Match[str] | None = None) -> bool:
    """A point or a warm-up in a schedule. In a hyper-parameter list ("warmup epochs 40 training
    epochs 300", "Epochs: 3 • Warmup: linear") the warm-up is its own key: for a key-value match only
    the key itself ("warmup epochs: 5") makes the value a warm-up."""
    before = text[max(0, start - 60):start]
    if key_value is not None and not cues.ablated("ops_key_value_warmup"):
        return bool(_SCHEDULE_BEFORE.search(before)) or bool(_WARMUP.search(key_value.group(0)))
    return bool(_SCHEDULE_BEFORE.search(before)) or bool(_WARMUP.search(text[max(0, start - 25):start + 40]))


def _epochs(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    out = []
    matches = [*EPOCHS.finditer(sentence.text), *EPOCHS_AFTER.finditer(sentence.text)]
    for match in SINGLE_EPOCH.finditer(sentence.text):
        features = _cues(sentence, match.start(), match.end(), own_names)
        features.update(difference=False, schedule=False, phase=cues.training_phase(sentence.text), pattern="single_epoch")
        out.append(_candidate("epochs", {"epochs": 1.0, "phase": features["phase"]}, 1.0, "epochs", sentence, match,
                              features, 0.6 + (0.1 if features["cue_training"] else 0.0)))
    for match in matches:
        value = _number(match)
        if value is None or not 1 <= value <= 10000:
            continue
        features = _cues(sentence, match.start(), match.end(), own_names)
        features["difference"] = False  # "more epochs than" is a comparison, judged below
        key_value = match if match.re is EPOCHS_AFTER else None
        features["schedule"] = _schedule_point(sentence.text, match.start(), key_value)
        features["key_value"] = key_value is not None
        phase = cues.training_phase(sentence.text)
        features["phase"] = phase
        attrs = {"epochs": value, "phase": phase}
        named = datasets.find_training_sets(sentence.text)
        if named:
            attrs["dataset"] = named[0][1].name
        base = 0.6 + (0.1 if features["cue_training"] else 0.0)
        out.append(_candidate("epochs", attrs, value, "epochs", sentence, match, features, base))
    return out


def _steps(sentence: Sentence, own_names: frozenset[str], neighbours: tuple[str, ...]) -> list[Candidate]:
    out = []
    for match in (STEPS_PLAIN if cues.ablated("ops_steps_power_of_ten") else STEPS).finditer(sentence.text):
        value = _number(match)
        if value is None or not 100 <= value <= 1e8:
            continue
        features = _cues(sentence, match.start(), match.end(), own_names)
        features["difference"] = False
        features["schedule"] = _schedule_point(sentence.text, match.start())
        phase = cues.training_phase(sentence.text)
        features["phase"] = phase
        attrs: dict = {"steps": value, "phase": phase}
        batch = in_sentence = batch_of(sentence.text, match.start())
        if batch is None and (borrowed := neighbour_batch(neighbours)):
            batch, batch_model = borrowed
            if batch_model and not features.get("model_label") and not cues.ablated("ops_batch_model"):
                features["model_label"] = batch_model
        if batch:
            attrs["batch_size"], attrs["batch_unit"] = batch
            features["batch_in_sentence"] = in_sentence is not None
        base = 0.55 + (0.1 if features["cue_training"] else 0.0)
        out.append(_candidate("steps", attrs, value, "steps", sentence, match, features, base))
    return out


# A count written out in digits: "419,430,400,000 training tokens".
TOKENS_WRITTEN_OUT = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3}){2,})\s+(?:training\s+|total\s+)?(?P<unit>tokens|words)\b")
# A citation right after a data set's name or a data word cites the data, not the count beside it:
# "on the Corpus [21] for 300B tokens", "for 2T tokens on a mixture of WebText (Author et al., 2020)".
_DATA_BEFORE_CITATION = re.compile(r"(?:\b(?:data\s?sets?|corpus|corpora|data|collection|mixture|dump|crawl)|"
                                   r"\b(?:on|from|of)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})\s*,?\s*$")


def _cites_only_data(text: str, start: int, end: int) -> bool:
    """Every citation near the value (60 characters before, 80 after) follows a data set's name."""
    near = [m for m in cues.CITATION.finditer(text) if start - 60 <= m.start() <= end + 80]
    return bool(near) and all(_DATA_BEFORE_CITATION.search(text[max(0, m.start() - 45):m.start()]) for m in near)


def _tokens(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    out = []
    matches = [*(TOKENS_BEFORE if cues.ablated("ops_token_forms") else TOKENS).finditer(sentence.text)]
    if not cues.ablated("ops_tokens_written_out"):
        matches += TOKENS_WRITTEN_OUT.finditer(sentence.text)
    for match in matches:
        value = _number(match)
        if value is None or not 1e7 <= value <= 1e15:
            continue
        features = _cues(sentence, match.start(), match.end(), own_names)
        features["difference"] = False
        if features["cited"] and not cues.ablated("ops_data_citation") and not features["third_person"] \
                and _cites_only_data(sentence.text, match.start(), match.end()):
            features["cited"], features["cites_data"] = False, True
        window = sentence.text[max(0, match.start() - 50):match.end() + 15]
        features["not_training_tokens"] = bool(_NOT_TRAINING_TOKENS.search(window))
        features["cue_data"] = bool(re.search(r"\b(?:corpus|corpora|dataset|data|text|crawl)\b", sentence.text, re.I))
        base = 0.5 + (0.15 if features["cue_training"] else 0.0) + (0.05 if features["cue_data"] else 0.0)
        base -= 0.45 if features["not_training_tokens"] else 0.0
        out.append(_candidate("training_tokens", {"tokens": float(f"{value:.4g}"), "phase": cues.training_phase(sentence.text)},
                              value, "tokens", sentence, match, features, base))
    return out


_TRAINED_ON = re.compile(r"\b(?:train(?:s|ed|ing)?|pre-?train\w*|fine-?tun\w*)\b(?:\s+\w+){0,6}?\s+(?:on|using|with|from)\b",
                         re.IGNORECASE)
_EVAL_ONLY = re.compile(r"\b(?:evaluat\w*|test(?:ed|ing)?|validat\w*|transfer\w*|downstream)\b", re.IGNORECASE)


def _training_sets(sentence: Sentence, own_names: frozenset[str]) -> list[Candidate]:
    named = datasets.find_training_sets(sentence.text)
    if not named:
        return []
    trained_on = _TRAINED_ON.search(sentence.text)
    sizes = [(m, _number(m)) for m in SET_SIZE.finditer(sentence.text)]
    out = []
    training_strong = bool(cues.TRAINING_STRONG.search(sentence.text))
    for match, entry in named:
        if not (trained_on and trained_on.start() < match.start()) and not training_strong:
            continue  # dropped below in any case: no need to build its features
        features = _cues(sentence, match.start(), match.end(), own_names)
        features["difference"] = False
        features["other_model"] = False  # a dataset name is not a model
        features["trained_on"] = bool(trained_on and trained_on.start() < match.start())
        features["eval_words"] = bool(_EVAL_ONLY.search(sentence.text))
        if not features["trained_on"] and not features["cue_training"]:
            continue  # a dataset merely named: evaluation, statistics, related work
        phase = cues.training_phase(sentence.text)
        features["phase"] = phase
        stated = [(m, v) for m, v in sizes if v and v >= 1000 and abs(m.start() - match.start()) < 120]
        if stated:
            size_match, examples = min(stated, key=lambda mv: abs(mv[0].start() - match.start()))
            size_source = "paper"
        else:
            examples, size_source = float(entry.examples), "catalog"
        features["size_source"] = size_source
        base = 0.5 + (0.15 if features["trained_on"] else 0.0) - (0.1 if features["eval_words"] else 0.0)
        attrs = {"dataset": entry.name, "examples": float(examples), "size_source": size_source, "phase": phase}
        out.append(_candidate("training_set", attrs, float(examples), entry.unit, sentence, match, features, base))
    return out


def extract_operation_inputs(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset(),
                             tables: Iterable[TableRegion] = (),
                             title_vocabulary: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every operation-count candidate of a paper, is_best unset (see `select_best`)."""
    madds_paper = flops_are_multiadds(sentences)
    index = index_for(sentences)
    dataset_keywords = datasets.keywords()
    keywords = _KEYWORDS + dataset_keywords
    out: list[Candidate] = []
    for sentence in index.containing(keywords):
        if sentence.section in ("references",):
            continue
        text_lower = sentence.text.lower()
        if "flop" in text_lower or "mac" in text_lower or "mult" in text_lower:
            out += _forward(sentence, own_names, madds_paper)
        if "param" in text_lower or "weights" in text_lower:
            out += _parameters(sentence, own_names)
        if "epoch" in text_lower:
            out += _epochs(sentence, own_names)
        if "step" in text_lower or "iteration" in text_lower or "update" in text_lower:
            i = sentence.index
            near = tuple(s.text for s in sentences[max(0, i - 1):i + 2] if s is not sentence) \
                if 0 <= i < len(sentences) and sentences[i] is sentence else ()
            out += _steps(sentence, own_names, near)
        if "token" in text_lower or "word" in text_lower:
            out += _tokens(sentence, own_names)
        if any(k in text_lower for k in dataset_keywords):
            out += _training_sets(sentence, own_names)
    if not cues.ablated("ops_named_sizes"):
        for sentence in index.matching(_PAREN_SIZE):
            if sentence.section != "references":
                out += _named_size_parameters(sentence, own_names)
    out += table_inputs(list(tables), own_names=own_names, title_vocabulary=title_vocabulary, madds_paper=madds_paper)
    return out




# --- best candidates ----------------------------------------------------------------------------------

def _same_value(head: Candidate, other: Candidate) -> bool:
    if head.field == "training_set":
        return head.attrs["dataset"] == other.attrs["dataset"] and head.attrs["phase"] == other.attrs["phase"]
    if head.field in ("epochs", "steps"):
        return head.value == other.value and head.attrs.get("phase") == other.attrs.get("phase")
    return cues.within_one_percent(head.value, other.value)


def _significant_digits(value: float) -> int:
    digits = f"{value:.4g}".split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return max(1, len(digits))


def _rounded_to(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def mark_rounded_mentions(candidates: list[Candidate]) -> None:
    """A size or cost written coarser elsewhere in the same paper ("the 8 billion parameter model"
    beside "8.3 billion parameters") may be that value rounded: feature `rounded_of` for the learned
    scorer. No confidence penalty: on the dev papers it removed one right value (660M beside 659M, both
    labelled) for one wrong (8B beside 8.3B), and on the held-out papers one right value."""
    for field in ("parameters", "forward_flops"):
        same_field = [c for c in candidates if c.field == field]
        precise = {c.value for c in same_field if c.confidence >= 0.4}
        for cand in same_field:
            digits = _significant_digits(cand.value)
            finer = [v for v in precise if v != cand.value and _significant_digits(v) > digits
                     and cues.within_one_percent(_rounded_to(v, digits), cand.value)]
            if finer:
                cand.features["rounded_of"] = float(f"{min(finer, key=lambda v: abs(v - cand.value)):.4g}")


def select_best(candidates: list[Candidate], threshold: float = 0.5) -> list[Candidate]:
    """Per field, one best candidate per distinct value; agreeing mentions raise the head's confidence.

    A paper can state several forward costs and parameter counts (one per model size), so every
    confident distinct value stays; the estimate takes the largest (analysis.compute.arithmetic_inputs)."""
    mark_rounded_mentions(candidates)
    best = []
    for field in FIELDS:
        same_field = [c for c in candidates if c.field == field]
        for group in cues.agreeing_groups(same_field, _same_value):
            head = group[0]
            head.features["mentions"] = len(group)
            # Only mentions that could stand on their own confirm a value: a cited caption repeating a
            # baseline's cost must not lift that cost over the threshold.
            support = sum(1 for c in group[1:] if c.confidence >= 0.4)
            head.confidence = cues.clamp(head.confidence + 0.05 * min(support, 3))
            if head.confidence >= threshold:
                head.is_best = True
                best.append(head)
    return best

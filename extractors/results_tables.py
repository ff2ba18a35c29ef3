"""Benchmark results from result tables: caption naming the benchmark, header naming the metric, the
row of the paper's own model.

`table_candidates(tables, ctx, doc)` reads the cell grids that tables.py cuts out of the page (or that
the text reader kept) into result candidates; results.py merges them with the sentence reader's.
Each column is mapped to (dataset, metric, split) from its header, else the caption, else the prose
that refers to the table ("Table 3 compares ... on SQuAD 1.1") or precedes it, else the one scored
dataset the paper reports that metric on; a column none of these names is not read. Every candidate
carries the rule's signals in `features` for the learned scorer (row label, bold, own-model name,
"ours", citation in the row, group header, header class, dataset source, split, rank in its column,
ablation, model size, appendix, continued table), and a rule-based `confidence` until the scorer lands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import benchmarks as bm
from extractors.cues import CITATION, model_count_cues
from extractors.document import DocumentText, TableRegion
from extractors.nlp import index_for
from extractors.result_context import Found, PaperContext, make_candidate

# Row labels cite with an author-year that cues.CITATION (one author) does not cover:
# "Match-LSTM (Wang and Jiang, 2016)", "R.M. Reader (Hu et al 2018)".
_ROW_YEAR = re.compile(r"[(,]\s*(?:[A-Z][\w-]+(?:\s+(?:and|&|et\s+al\.?)\s*[\w-]*)?,?\s+)?(?:19|20)\d\d[a-z]?\s*\)")
OURS_LABEL = re.compile(r"\bours\b|\bour\b|\bproposed\b|\bthis\s+(?:work|paper)\b", re.I)
_CELL_NUMBER = re.compile(r"^[(]?((?:\d{1,3}(?:\.\d+)?|\.\d+))\s*%?[*†‡§∗⋆]*\)?(?:±[\d.]+)?$")
# Rows that are not a model of the paper even without a citation, and group headers above baselines.
NOT_OWN_ROW = re.compile(r"\bbaselines?\b|\bhuman\b|\boracle\b|\bupper[-\s]bound\b|\bsota\b|"
                          r"\bstate[-\s]of[-\s]the[-\s]art\b|\bprevious\b|\bprior\b|\bleaderboard\b", re.I)
NOT_OWN_GROUP = re.compile(r"\bpublished\b|\bbaselines?\b|\bprevious\b|\bprior\b|\bleaderboard\b|"
                            r"\bexisting\b|\bstate[-\s]of[-\s]the[-\s]art\b|\breported\b|\bliterature\b", re.I)
_CELL_PAIR = re.compile(r"^((?:\d{1,3}(?:\.\d+)?|\.\d+))%?[*†‡§∗⋆]*\s*/\s*((?:\d{1,3}(?:\.\d+)?|\.\d+))%?[*†‡§∗⋆]*$")
# Ablation tables and rows: the paper's model with parts removed or changed, not its headline.
_ABLATION_CAPTION = re.compile(r"\bablat\w*|\bcomponent\s+analysis|\beffect\s+of\b|\bimpact\s+of\b|"
                               r"\bcontribution\s+of\b|\bvariants?\s+of\b", re.I)
_ABLATION_ROW = re.compile(r"\bw/o\b|\bwithout\b|\bno\s+[a-z]|^\s*[+−–-]\s*[A-Za-z]|\bremov\w*|\breplac\w*", re.I)
# A model size in a row label: "Zephyr-S", "BERT-Large", "BERTBASE", "EfficientNet-B7", "(big)".
_SIZE = re.compile(r"(?:^|[-\s(_])(XXL|XL|XS|S|M|B|L|H|G|T|B\d|L\d)(?=$|[\s)/,])|"
                   r"(tiny|small|base|medium|large|huge|giant|big)(?![a-z])", re.I)


def _is_data_row(row: list[str]) -> bool:
    """A row of results: numbers, plus a label or a second number (a lone number is a page number
    or footnote that the table reader swept in)."""
    numbers = sum(1 for c in row[1:] if _is_numeric(c))
    return numbers >= 2 or (numbers == 1 and bool(row[0].strip() or any(c and not _is_numeric(c) for c in row[1:])))


def _is_numeric(cell: str) -> bool:
    """A result cell: a number first ("12.33 (1.19)", "54.2 ± 2.4"), not a header such as "1.1 EM"."""
    tokens = cell.split()
    if not tokens or any(re.search(r"[A-Za-z]", t) for t in tokens[1:]):
        return False
    return bool(_CELL_NUMBER.match(tokens[0]) or _CELL_PAIR.match(tokens[0]))


@dataclass
class _Column:
    index: int
    metrics: list[str]  # one metric, or two for "a/b" cells ("EM/F1")
    dataset: str
    dataset_source: str  # "header" | "caption" | "text" (the prose that refers to the table) | "paper"
    split: str | None
    ordered_by_size: bool = False  # "a/b" SQuAD cells with no order given: F1 >= EM
    header: str = ""


def _topk_by_values(metric: str, values: list[float]) -> str | None:
    """'top-5' with no accuracy/error word: ImageNet top-k accuracies sit above 50, errors below."""
    if not metric.startswith("top-") or metric in bm.METRICS or not values:
        return None
    values = [v * 100 if v <= 1 else v for v in values]
    middle = sorted(values)[len(values) // 2]
    return f"{metric} error" if middle < 50 else f"{metric} accuracy"


def _column_numbers(table: TableRegion, j: int, start: int) -> list[float]:
    out = []
    for row in table.rows[start:]:
        m = _CELL_NUMBER.match(row[j].split()[0]) if j < len(row) and row[j].split() else None
        if m:
            out.append(float(m.group(1)))
    return out


_NOT_BOX = re.compile(r"\bmask\b|\bsegm\w*|\bkey-?points?\b|\bAP\s*(?:mk|mask|seg|kp)", re.I)
_SQUAD_VERSION = re.compile(r"(?<![\w.])v?([12])\.[01]\b")


def _columns(table: TableRegion, header_rows: int, ctx: PaperContext,
             text_datasets: set[str] = frozenset()) -> list[_Column]:
    caption = table.caption
    caption_datasets = {m.name for m in bm.find_datasets(caption, paper_has_wmt14=ctx.has_wmt14)}
    caption_splits = {m.name for m in bm.find_splits(caption)}
    wmt14 = ctx.has_wmt14 or bm.mentions_wmt14(caption)  # "EN-DE" columns count as WMT14 here
    width = max(len(r) for r in table.rows)
    out = []
    for j in range(1, width):
        header = " ".join(r[j] for r in table.rows[:header_rows] if j < len(r)).strip()
        if re.search(r"@\s*\[?\s*0?\.5", header) and not re.search(r"\bm?AP", header):
            # "mAP" written once in the label column over "@.5 | @[.5, .95]" columns
            header = re.sub(r"(@\s*\[?\s*0?\.5)", r"mAP\1", header, count=1)
        header_datasets = [m.name for m in bm.find_datasets(header, paper_has_wmt14=wmt14)]
        if not header_datasets and bm.OTHER_DATASETS.search(header):
            continue
        if _NOT_BOX.search(header):
            continue  # mask / keypoint AP side by side with box AP: another task
        metrics = [m.name for m in bm.find_metrics(header)]
        metrics = [bm.complete_topk(m, header) or bm.complete_topk(m, caption)
                   or _topk_by_values(m, _column_numbers(table, j, header_rows)) for m in metrics]
        metrics = [m for m in metrics if m]
        ordered = False
        if not metrics and header_datasets and header_datasets[0].startswith("SQuAD"):
            metrics, ordered = ["F1", "EM"], True
        elif not metrics and header_datasets:
            # "EN-DE | EN-FR" columns under a caption that names the metric once ("BLEU scores on ...")
            named = {m.name for m in bm.find_metrics(caption)} & bm.DATASET_METRICS[header_datasets[0]]
            metrics = list(named) if len(named) == 1 else []
        if not metrics or len(metrics) > 2:
            continue
        if header_datasets:
            dataset, source = header_datasets[0], "header"
        else:
            fitting = {d for d in caption_datasets if metrics[0] in bm.DATASET_METRICS[d]}
            if fitting and all(d.startswith("SQuAD") for d in fitting) and _SQUAD_VERSION.search(header):
                # "SQuAD" in the caption, "v1.1" / "v2.0" over the columns
                fitting = {"SQuAD 2.0" if _SQUAD_VERSION.search(header).group(1) == "2" else "SQuAD 1.1"}
            near = {d for d in text_datasets if metrics[0] in bm.DATASET_METRICS[d]}
            if len(fitting) == 1:
                dataset, source = fitting.pop(), "caption"
            elif caption_datasets or bm.OTHER_DATASETS.search(caption):
                continue
            elif len(near) == 1:  # the prose that refers to the table names its benchmark
                dataset, source = near.pop(), "text"
            else:
                dataset, source = ctx.default_dataset(metrics[0]), "paper"
        if not dataset or any(m not in bm.DATASET_METRICS[dataset] for m in metrics):
            continue
        splits = [m.name for m in bm.find_splits(header)]
        split = splits[0] if splits else (next(iter(caption_splits)) if len(caption_splits) == 1 else None)
        out.append(_Column(j, metrics, dataset, source, split, ordered, header))
    return out


def _cell_values(cell: str, column: _Column) -> list[tuple[str, float]]:
    token = cell.split()[0] if cell.split() else ""
    single = _CELL_NUMBER.match(token)
    if single and len(column.metrics) == 1:
        return [(column.metrics[0], float(single.group(1)))]
    pair = _CELL_PAIR.match(token)
    if pair and len(column.metrics) == 2:
        a, b = float(pair.group(1)), float(pair.group(2))
        if column.ordered_by_size:
            return [("F1", max(a, b)), ("EM", min(a, b))]
        return [(column.metrics[0], a), (column.metrics[1], b)]
    if pair and len(column.metrics) == 1:  # two readings of one metric: "single-crop / 10-crop"
        return [(column.metrics[0], float(pair.group(1))), (column.metrics[0], float(pair.group(2)))]
    return []


def table_candidates(tables: list[TableRegion], ctx: PaperContext, doc: DocumentText | None = None) -> list[Found]:
    out: list[Found] = []
    for table in tables:
        near = datasets_near_table(doc, table, ctx) if doc is not None else set()
        offset = 0
        for rows in _segments(table.rows):
            bold = {(i - offset, j) for i, j in table.bold if offset <= i < offset + len(rows)}
            part = TableRegion(table.page, table.caption, rows, table.section, bold, table.continued)
            out.extend(_segment_candidates(part, ctx, near))
            offset += len(rows)
    return out


_TABLE_NUMBER = re.compile(r"Table\s+(\d+|[IVX]+)")


def datasets_near_table(doc: DocumentText, table: TableRegion, ctx: PaperContext) -> set[str]:
    """Scored datasets named by the prose that refers to the table ("Table 3 compares ... on SQuAD")
    or by the text just before its caption on its page: the benchmark of a table whose caption and
    header name none. A sentence naming an unscored dataset too ("CIFAR-10 and ImageNet") leaves it open."""
    number = _TABLE_NUMBER.match(table.caption)
    texts: list[str] = []
    if number:
        ref = re.compile(r"\bTables?\s+(?:\d+\s*(?:,|and|&)\s*)*" + re.escape(number.group(1)) + r"\b")
        # Only the sentences holding "table" (found in one scan of the paper, nlp.SentenceIndex) can match.
        texts += [s.text for s in index_for(doc.sentences).containing(("table",))
                  if s.section not in ("references", "related_work", "table") and ref.search(s.text)]
    if 0 < table.page <= len(doc.pages):
        page = doc.pages[table.page - 1]
        at = page.find(table.caption[:30])
        if at > 0:
            texts.append(page[max(0, at - 600):at])
    found: set[str] = set()
    for text in texts:
        if bm.OTHER_DATASETS.search(text):
            continue
        found |= {m.name for m in bm.find_datasets(text, paper_has_wmt14=ctx.has_wmt14)}
    return found


def _segments(rows: list[list[str]]) -> list[list[list[str]]]:
    """A table that restates its header half-way ("top-1 error" block, then "top-5 error" block) is
    read as one table per header."""
    segments: list[list[list[str]]] = [[]]
    seen_data = False
    for row in rows:
        data = _is_data_row(row)
        if not data and seen_data and any(bm.find_metrics(c) for c in row[1:]):
            segments.append([])
            seen_data = False
        segments[-1].append(row)
        seen_data = seen_data or data
    return [seg for seg in segments if seg]


def _segment_candidates(table: TableRegion, ctx: PaperContext, near: set[str] = frozenset()) -> list[Found]:
    out: list[Found] = []
    rows = table.rows
    first_data = next((i for i, r in enumerate(rows) if _is_data_row(r)), None)
    if first_data is None:
        return out
    columns = _columns(table, first_data, ctx, near)
    if not columns:
        return _transposed_candidates(table, first_data, ctx)
    caption_own = bool(re.search(r"\bour\b|\bours\b", table.caption, re.I)) or ctx.is_own_label(table.caption)
    ablation_table = bool(_ABLATION_CAPTION.search(table.caption))
    labels = [" ".join(c for c in r if c and not _is_numeric(c)) for r in rows[first_data:]]
    cited_rows = sum(1 for label in labels if row_cited(label))
    group = ""
    parsed: list[_RowRead] = []
    for i, row in enumerate(rows[first_data:], start=first_data):
        label = labels[i - first_data]
        if not any(_is_numeric(c) for c in row[1:]):
            group = label  # a group header such as "Ours" or "Published"
            continue
        cited = row_cited(label)
        named = ctx.is_own_label(label)
        ours = bool(OURS_LABEL.search(label)) or bool(OURS_LABEL.fullmatch(group.strip()))
        not_own_group = bool(NOT_OWN_GROUP.search(group))
        if cited or NOT_OWN_ROW.search(label) or (not_own_group and not named and not OURS_LABEL.search(label)):
            own = 0
        elif ours or named:
            own = 2
        elif caption_own or cited_rows:
            own = 1
        else:
            own = 0
        parsed.append(_RowRead(i, label, own, cited, named, ours, group, not_own_group,
                               bool(_ABLATION_ROW.search(label))))
    for column in columns:
        values = []
        for r in parsed:
            cell = rows[r.index][column.index] if column.index < len(rows[r.index]) else ""
            readings = _cell_values(cell, column)
            for metric, value in readings:
                values.append((r, metric, value, len(readings) > 1 and len(column.metrics) == 1))
        if not values:
            continue
        fractions = all(v <= 1.0 for _r, _m, v, _s in values)
        for r, metric, value, slash in values:
            value = bm.as_percent(metric, value) if fractions else value
            if not bm.plausible(metric, value):
                continue
            same = [bm.as_percent(m, v) if fractions else v for _r, m, v, _s in values if m == metric]
            better = sum(1 for v in same if (v < value if "error" in metric else v > value))
            beats_others = len(same) > 1 and better == 0
            ablation = ablation_table or r.ablation_row
            conf = 0.35
            conf += {"header": 0.15, "caption": 0.15, "text": 0.1, "paper": 0.05}[column.dataset_source]
            conf += {2: 0.25, 1: 0.1, 0: -0.15}[r.own]
            conf += 0.1 if beats_others else 0.0
            # An ablation varies the paper's model under other settings: not its headline, though
            # the full model's row may repeat the headline (then the main table gives it too).
            conf -= 0.3 if ablation_table else 0.0
            conf -= 0.2 if r.ablation_row else 0.0
            text, start, end = _row_evidence(table.caption, rows[r.index], column.index)
            cand = make_candidate(column.dataset, metric, value, text, start, end, table.page,
                                  table.section or "table", conf)
            size = _SIZE.search(r.label)
            cand.features.update({
                "source": "table", "in_table": True, "row_label": r.label[:60],
                "bold": (r.index, column.index) in table.bold, "own_name": r.named, "ours_label": r.ours,
                "cited": r.cited, "cited_rows": cited_rows, "own_level": r.own, "caption_own": caption_own,
                "group_header": r.group[:40], "group_not_own": r.not_own_group,
                "header": column.header[:40], "header_class": _header_class(column),
                "dataset_from": column.dataset_source, "split": column.split or "",
                "section": table.section or "table", "appendix": table.section == "appendix",
                "continued": table.continued, "ablation": ablation, "slash_cell": slash,
                "rank_in_column": better + 1, "column_size": len(same), "beats_others": beats_others,
                "size_variant": (size.group(1) or size.group(2)).upper()[:2] if size else "",
                "plausible": True,
            })
            # The row label, its group header and the column header say which run the cell is:
            # "BERT (Ens.)", "Ensemble" over the columns, "7 CNNs", "10-crop testing".
            cand.features.update(model_count_cues(f"{r.label} | {r.group} | {column.header}"))
            out.append(Found(cand, column.split, r.own, "table"))
    return out


@dataclass
class _RowRead:
    index: int
    label: str
    own: int  # 2: named as the paper's own; 1: nothing says otherwise; 0: cited or a baseline
    cited: bool
    named: bool  # the label carries the paper's model name
    ours: bool  # "Ours", "proposed", or under an "Ours" group header
    group: str
    not_own_group: bool
    ablation_row: bool


def row_cited(label: str) -> bool:
    return bool(CITATION.search(label) or _ROW_YEAR.search(label))


def _header_class(column: _Column) -> str:
    """What the column header says: its metric family, and the dataset/split words it carries."""
    parts = ["+".join(column.metrics)]
    if column.dataset_source == "header":
        parts.append("dataset")
    if column.split:
        parts.append(column.split)
    return "|".join(parts)


def _row_evidence(caption: str, row: list[str], column: int) -> tuple[str, int, int]:
    """Evidence text for a table cell: the caption's opening, then the row; the span is the cell's number."""
    head = caption.split(". ")[0][:120].rstrip()
    text = f"{head} | " if head else ""
    start = end = len(text)
    parts = []
    for k, cell in enumerate(row):
        if not cell:
            continue
        offset = len(text) + len(" ".join(parts)) + (1 if parts else 0)
        if k == column:
            start, end = offset, offset + len(cell.split()[0])
        parts.append(cell)
    return text + " ".join(parts), start, end


def _transposed_candidates(table: TableRegion, first_data: int, ctx: PaperContext) -> list[Found]:
    """Tables with one benchmark per row ("SQuADv2 f1 | 54.2 | 67.8") and one model per column: the
    columns headed by the paper's model name are its results."""
    rows = table.rows
    width = max(len(r) for r in rows)
    headers = [" ".join(r[j] for r in rows[:first_data] if j < len(r)) for j in range(width)]
    own_columns = [j for j in range(1, width) if ctx.is_own_label(headers[j]) or OURS_LABEL.search(headers[j])]
    if not own_columns:
        return []
    caption_splits = {m.name for m in bm.find_splits(table.caption)}
    out: list[Found] = []
    for i, row in enumerate(rows[first_data:], start=first_data):
        label = row[0]
        datasets = [m.name for m in bm.find_datasets(label, paper_has_wmt14=ctx.has_wmt14)]
        metrics = [m.name for m in bm.find_metrics(label)]
        if len(datasets) != 1 or len(metrics) != 1 or metrics[0] not in bm.DATASET_METRICS[datasets[0]]:
            continue
        dataset, metric = datasets[0], metrics[0]
        for j in own_columns:
            cell = row[j] if j < len(row) else ""
            match = _CELL_NUMBER.match(cell.split()[0]) if cell.split() else None
            if not match or not bm.plausible(metric, float(match.group(1))):
                continue
            splits = [m.name for m in bm.find_splits(headers[j])]
            split = splits[0] if splits else (next(iter(caption_splits)) if len(caption_splits) == 1 else None)
            text, start, end = _row_evidence(table.caption, row, j)
            cand = make_candidate(dataset, metric, float(match.group(1)), text, start, end, table.page,
                              table.section or "table", 0.35 + 0.15 + 0.25)
            cand.features.update({
                "source": "table", "in_table": True, "transposed": True, "row_label": label[:60],
                "header": headers[j][:40], "own_name": ctx.is_own_label(headers[j]), "own_level": 2,
                "bold": (i, j) in table.bold, "dataset_from": "row", "split": split or "",
                "section": table.section or "table", "appendix": table.section == "appendix", "plausible": True,
            })
            out.append(Found(cand, split, 2, "table"))
    return out

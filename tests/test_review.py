"""Review of low-confidence extractions on a real SQLite file and a PDF generated here: the queue,
decisions that survive re-extraction and reach the results and scaling points, evidence images,
context sentences and the export as scorer labels.

The builders at the top are shared with test_review_cli.py and test_review_web.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pymupdf
import pytest
import yaml
from sqlalchemy import func, select

from db import session_scope, upgrade_to_head
from usecases.effective import effective_values
from usecases.scaling import rebuild_estimates, scaling_points
from usecases.paper_stages import record_found, store_extraction
from extractors.records import Candidate, Evidence, PaperExtraction
from extractors.text import read_document
from models import Paper, Result, ReviewDecision
from review.decisions import decide, parse_attr_assignments
from review.detail import item_detail
from review.evidence import render_evidence
from review.export import review_labels
from review.queue import QueueFilter, ReviewError, find_item, list_queue
from settings.config import Config, load_config
from sources.arxiv_client import PaperMeta

REPO = Path(__file__).resolve().parents[1]
ARXIV_ID = "2101.00001"

BODY = ("We follow the standard protocol for training. We train our network on 8 NVIDIA V100 GPUs for 3 days. "
        "Our model reaches 76.5% top-1 accuracy on ImageNet. With an ensemble, the top-1 accuracy rises to 78.1%. "
        "The top-5 error is 6.5% on the ImageNet validation set. "
        "In total, training used about 1.2e19 floating point operations. We leave larger models to future work.")

# (field, attrs, headline value, confidence, is_best, sentence start, matched text)
CANDIDATES = [
    ("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, 8, 0.9, True, "We train our", "8 NVIDIA V100 GPUs"),
    ("training_time", {"hours": 72.0, "kind": "wall"}, 72, 0.45, True, "We train our", "3 days"),
    ("results", {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 76.5}, 76.5, 0.4, True,
     "Our model reaches", "76.5% top-1 accuracy"),
    ("results", {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 78.1}, 78.1, 0.3, False,
     "With an ensemble", "78.1%"),
    ("results", {"dataset": "ImageNet", "metric": "top-5 error", "value": 6.5}, 6.5, 0.5, True,
     "The top-5 error", "6.5%"),
    ("stated_compute", {"flops": 1.2e19}, 1.2e19, 0.35, True, "In total", "1.2e19 floating point operations"),
]


def make_pdf(path: Path) -> Path:
    """A two-page paper: abstract on page 1, the experiments paragraph on page 2."""
    doc = pymupdf.open()
    first = doc.new_page()
    first.insert_text((72, 72), "A Study of Scaling", fontsize=16)
    first.insert_textbox(pymupdf.Rect(72, 100, 520, 300), "Abstract. We study how accuracy grows with compute. "
                         "Our results are encouraging.", fontsize=10)
    second = doc.new_page()
    second.insert_text((72, 72), "4 Experiments", fontsize=12)
    second.insert_textbox(pymupdf.Rect(72, 90, 520, 400), BODY, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def make_extraction(pdf: Path, version: str = "t1", confidence_shift: float = 0.0) -> PaperExtraction:
    """Candidates as an extractor would report them: evidence spans inside the sentences the
    extractors' PDF reader produces for `pdf`."""
    sentences = read_document(pdf).sentences
    candidates = []
    for field, attrs, value, confidence, best, start, match in CANDIDATES:
        sentence = next(s for s in sentences if s.text.startswith(start))
        at = sentence.text.index(match)
        candidates.append(Candidate(
            field=field, attrs=dict(attrs), value=value, unit="", raw_text=match,
            confidence=min(1.0, confidence + confidence_shift), is_best=best, extractor=f"{field}@{version}",
            evidence=Evidence(page=sentence.page, sentence=sentence.text, char_start=at, char_end=at + len(match),
                              section=sentence.section)))
    return PaperExtraction(arxiv_id=ARXIV_ID, source_path=str(pdf), pages=2, candidates=candidates,
                           extractor_version=version)


def make_config(tmp_path: Path) -> Config:
    config = load_config(REPO / "config.yaml", database_url=f"sqlite:///{tmp_path / 'progress.sqlite'}")
    return config.model_copy(update={"pdf_cache": tmp_path / "pdfs"})


def write_config(config: Config, path: Path) -> Path:
    data = config.model_dump(mode="json", exclude={"source_path"})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def build_database(tmp_path: Path, *, with_pdf: bool = True) -> tuple[Config, str, int]:
    """A migrated SQLite database holding one extracted paper (cached PDF optional)."""
    config = make_config(tmp_path)
    url = config.database_url
    upgrade_to_head(url)
    pdf = make_pdf(tmp_path / "pdfs" / f"{ARXIV_ID}v1.pdf")
    meta = PaperMeta(arxiv_id=ARXIV_ID, version=1, title="A Study of Scaling", authors=["A. Author"],
                     abstract="We study.", categories=["cs.CV"], primary_category="cs.CV",
                     published=datetime(2020, 5, 1, tzinfo=timezone.utc),
                     updated=datetime(2020, 5, 1, tzinfo=timezone.utc), pdf_url="http://x/pdf")
    with session_scope(url) as s:
        record_found(s, [meta], "image_classification")
        paper = s.execute(select(Paper)).scalar_one()
        if with_pdf:
            paper.pdf_path, paper.pdf_sha256 = str(pdf), "0" * 64
        store_extraction(s, paper.id, make_extraction(pdf), config)
        paper_id = paper.id
    if not with_pdf:
        pdf.unlink()
    return config, url, paper_id


def item_id(url: str, config: Config, field: str, value) -> int:
    """The queue id of the candidate of `field` whose headline value is `value`."""
    with session_scope(url) as s:
        items = list_queue(s, min_confidence=config.review.min_confidence, filters=QueueFilter(status="all"))
        everything = items + [o for i in items for o in item_detail(s, config, i.id, render_image=False).others]
        return next(i.id for i in everything if i.field == field and i.value == value)


@pytest.fixture
def paper_db(tmp_path):
    return build_database(tmp_path)


# -- the queue ------------------------------------------------------------------------------------

def test_queue_holds_best_candidates_below_threshold_and_filters(paper_db):
    config, url, _ = paper_db
    with session_scope(url) as s:
        pending = list_queue(s, min_confidence=0.6)
        assert sorted((i.field, i.value) for i in pending) == [
            ("results", 6.5), ("results", 76.5), ("stated_compute", 1.2e19), ("training_time", 72.0)]
        assert all(i.state == "pending" and i.tasks == ["image_classification"] for i in pending)
        assert [i.value for i in list_queue(s, min_confidence=0.6, filters=QueueFilter(field="results"))] == [76.5, 6.5]
        assert [i.field for i in list_queue(s, min_confidence=0.6, filters=QueueFilter(below=0.4))] == ["stated_compute"]
        assert {i.value for i in list_queue(s, min_confidence=0.6, filters=QueueFilter(above=0.45))} == {72.0, 6.5}
        assert len(list_queue(s, min_confidence=0.6, filters=QueueFilter(paper=f"{ARXIV_ID}v1"))) == 4
        assert list_queue(s, min_confidence=0.6, filters=QueueFilter(paper="1999.99999")) == []
        assert list_queue(s, min_confidence=0.6, filters=QueueFilter(task="machine_translation")) == []
        # A lower threshold empties most of the queue: only the values below it wait.
        assert [i.field for i in list_queue(s, min_confidence=0.36)] == ["stated_compute"]
        with pytest.raises(ReviewError):
            QueueFilter(status="later")


def test_items_are_found_by_id_or_key_prefix(paper_db):
    config, url, _ = paper_db
    with session_scope(url) as s:
        item = list_queue(s, min_confidence=0.6)[0]
        assert find_item(s, item.candidate_key[:8], min_confidence=0.6).id == item.id
        assert find_item(s, str(item.id), min_confidence=0.6).candidate_key == item.candidate_key
        for bad in ("999999", "zz-top", "abc"):
            with pytest.raises(ReviewError):
                find_item(s, bad, min_confidence=0.6)


# -- decisions ------------------------------------------------------------------------------------

def test_decisions_survive_a_newer_extraction_and_reach_results_and_scaling_points(paper_db, tmp_path):
    config, url, paper_id = paper_db
    with session_scope(url) as s:
        # Before review: the low-confidence values keep the paper out of the regression unless asked for
        # (then they come in marked as pending).
        rebuild_estimates(s, config, None, include_pending=True)
        assert scaling_points(s).empty
        marked = scaling_points(s, include_pending=True)
        assert set(marked.review_state) == {"pending"} and set(marked.compute_state) == {"pending"}
    top1, top5 = item_id(url, config, "results", 76.5), item_id(url, config, "results", 6.5)
    hours = item_id(url, config, "training_time", 72.0)
    with session_scope(url) as s:
        decide(s, config, top1, "correct", reviewer="ann", value="77.0", note="table 2 says 77.0")
        decide(s, config, top5, "reject", reviewer="ann")
        decide(s, config, hours, "accept", reviewer="bob")
        # The result rows follow at once.
        rows = {r.metric: r for r in s.execute(select(Result)).scalars()}
        assert set(rows) == {"top-1 accuracy"}
        assert (rows["top-1 accuracy"].value, rows["top-1 accuracy"].review_state) == (77.0, "corrected")

    # A newer extractor finds the same values again, a little more confident (still below the
    # threshold): the decisions still stand.
    pdf = tmp_path / "pdfs" / f"{ARXIV_ID}v1.pdf"
    with session_scope(url) as s:
        store_extraction(s, paper_id, make_extraction(pdf, version="t2", confidence_shift=0.1), config)
    with session_scope(url) as s:
        values = effective_values(s, min_confidence=config.review.min_confidence, paper_ids=[paper_id])
        by_metric = {v.attrs.get("metric"): v for v in values if v.field == "results"}
        assert set(by_metric) == {"top-1 accuracy"}  # the rejected top-5 value did not come back
        assert (by_metric["top-1 accuracy"].state, by_metric["top-1 accuracy"].attrs["value"]) == ("corrected", 77.0)
        assert next(v for v in values if v.field == "training_time").state == "accepted"
        result = s.execute(select(Result)).scalar_one()
        assert (result.metric, result.value, result.review_state) == ("top-1 accuracy", 77.0, "corrected")
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 3
        assert {d.reviewer for d in s.execute(select(ReviewDecision)).scalars()} == {"ann", "bob"}

        rebuild_estimates(s, config, None)  # what the refit does first
        points = scaling_points(s)
        assert list(zip(points.metric, points.score)) == [("top-1 accuracy", 77.0)]
        # The still-pending stated compute stays out: the estimate is 8 V100 x the accepted 72 hours.
        assert (points.compute_method.iloc[0], points.compute_state.iloc[0]) == ("hardware", "auto")
        inputs = points.compute_inputs.iloc[0]
        assert (inputs["count"], inputs["hours"]) == (8, 72.0)
        assert points.compute_flops.iloc[0] == pytest.approx(8 * inputs["peak_flops_per_s"] * 72 * 3600)


def test_accepting_a_non_best_candidate_lets_it_in_and_corrections_win(paper_db):
    config, url, _ = paper_db
    ensemble = item_id(url, config, "results", 78.1)
    with session_scope(url) as s:
        decide(s, config, ensemble, "accept", reviewer="ann")
        result = s.execute(select(Result)).scalars().all()
        top1 = next(r for r in result if r.metric == "top-1 accuracy")
        # Accepted beats the unreviewed (pending) best candidate for the same benchmark.
        assert (top1.value, top1.review_state) == (78.1, "accepted")
        decide(s, config, item_id(url, config, "results", 76.5), "correct", reviewer="ann", value=77.2)
        top1 = s.execute(select(Result).where(Result.metric == "top-1 accuracy")).scalar_one()
        assert (top1.value, top1.review_state) == (77.2, "corrected")


def test_a_new_decision_replaces_the_old_one(paper_db):
    config, url, _ = paper_db
    top1 = item_id(url, config, "results", 76.5)
    with session_scope(url) as s:
        assert decide(s, config, top1, "reject", reviewer="ann").replaced is None
        outcome = decide(s, config, top1, "accept", reviewer="bob", note="misread it")
        assert (outcome.replaced, outcome.item.state) == ("reject", "accepted")
        decision = s.execute(select(ReviewDecision)).scalar_one()
        assert (decision.action.value, decision.reviewer, decision.note) == ("accept", "bob", "misread it")
        assert s.execute(select(Result.value).where(Result.metric == "top-1 accuracy")).scalar_one() == 76.5


def test_corrections_of_attributes_and_bad_input(paper_db):
    config, url, _ = paper_db
    hours = item_id(url, config, "training_time", 72.0)
    hardware = item_id(url, config, "hardware", 8)
    with session_scope(url) as s:
        item = decide(s, config, hardware, "correct", reviewer="ann", value="16",
                      attrs=parse_attr_assignments(["chip=A100"])).item
        assert (item.effective_attrs["count"], item.effective_attrs["chip"], item.state) == (16, "A100", "corrected")
        assert isinstance(item.effective_attrs["count"], int)
        for kwargs, message in [
            (dict(action="correct"), "needs the right value"),
            (dict(action="correct", value="three"), "must be a number"),
            (dict(action="correct", value="-2"), "must be above 0"),
            (dict(action="accept", value="5"), "only be given with correct"),
            (dict(action="approve"), "accept, reject or correct"),
        ]:
            with pytest.raises(ReviewError, match=message):
                decide(s, config, hours, reviewer="ann", **kwargs)
        with pytest.raises(ReviewError, match="whole number"):
            decide(s, config, hardware, "correct", reviewer="ann", value="2.5")
        with pytest.raises(ReviewError, match="reviewer"):
            decide(s, config, hours, "accept", reviewer=" ")
        with pytest.raises(ReviewError, match="key=value"):
            parse_attr_assignments(["chip"])
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 1


# -- what the reviewer sees ---------------------------------------------------------------------------

def test_show_gives_highlighted_sentence_context_others_and_evidence_image(paper_db, tmp_path):
    config, url, _ = paper_db
    top1 = item_id(url, config, "results", 76.5)
    with session_scope(url) as s:
        detail = item_detail(s, config, top1)
    assert detail.sentence_parts == ("Our model reaches ", "76.5% top-1 accuracy", " on ImageNet.")
    assert detail.context.found
    assert detail.context.before == ["We follow the standard protocol for training.",
                                     "We train our network on 8 NVIDIA V100 GPUs for 3 days."]
    assert detail.context.after[0] == "With an ensemble, the top-1 accuracy rises to 78.1%."
    assert sorted(o.value for o in detail.others) == [6.5, 78.1]
    assert {o.state for o in detail.others} == {"pending", "unused"}
    image = detail.evidence
    assert image is not None and image.highlighted
    assert image.path.parent == tmp_path / "pdfs" / "evidence" and image.path.read_bytes()[:4] == b"\x89PNG"
    data = detail.as_json()
    assert data["evidence_image"] == str(image.path) and data["match"] == "76.5% top-1 accuracy"
    json.dumps(data, default=str)  # the --json output is serialisable


def test_evidence_image_is_a_highlighted_crop_of_the_page(tmp_path):
    pdf = make_pdf(tmp_path / "paper.pdf")
    sentence = "Our model reaches 76.5% top-1 accuracy on ImageNet."
    image = render_evidence(pdf, 2, sentence, "76.5% top-1 accuracy", tmp_path / "ev" / "a.png", dpi=72)
    pix = pymupdf.Pixmap(str(image.path))
    page = pymupdf.open(pdf)[1]
    assert image.highlighted
    assert pix.width == pytest.approx(page.rect.width, abs=2) and pix.height < page.rect.height / 2
    # The highlight annotation paints yellow-ish pixels (strong red+green, weak blue); plain text does not.
    samples = pix.samples
    n = pix.n
    yellow = sum(1 for i in range(0, len(samples), n)
                 if samples[i] > 200 and samples[i + 1] > 200 and samples[i + 2] < 120)
    assert yellow > 50
    # The cached PDF itself is never changed by the highlight.
    assert not list(pymupdf.open(pdf)[1].annots())
    # A match that is not on the page: the whole page, unhighlighted, rather than nothing.
    whole = render_evidence(pdf, 1, "Nothing like this is printed.", "42 TPUs", tmp_path / "ev" / "b.png", dpi=72)
    assert not whole.highlighted and pymupdf.Pixmap(str(whole.path)).height == pytest.approx(page.rect.height, abs=2)
    assert render_evidence(pdf, 9, sentence, "76.5%", tmp_path / "ev" / "c.png") is None
    assert render_evidence(tmp_path / "missing.pdf", 1, sentence, "76.5%", tmp_path / "ev" / "d.png") is None


def test_without_a_cached_pdf_show_gives_just_the_sentence(tmp_path):
    config, url, _ = build_database(tmp_path, with_pdf=False)
    with session_scope(url) as s:
        detail = item_detail(s, config, item_id(url, config, "training_time", 72.0))
    assert detail.sentence_parts[1] == "3 days"
    assert (detail.context.found, detail.context.before, detail.evidence) == (False, [], None)


# -- export --------------------------------------------------------------------------------------------

def test_export_writes_accepted_and_corrected_values_as_scorer_labels(paper_db, tmp_path):
    config, url, _ = paper_db
    with session_scope(url) as s:
        decide(s, config, item_id(url, config, "results", 76.5), "correct", reviewer="ann", value="77.0")
        decide(s, config, item_id(url, config, "results", 6.5), "reject", reviewer="ann")
        decide(s, config, item_id(url, config, "hardware", 8), "accept", reviewer="ann")
        decide(s, config, item_id(url, config, "training_time", 72.0), "correct", reviewer="ann", value=84)
        labels = review_labels(s)
    assert labels == [{"arxiv_id": ARXIV_ID,
                       "hardware": [{"chip": "V100", "count": 8, "unit": "chips"}],
                       "training_time": [{"hours": 84.0, "kind": "wall"}],
                       "results": [{"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 77.0}]}]
    scorer = REPO.parent / "shared" / "eval" / "score.py"
    if not scorer.is_file():
        pytest.skip("../shared/eval/score.py is not present beside the repository")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(label) + "\n" for label in labels))
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"arxiv_id": ARXIV_ID, "hardware": [{"chip": "Tesla V100", "count": 8}],
                                "training_time": [{"hours": 84.0}], "stated_compute": [],
                                "results": [{"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 77.0}]}) + "\n")
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred), "--json"], capture_output=True,
                         text=True, check=True)
    scores = json.loads(out.stdout)
    table = scores.get("fields", scores)
    for field in ("hardware", "training_time", "results"):
        assert table[field]["precision"] == 1.0 and table[field]["recall"] == 1.0

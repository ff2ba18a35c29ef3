"""Scale-out: with `extraction.task_runner: dask` the extract map runs on a Dask LocalCluster (worker
processes, each with its own extraction pool) and stores exactly what the default runner stores."""
from __future__ import annotations

import os
import sqlite3

import pytest
import yaml

from flows.extract import task_runner_for
from settings.config import ExtractionSettings
from standin.server import StandIn
from test_ingest_support import pipeline_config, table_contents


pytest.importorskip("prefect_dask", reason="the 'dask' extra is not installed (pip install -e \".[dask]\")")


def test_runner_choice_follows_the_config():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(task_runner_for(ExtractionSettings(workers=3)), ThreadPoolTaskRunner)
    remote = task_runner_for(ExtractionSettings(task_runner="dask", dask_address="tcp://10.0.0.5:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = task_runner_for(ExtractionSettings(task_runner="dask", workers=2))
    assert local.address is None and local.cluster_kwargs["n_workers"] == 2


@pytest.mark.slow
def test_dask_local_cluster_extracts_the_same_as_the_default_runner(tmp_path, prefect_harness, monkeypatch):
    from prefect_dask import DaskTaskRunner

    from flows.download import download_flow
    from flows.extract import extract_flow
    from flows.ingest import ingest_flow

    threads_dir, dask_dir = tmp_path / "threads", tmp_path / "dask"
    with StandIn() as stand_in:
        threads_config = pipeline_config(threads_dir, stand_in.api_url)
        ingest_flow(config_path=str(threads_config), tasks=["image_classification", "question_answering"])
        download_flow(config_path=str(threads_config))
    # The same found and downloaded papers (PDF cache shared) in a second database for the Dask run.
    dask_dir.mkdir()
    with sqlite3.connect(threads_dir / "progress.sqlite") as source, \
            sqlite3.connect(dask_dir / "progress.sqlite") as copy:
        source.backup(copy)  # a file copy would miss what still sits in the WAL
    dask_config = dask_dir / "config.yaml"
    data = yaml.safe_load(threads_config.read_text())
    data["database_url"] = f"sqlite:///{dask_dir / 'progress.sqlite'}"
    data["extraction"].update(task_runner="dask", workers=2)
    dask_config.write_text(yaml.safe_dump(data))

    # Watch the Dask runner from outside (the flow's own code must stay picklable for the workers).
    seen = {"workers": set(), "submitted": 0}
    real_submit = DaskTaskRunner.submit

    def watching_submit(self, *args, **kwargs):
        future = real_submit(self, *args, **kwargs)  # the cluster exists from the first submit on
        seen["submitted"] += 1
        if not seen["workers"]:
            seen["workers"] = set(self.client.run(os.getpid).values())  # pid of every Dask worker
        return future

    monkeypatch.setattr(DaskTaskRunner, "submit", watching_submit)
    by_threads = extract_flow(config_path=str(threads_config))
    assert seen["submitted"] == 0
    by_dask = extract_flow(config_path=str(dask_config))

    assert seen["submitted"] == by_threads.get("extracted") and len(seen["workers"]) == 2
    assert os.getpid() not in seen["workers"]
    assert by_dask == by_threads and by_threads.get("extracted", 0) >= 14
    threads_rows = table_contents(f"sqlite:///{threads_dir / 'progress.sqlite'}")
    dask_rows = table_contents(f"sqlite:///{dask_dir / 'progress.sqlite'}")
    for table in threads_rows:
        assert dask_rows[table] == threads_rows[table], table
    assert threads_rows["extractions"]


def _extract_in_daemon(settings, pdf_path, arxiv_id, queue) -> None:
    from flows.extract import extract_isolated

    outcome = extract_isolated(settings, pdf_path, arxiv_id)
    queue.put(sorted(c.candidate_key for c in outcome.candidates))


def test_a_daemonic_worker_extracts_inline_with_the_same_candidates(tmp_path):
    """Where a process may not have children (a daemonic Dask worker), extraction runs inline."""
    import multiprocessing

    from flows.extract import extract_isolated
    from standin.corpus import build_pdf, sample_papers

    paper = next(p for p in sample_papers() if p.task == "image_classification")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(build_pdf(paper))
    settings = ExtractionSettings(workers=1, timeout_seconds=60)
    in_pool = extract_isolated(settings, str(pdf), paper.arxiv_id)
    context = multiprocessing.get_context("forkserver")
    queue = context.Queue()
    daemon = context.Process(target=_extract_in_daemon, args=(settings, str(pdf), paper.arxiv_id, queue), daemon=True)
    daemon.start()
    inline_keys = queue.get(timeout=120)
    daemon.join(30)
    assert inline_keys == sorted(c.candidate_key for c in in_pool.candidates) and inline_keys

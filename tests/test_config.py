from pathlib import Path

import pytest
import yaml

from settings.config import PACKAGED_DEFAULT, ConfigError, load_config

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def base() -> dict:
    return yaml.safe_load(REPO_CONFIG.read_text())


def test_repo_config_loads_with_five_tasks_and_polite_defaults():
    config = load_config(REPO_CONFIG)
    assert set(config.tasks) == {"image_classification", "object_detection", "question_answering",
                                 "named_entity_recognition", "machine_translation"}
    assert config.arxiv.delay_seconds == 3.0
    assert config.database_url.startswith("sqlite:///data/")
    assert config.benchmark_task("WMT14 EN-DE", "BLEU")[0] == "machine_translation"
    assert config.benchmark_task("CIFAR-10", "top-1 accuracy") is None


def test_packaged_default_is_the_repo_config():
    assert PACKAGED_DEFAULT.resolve().read_text() == REPO_CONFIG.read_text()


def test_unknown_key_is_named(tmp_path):
    data = base()
    data["arxiv"]["delay_secs"] = 1
    with pytest.raises(ConfigError, match=r"unknown key 'arxiv.delay_secs'"):
        load_config(write(tmp_path, data))


def test_bad_value_is_named(tmp_path):
    data = base()
    data["arxiv"]["delay_seconds"] = -1
    with pytest.raises(ConfigError, match=r"bad value for 'arxiv.delay_seconds'"):
        load_config(write(tmp_path, data))


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("tasks: [\n  oops: :\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(path)


def test_lookup_order_and_database_override(tmp_path, monkeypatch):
    data = base()
    data["database_url"] = "sqlite:///from-file.sqlite"
    path = write(tmp_path, data)
    monkeypatch.setenv("PROGRESS_CONFIG", str(path))
    assert load_config().database_url == "sqlite:///from-file.sqlite"
    monkeypatch.setenv("PROGRESS_DATABASE_URL", "sqlite:///from-env.sqlite")
    assert load_config().database_url == "sqlite:///from-env.sqlite"
    assert load_config(database_url="sqlite:///from-flag.sqlite").database_url == "sqlite:///from-flag.sqlite"
    monkeypatch.setenv("PROGRESS_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match="missing file"):
        load_config()


def test_falls_back_to_packaged_default_outside_the_repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config().source_path == str(PACKAGED_DEFAULT)

"""Configuration loading (config.yaml) for every entry point."""
from settings.config import Config, ConfigError, load_config

__all__ = ["Config", "ConfigError", "load_config"]

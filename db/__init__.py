"""Engine, sessions, migrations and the store that turns extractor records into rows."""
from db.engine import get_engine, is_sqlite, session_scope
from db.migrate import upgrade_to_head

__all__ = ["get_engine", "is_sqlite", "session_scope", "upgrade_to_head"]

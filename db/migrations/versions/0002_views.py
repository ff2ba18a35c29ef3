"""analysts' views: v_scaling_points, v_latest_fits, v_paper_hardware

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 02:00:00
"""
from alembic import op

from db.views import VIEWS_V1, create_views, drop_views

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_views(op.get_bind(), VIEWS_V1)


def downgrade() -> None:
    drop_views(op.get_bind(), VIEWS_V1)

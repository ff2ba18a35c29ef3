"""extractions.features: the scorer's named signals per candidate (review decisions become labels)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:10:00
"""
from alembic import op
import sqlalchemy as sa

from db.views import VIEWS_V1, create_views, drop_views


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('features', sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by recreating the table, which the views over it would not survive.
    drop_views(op.get_bind(), VIEWS_V1)
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.drop_column('features')
    create_views(op.get_bind(), VIEWS_V1)

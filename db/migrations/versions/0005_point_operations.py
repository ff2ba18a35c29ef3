"""points: the network operations of the plotted model beside its hardware burden, the fallback flag and
the search / decoding runs kept beside

Revision ID: 0005
Revises: 0004 (the integrator re-chains it after the last revision of main)
Create Date: 2026-12-02 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('operations_flops', sa.Float(), nullable=True))
        # Existing rows get an empty count; the next refit rebuilds every extracted point.
        batch_op.add_column(sa.Column('operations', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('fallback', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('excluded', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('points', schema=None) as batch_op:
        batch_op.drop_column('excluded')
        batch_op.drop_column('fallback')
        batch_op.drop_column('operations')
        batch_op.drop_column('operations_flops')

"""points: a headline result with the compute of the run that produced it

Revision ID: 0004
Revises: 0003 (the integrator re-chains it after 0003)
Create Date: 2026-12-01 22:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('task', sa.String(length=64), nullable=False),
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('metric', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('model', sa.String(length=128), nullable=True),
    sa.Column('size', sa.String(length=32), nullable=True),
    sa.Column('flops', sa.Float(), nullable=True),
    sa.Column('flops_low', sa.Float(), nullable=True),
    sa.Column('flops_high', sa.Float(), nullable=True),
    sa.Column('flops_utilized', sa.Float(), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=True),
    sa.Column('hardware_flops', sa.Float(), nullable=True),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('parts_text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['paper_id'], ['papers.id'], name=op.f('fk_points_paper_id_papers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['result_id'], ['results.id'], name=op.f('fk_points_result_id_results'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_points_run_id_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points')),
    sa.UniqueConstraint('paper_id', 'dataset', 'metric', 'source', name=op.f('uq_points_paper_id_dataset_metric_source'))
    )
    with op.batch_alter_table('points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_paper_id'), ['paper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_result_id'), ['result_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_result_id'))
        batch_op.drop_index(batch_op.f('ix_points_paper_id'))
    op.drop_table('points')

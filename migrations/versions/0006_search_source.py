"""profile.search_source: what the search fields were computed from

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

``flask twinning reindex`` computes a profile's search fields again only when this
fingerprint changes. Existing profiles start with an empty one: the next reindex computes
theirs once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_source', sa.String(length=64),
                                      server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.drop_column('search_source')

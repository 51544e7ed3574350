"""e-mails on their way, each with the key of its event and recipient (sent once)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_email')),
    sa.UniqueConstraint('key', name=op.f('uq_outgoing_email_key'))
    )
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_email_sent_at'), ['sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_email_sent_at'))
    op.drop_table('outgoing_email')

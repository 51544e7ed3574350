"""the database checks every state, kind and role, and the exchange's and profile's rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Every enum column gets the CHECK its model declares (``str_enum``), and an exchange its
rules: two different organisations, ``open_key`` set exactly while the request is open (so
the unique ``open_key`` means one open request per pair and purpose), a period in order; a
profile's coordinates lie on the globe. The conditions are written out, so that this
migration never changes when the application does.

SQLite cannot add a constraint to a table: batch mode builds each table again, which drops
the table's triggers (the search index's), so they are read first and created again. The
foreign keys are off while it runs (``migrations/env.py``), or dropping the old ``profile``
table would delete every row that refers to it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

EXCHANGE_STATES = ("'sent', 'accepted', 'declined', 'withdrawn', 'expired', 'in_progress', "
                   "'completed', 'ended'")
CHECKS = {
    "taxonomy_term": {"termkind": "kind IN ('sector', 'capability')"},
    "user_account": {"role": "role IN ('member', 'moderator', 'admin')"},
    "profile": {
        "latitude_range": "latitude IS NULL OR latitude BETWEEN -90 AND 90",
        "longitude_range": "longitude IS NULL OR longitude BETWEEN -180 AND 180",
        "organisationkind": "kind IN ('cooperative', 'local_authority', 'association', "
                            "'federation', 'fair_trade', 'research_training', 'public_agency')",
        "profilestatus": "status IN ('draft', 'pending', 'published', 'rejected', 'archived')",
    },
    "exchange": {
        "two_organisations": "requester_id <> partner_id",
        "open_key_while_open": "(state IN ('sent', 'accepted', 'in_progress')) = "
                               "(open_key IS NOT NULL)",
        "period_in_order": "period_from IS NULL OR period_to IS NULL "
                           "OR period_from <= period_to",
        "purpose": "purpose IN ('experience_exchange', 'twinning', 'training_visit', 'trade', "
                   "'joint_project')",
        "exchangestate": f"state IN ({EXCHANGE_STATES})",
    },
    "invitation": {"memberrole": "role IN ('owner', 'editor')"},
    "membership": {"memberrole": "role IN ('owner', 'editor')"},
    "profile_change": {
        "changeaction": "action IN ('submitted', 'created', 'edited', 'imported', 'approved', "
                        "'rejected', 'archived', 'restored', 'orphaned', 'handed_over')",
    },
    "profile_translation": {"textorigin": "origin IN ('organisation', 'translation')"},
    "exchange_transition": {
        "from_state": f"from_state IN ({EXCHANGE_STATES})",
        "to_state": f"to_state IN ({EXCHANGE_STATES})",
    },
}


def _triggers(table: str) -> list[str]:
    """The CREATE TRIGGER statements of ``table`` (SQLite keeps them as written)."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    return list(op.get_bind().execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    ), {"table": table}).scalars())


def upgrade():
    for table, checks in CHECKS.items():
        triggers = _triggers(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)
        for statement in triggers:
            op.execute(statement)


def downgrade():
    for table, checks in reversed(CHECKS.items()):
        triggers = _triggers(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        for statement in triggers:
            op.execute(statement)

"""search fields apart, each database's full-text index over them, languages indexed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

The statements are those of twinning/models/profile.py ("the search index"), written out
here so that this migration never changes when the application does. Profiles that exist
already keep their old search text (which held everything) in the index until
``flask twinning reindex`` splits their fields: they are found from the start, and ranked
once reindexed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = "search_name, search_given, search_read, search_text"
NEW = "new.search_name, new.search_given, new.search_read, new.search_text"
OLD = "old.search_name, old.search_given, old.search_read, old.search_text"
SQLITE = (
    f"CREATE VIRTUAL TABLE profile_fts USING fts5({COLUMNS}, content='', columnsize=0, "
    "detail=column, prefix='1 2', tokenize=\"unicode61 remove_diacritics 0 tokenchars '-_'\")",
    "CREATE TRIGGER profile_fts_insert AFTER INSERT ON profile "
    "WHEN new.status = 'published' BEGIN "
    f"INSERT INTO profile_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER profile_fts_delete AFTER DELETE ON profile "
    "WHEN old.status = 'published' BEGIN "
    f"INSERT INTO profile_fts(profile_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD}); END",
    f"CREATE TRIGGER profile_fts_update AFTER UPDATE OF status, {COLUMNS} ON profile BEGIN "
    f"INSERT INTO profile_fts(profile_fts, rowid, {COLUMNS}) "
    f"SELECT 'delete', old.id, {OLD} WHERE old.status = 'published'; "
    f"INSERT INTO profile_fts(rowid, {COLUMNS}) "
    f"SELECT new.id, {NEW} WHERE new.status = 'published'; END",
    f"INSERT INTO profile_fts(rowid, {COLUMNS}) "
    f"SELECT id, {COLUMNS} FROM profile WHERE status = 'published'",
)
VECTORS = ", ".join(f"strip(to_tsvector('simple', translate(new.{column}, '-_', '')))"
                    for column in COLUMNS.split(", "))
POSTGRESQL = (
    "CREATE TABLE profile_search ("
    "profile_id integer PRIMARY KEY REFERENCES profile (id) ON DELETE CASCADE, "
    "name tsvector NOT NULL, given tsvector NOT NULL, read tsvector NOT NULL, "
    "words tsvector NOT NULL)",
    "CREATE INDEX ix_profile_search ON profile_search USING gin (name, given, read, words)",
    "CREATE OR REPLACE FUNCTION profile_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM profile_search WHERE profile_id = new.id; "
    "IF new.status = 'published' THEN "
    f"INSERT INTO profile_search VALUES (new.id, {VECTORS}); "
    "END IF; RETURN NULL; END $$",
    f"CREATE TRIGGER profile_search_sync AFTER INSERT OR UPDATE OF status, {COLUMNS} "
    "ON profile FOR EACH ROW EXECUTE FUNCTION profile_search_sync()",
    # Fill it from the profiles there are: the trigger writes their row again.
    "UPDATE profile SET status = status WHERE status = 'published'",
)


def upgrade():
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_given', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_read', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_profile_status_country', ['status', 'country'], unique=False)

    with op.batch_alter_table('profile_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_language_lang'), ['lang'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS profile_fts_{name}")
        op.execute("DROP TABLE IF EXISTS profile_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS profile_search_sync ON profile")
        op.execute("DROP FUNCTION IF EXISTS profile_search_sync()")
        op.execute("DROP TABLE IF EXISTS profile_search")

    with op.batch_alter_table('profile_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_language_lang'))

    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_status_country')
        batch_op.drop_column('search_read')
        batch_op.drop_column('search_given')
        batch_op.drop_column('search_name')

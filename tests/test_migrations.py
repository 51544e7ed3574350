"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from twinning.extensions import db
from twinning.models.profile import described_by_models


def test_upgrade_builds_the_schema_of_the_models(make_app):
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": described_by_models})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        # Alembic compares no CHECK constraints: the database's must be the models'.
        inspector = sa.inspect(db.engine)
        for table in db.metadata.sorted_tables:
            declared = {constraint.name for constraint in table.constraints
                        if isinstance(constraint, sa.CheckConstraint)}
            built = {check["name"] for check in inspector.get_check_constraints(table.name)}
            assert built == declared, table.name


def test_commands_work_right_after_upgrade(make_app, tmp_path):
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    source = tmp_path / "one.jsonl"
    source.write_text('{"external_id": "a", "name": "Miel du Vercors", "kind": "cooperative", '
                      '"country": "FR", "sectors": ["honey"]}\n', encoding="utf-8")
    result = runner.invoke(args=["twinning", "import", str(source)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        codes = db.session.scalars(sa.text("SELECT code FROM taxonomy_term")).all()
        assert "honey" in codes
        provinces = db.session.scalars(
            sa.text("SELECT code FROM territory WHERE parent_code IS NULL")
        ).all()
        assert len(provinces) == 8

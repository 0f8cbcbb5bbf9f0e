"""v4: the Prompt Lab's experiments and the user's saved prompts, in the gallery's database.

They were JSON files in the data folder (experiments/<id>.json with a .batch sidecar, and
prompts.json), which several app servers, or a container whose disk is replaced on every
deploy, cannot share. An experiment is one row holding its whole record, so a save replaces
it in one statement; a saved prompt is one row per prompt, so two servers saving different
prompts never overwrite each other. The files are imported once when a store opens
(studio/gallery/local_files.py).
"""

import sqlalchemy as sa
from alembic import op

TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

revision = "v4"
down_revision = "v3"


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", TEXT, primary_key=True), sa.Column("name", TEXT, nullable=False),
        sa.Column("record", TEXT, nullable=False),  # {"experiment", "results", "updated_at"}
        sa.Column("updated_at", TEXT, nullable=False),
        # the batch jobs submitted for it, as last seen: written apart from the record
        sa.Column("jobs", TEXT, nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_index("experiments_updated", "experiments", ["updated_at"])
    op.create_table(
        "saved_prompts",
        sa.Column("id", TEXT, primary_key=True), sa.Column("name", TEXT, nullable=False),
        # the name case-folded: one prompt per name whatever its case
        sa.Column("name_key", TEXT, nullable=False, unique=True),
        sa.Column("page", TEXT, nullable=False), sa.Column("text", TEXT, nullable=False),
        sa.Column("fields", TEXT, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("example_values", TEXT, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("updated_at", TEXT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("saved_prompts")
    op.drop_index("experiments_updated", "experiments")
    op.drop_table("experiments")

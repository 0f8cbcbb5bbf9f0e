"""v3: grounding data kept with each answer, who made an item (when sign-in is on), and
collections: named sets of items for an audience, in the order they are shown."""

import sqlalchemy as sa
from alembic import op

TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")

revision = "v3"
down_revision = "v2"


def upgrade() -> None:
    op.add_column("items", sa.Column("grounding", TEXT, nullable=False,
                                     server_default=sa.text("'{}'")))
    op.add_column("items", sa.Column("made_by", TEXT))
    op.create_index("items_made_by", "items", ["made_by", "created_at"])
    op.create_table(
        "collections",
        sa.Column("id", TEXT, primary_key=True), sa.Column("name", TEXT, nullable=False),
        sa.Column("audience", TEXT, nullable=False, server_default=sa.text("''")),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("updated_at", TEXT, nullable=False),
    )
    op.create_table(
        "collection_items",
        sa.Column("collection_id", TEXT, nullable=False),
        sa.Column("item_id", TEXT, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("added_at", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("collection_id", "item_id"),
    )
    op.create_index("collection_items_item", "collection_items", ["item_id"])


def downgrade() -> None:
    op.drop_table("collection_items")
    op.drop_table("collections")
    op.drop_index("items_made_by", "items")
    op.drop_column("items", "made_by")
    op.drop_column("items", "grounding")

"""The expected shape of each schema revision (written by ``python -m
auditor.store.shape``; tests/store/test_shape.py checks it against the migrations)."""

from typing import Any

SHAPES: dict[str, Any] = {
    "0001": (
        (
            "advisory",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("advisory_id", "VARCHAR", 1, None, 0, 0),
                    ("modified", "VARCHAR", 0, None, 0, 0),
                    ("data", "TEXT", 1, None, 0, 0),
                ),
                (),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_advisory_advisory_id_modified", 0, "c", 0, ("advisory_id", "modified")),
                ),
            ),
        ),
        (
            "alembic_version",
            (
                (("version_num", "VARCHAR(32)", 1, None, 1, 0),),
                (),
                (("(auto)", 1, "pk", 0, ("version_num",)),),
            ),
        ),
        (
            "blob",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("data", "BLOB", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "chunk",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("kind", "VARCHAR", 1, None, 0, 0),
                    ("size", "INTEGER", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "component",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("ecosystem", "VARCHAR", 1, None, 0, 0),
                    ("name", "VARCHAR", 1, None, 0, 0),
                    ("version", "VARCHAR", 1, None, 0, 0),
                    ("purl", "VARCHAR", 1, None, 0, 0),
                    ("source_kind", "VARCHAR", 1, None, 0, 0),
                    ("source_url", "VARCHAR", 0, None, 0, 0),
                    ("source_reference", "VARCHAR", 0, None, 0, 0),
                    ("source_subdirectory", "VARCHAR", 0, None, 0, 0),
                ),
                (),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_component_ecosystem_name", 0, "c", 0, ("ecosystem", "name")),
                    ("ix_component_purl", 0, "c", 0, ("purl",)),
                ),
            ),
        ),
        (
            "edge",
            (
                (
                    ("chunk_id", "INTEGER", 1, None, 1, 0),
                    ("position", "INTEGER", 1, None, 2, 0),
                    ("parent", "VARCHAR", 1, None, 0, 0),
                    ("child", "VARCHAR", 1, None, 0, 0),
                    ("requirement", "VARCHAR", 0, None, 0, 0),
                    ("scope", "VARCHAR", 0, None, 0, 0),
                    ("extra", "VARCHAR", 0, None, 0, 0),
                ),
                (("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),),
                (("(auto)", 1, "pk", 0, ("chunk_id", "position")),),
            ),
        ),
        (
            "finding",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("advisory_ref", "INTEGER", 1, None, 0, 0),
                    ("package_id", "VARCHAR", 1, None, 0, 0),
                    ("ecosystem", "VARCHAR", 1, None, 0, 0),
                    ("package_name", "VARCHAR", 1, None, 0, 0),
                    ("kind", "VARCHAR", 1, None, 0, 0),
                    ("finding_id", "VARCHAR", 1, None, 0, 0),
                    ("severity", "VARCHAR", 1, None, 0, 0),
                    ("data", "TEXT", 1, None, 0, 0),
                ),
                (("advisory", "advisory_ref", "id", "NO ACTION", "NO ACTION"),),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_finding_identity", 0, "c", 0, ("ecosystem", "package_name", "finding_id")),
                ),
            ),
        ),
        (
            "finding_set",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("size", "INTEGER", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "finding_set_item",
            (
                (("set_id", "INTEGER", 1, None, 1, 0), ("finding_ref", "INTEGER", 1, None, 2, 0)),
                (
                    ("finding", "finding_ref", "id", "NO ACTION", "NO ACTION"),
                    ("finding_set", "set_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (("(auto)", 1, "pk", 0, ("set_id", "finding_ref")),),
            ),
        ),
        (
            "graph",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("roots", "TEXT", 1, None, 0, 0),
                    ("locations_id", "INTEGER", 1, None, 0, 0),
                    ("packages", "INTEGER", 1, None, 0, 0),
                    ("direct", "INTEGER", 1, None, 0, 0),
                    ("edges", "INTEGER", 1, None, 0, 0),
                ),
                (("blob", "locations_id", "id", "NO ACTION", "NO ACTION"),),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "graph_chunk",
            (
                (("graph_id", "INTEGER", 1, None, 1, 0), ("chunk_id", "INTEGER", 1, None, 2, 0)),
                (
                    ("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),
                    ("graph", "graph_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (
                    ("(auto)", 1, "pk", 0, ("graph_id", "chunk_id")),
                    ("ix_graph_chunk_chunk_id", 0, "c", 0, ("chunk_id",)),
                ),
            ),
        ),
        (
            "hashset",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("hashes", "TEXT", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "member",
            (
                (
                    ("chunk_id", "INTEGER", 1, None, 1, 0),
                    ("component_id", "INTEGER", 1, None, 2, 0),
                    ("hashset_id", "INTEGER", 0, None, 0, 0),
                    ("declared_scopes", "VARCHAR", 0, None, 0, 0),
                    ("scope", "VARCHAR", 1, None, 0, 0),
                    ("direct", "BOOLEAN", 1, None, 0, 0),
                    ("depth", "INTEGER", 0, None, 0, 0),
                    ("extra", "VARCHAR", 0, None, 0, 0),
                ),
                (
                    ("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),
                    ("component", "component_id", "id", "NO ACTION", "NO ACTION"),
                    ("hashset", "hashset_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (
                    ("(auto)", 1, "pk", 0, ("chunk_id", "component_id")),
                    ("ix_member_component_id", 0, "c", 0, ("component_id",)),
                ),
            ),
        ),
        (
            "project",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("name", "VARCHAR", 1, None, 0, 0),
                    ("created_at", "DATETIME", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("name",)),),
            ),
        ),
        (
            "snapshot",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("project_id", "INTEGER", 1, None, 0, 0),
                    ("taken_at", "DATETIME", 1, None, 0, 0),
                    ("status", "VARCHAR", 1, None, 0, 0),
                    ("git_commit", "VARCHAR", 0, None, 0, 0),
                    ("git_branch", "VARCHAR", 0, None, 0, 0),
                    ("tool_version", "VARCHAR", 1, None, 0, 0),
                    ("advisory_db", "VARCHAR", 0, None, 0, 0),
                    ("advisory_db_updated_at", "DATETIME", 0, None, 0, 0),
                    ("inputs", "TEXT", 1, None, 0, 0),
                    ("graph_id", "INTEGER", 1, None, 0, 0),
                    ("finding_set_id", "INTEGER", 1, None, 0, 0),
                    ("details_id", "INTEGER", 1, None, 0, 0),
                    ("baseline_id", "INTEGER", 0, None, 0, 0),
                    ("packages", "INTEGER", 1, None, 0, 0),
                    ("packages_direct", "INTEGER", 1, None, 0, 0),
                    ("edges", "INTEGER", 1, None, 0, 0),
                    ("findings_critical", "INTEGER", 1, None, 0, 0),
                    ("findings_high", "INTEGER", 1, None, 0, 0),
                    ("findings_medium", "INTEGER", 1, None, 0, 0),
                    ("findings_low", "INTEGER", 1, None, 0, 0),
                    ("findings_unknown", "INTEGER", 1, None, 0, 0),
                    ("findings_new", "INTEGER", 1, None, 0, 0),
                    ("findings_resolved", "INTEGER", 1, None, 0, 0),
                    ("added", "INTEGER", 1, None, 0, 0),
                    ("removed", "INTEGER", 1, None, 0, 0),
                    ("upgraded", "INTEGER", 1, None, 0, 0),
                    ("downgraded", "INTEGER", 1, None, 0, 0),
                    ("summary", "TEXT", 1, None, 0, 0),
                ),
                (
                    ("blob", "details_id", "id", "NO ACTION", "NO ACTION"),
                    ("finding_set", "finding_set_id", "id", "NO ACTION", "NO ACTION"),
                    ("graph", "graph_id", "id", "NO ACTION", "NO ACTION"),
                    ("project", "project_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (("ix_snapshot_project_id_taken_at", 0, "c", 0, ("project_id", "taken_at")),),
            ),
        ),
    ),
    "0002": (
        (
            "advisory",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("advisory_id", "VARCHAR", 1, None, 0, 0),
                    ("modified", "VARCHAR", 0, None, 0, 0),
                    ("data", "TEXT", 1, None, 0, 0),
                ),
                (),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_advisory_advisory_id_modified", 0, "c", 0, ("advisory_id", "modified")),
                ),
            ),
        ),
        (
            "alembic_version",
            (
                (("version_num", "VARCHAR(32)", 1, None, 1, 0),),
                (),
                (("(auto)", 1, "pk", 0, ("version_num",)),),
            ),
        ),
        (
            "blob",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("data", "BLOB", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "chunk",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("kind", "VARCHAR", 1, None, 0, 0),
                    ("size", "INTEGER", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "component",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("ecosystem", "VARCHAR", 1, None, 0, 0),
                    ("name", "VARCHAR", 1, None, 0, 0),
                    ("version", "VARCHAR", 1, None, 0, 0),
                    ("purl", "VARCHAR", 1, None, 0, 0),
                    ("source_kind", "VARCHAR", 1, None, 0, 0),
                    ("source_url", "VARCHAR", 0, None, 0, 0),
                    ("source_reference", "VARCHAR", 0, None, 0, 0),
                    ("source_subdirectory", "VARCHAR", 0, None, 0, 0),
                ),
                (),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_component_ecosystem_name", 0, "c", 0, ("ecosystem", "name")),
                    ("ix_component_purl", 0, "c", 0, ("purl",)),
                ),
            ),
        ),
        (
            "edge",
            (
                (
                    ("chunk_id", "INTEGER", 1, None, 1, 0),
                    ("position", "INTEGER", 1, None, 2, 0),
                    ("parent", "VARCHAR", 1, None, 0, 0),
                    ("child", "VARCHAR", 1, None, 0, 0),
                    ("requirement", "VARCHAR", 0, None, 0, 0),
                    ("scope", "VARCHAR", 0, None, 0, 0),
                    ("extra", "VARCHAR", 0, None, 0, 0),
                ),
                (("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),),
                (("(auto)", 1, "pk", 0, ("chunk_id", "position")),),
            ),
        ),
        (
            "finding",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("advisory_ref", "INTEGER", 1, None, 0, 0),
                    ("package_id", "VARCHAR", 1, None, 0, 0),
                    ("ecosystem", "VARCHAR", 1, None, 0, 0),
                    ("package_name", "VARCHAR", 1, None, 0, 0),
                    ("kind", "VARCHAR", 1, None, 0, 0),
                    ("finding_id", "VARCHAR", 1, None, 0, 0),
                    ("severity", "VARCHAR", 1, None, 0, 0),
                    ("data", "TEXT", 1, None, 0, 0),
                ),
                (("advisory", "advisory_ref", "id", "NO ACTION", "NO ACTION"),),
                (
                    ("(auto)", 1, "u", 0, ("digest",)),
                    ("ix_finding_identity", 0, "c", 0, ("ecosystem", "package_name", "finding_id")),
                ),
            ),
        ),
        (
            "finding_set",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("size", "INTEGER", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "finding_set_item",
            (
                (("set_id", "INTEGER", 1, None, 1, 0), ("finding_ref", "INTEGER", 1, None, 2, 0)),
                (
                    ("finding", "finding_ref", "id", "NO ACTION", "NO ACTION"),
                    ("finding_set", "set_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (("(auto)", 1, "pk", 0, ("set_id", "finding_ref")),),
            ),
        ),
        (
            "graph",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("roots", "TEXT", 1, None, 0, 0),
                    ("locations_id", "INTEGER", 1, None, 0, 0),
                    ("packages", "INTEGER", 1, None, 0, 0),
                    ("direct", "INTEGER", 1, None, 0, 0),
                    ("edges", "INTEGER", 1, None, 0, 0),
                ),
                (("blob", "locations_id", "id", "NO ACTION", "NO ACTION"),),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "graph_chunk",
            (
                (("graph_id", "INTEGER", 1, None, 1, 0), ("chunk_id", "INTEGER", 1, None, 2, 0)),
                (
                    ("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),
                    ("graph", "graph_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (
                    ("(auto)", 1, "pk", 0, ("graph_id", "chunk_id")),
                    ("ix_graph_chunk_chunk_id", 0, "c", 0, ("chunk_id",)),
                ),
            ),
        ),
        (
            "hashset",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("hashes", "TEXT", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "member",
            (
                (
                    ("chunk_id", "INTEGER", 1, None, 1, 0),
                    ("component_id", "INTEGER", 1, None, 2, 0),
                    ("hashset_id", "INTEGER", 0, None, 0, 0),
                    ("declared_scopes", "VARCHAR", 0, None, 0, 0),
                    ("scope", "VARCHAR", 1, None, 0, 0),
                    ("direct", "BOOLEAN", 1, None, 0, 0),
                    ("depth", "INTEGER", 0, None, 0, 0),
                    ("extra", "VARCHAR", 0, None, 0, 0),
                ),
                (
                    ("chunk", "chunk_id", "id", "NO ACTION", "NO ACTION"),
                    ("component", "component_id", "id", "NO ACTION", "NO ACTION"),
                    ("hashset", "hashset_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (
                    ("(auto)", 1, "pk", 0, ("chunk_id", "component_id")),
                    ("ix_member_component_id", 0, "c", 0, ("component_id",)),
                ),
            ),
        ),
        (
            "project",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("name", "VARCHAR", 1, None, 0, 0),
                    ("created_at", "DATETIME", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("name",)),),
            ),
        ),
        (
            "snapshot",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("project_id", "INTEGER", 1, None, 0, 0),
                    ("taken_at", "DATETIME", 1, None, 0, 0),
                    ("status", "VARCHAR", 1, None, 0, 0),
                    ("git_commit", "VARCHAR", 0, None, 0, 0),
                    ("git_branch", "VARCHAR", 0, None, 0, 0),
                    ("tool_version", "VARCHAR", 1, None, 0, 0),
                    ("advisory_db", "VARCHAR", 0, None, 0, 0),
                    ("advisory_db_updated_at", "DATETIME", 0, None, 0, 0),
                    ("inputs", "TEXT", 1, None, 0, 0),
                    ("graph_id", "INTEGER", 1, None, 0, 0),
                    ("finding_set_id", "INTEGER", 1, None, 0, 0),
                    ("details_id", "INTEGER", 1, None, 0, 0),
                    ("baseline_id", "INTEGER", 0, None, 0, 0),
                    ("packages", "INTEGER", 1, None, 0, 0),
                    ("packages_direct", "INTEGER", 1, None, 0, 0),
                    ("edges", "INTEGER", 1, None, 0, 0),
                    ("findings_critical", "INTEGER", 1, None, 0, 0),
                    ("findings_high", "INTEGER", 1, None, 0, 0),
                    ("findings_medium", "INTEGER", 1, None, 0, 0),
                    ("findings_low", "INTEGER", 1, None, 0, 0),
                    ("findings_unknown", "INTEGER", 1, None, 0, 0),
                    ("findings_new", "INTEGER", 1, None, 0, 0),
                    ("findings_resolved", "INTEGER", 1, None, 0, 0),
                    ("added", "INTEGER", 1, None, 0, 0),
                    ("removed", "INTEGER", 1, None, 0, 0),
                    ("upgraded", "INTEGER", 1, None, 0, 0),
                    ("downgraded", "INTEGER", 1, None, 0, 0),
                    ("summary", "TEXT", 1, None, 0, 0),
                    ("suppression_set_id", "INTEGER", 1, None, 0, 0),
                ),
                (
                    ("blob", "details_id", "id", "NO ACTION", "NO ACTION"),
                    ("finding_set", "finding_set_id", "id", "NO ACTION", "NO ACTION"),
                    ("graph", "graph_id", "id", "NO ACTION", "NO ACTION"),
                    ("project", "project_id", "id", "NO ACTION", "NO ACTION"),
                    ("suppression_set", "suppression_set_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (("ix_snapshot_project_id_taken_at", 0, "c", 0, ("project_id", "taken_at")),),
            ),
        ),
        (
            "suppression",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("rule_id", "VARCHAR", 1, None, 0, 0),
                    ("package", "VARCHAR", 0, None, 0, 0),
                    ("reason", "TEXT", 1, None, 0, 0),
                    ("expires", "DATE", 0, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "suppression_set",
            (
                (
                    ("id", "INTEGER", 1, None, 1, 0),
                    ("digest", "BLOB", 1, None, 0, 0),
                    ("size", "INTEGER", 1, None, 0, 0),
                ),
                (),
                (("(auto)", 1, "u", 0, ("digest",)),),
            ),
        ),
        (
            "suppression_set_item",
            (
                (
                    ("set_id", "INTEGER", 1, None, 1, 0),
                    ("suppression_ref", "INTEGER", 1, None, 2, 0),
                ),
                (
                    ("suppression", "suppression_ref", "id", "NO ACTION", "NO ACTION"),
                    ("suppression_set", "set_id", "id", "NO ACTION", "NO ACTION"),
                ),
                (("(auto)", 1, "pk", 0, ("set_id", "suppression_ref")),),
            ),
        ),
    ),
}

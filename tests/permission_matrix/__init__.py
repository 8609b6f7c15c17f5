"""The permission matrix: one scene, one persona per role, the expected answer class of every endpoint."""

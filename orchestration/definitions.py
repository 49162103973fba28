"""The code location's entry point: `orchestration.definitions:defs` (see workspace.yaml).

Importing this module builds the definitions from the environment; code that builds them from
other settings (the CLI, tests) calls orchestration.code_location.build_definitions instead.
"""

from orchestration.code_location import build_definitions

defs = build_definitions()

"""The code location's entry point: `orchestration.definitions:defs` (see workspace.yaml).

Importing this module builds the definitions from the environment; code that builds them from
other settings (the CLI, tests) calls orchestration.code_location.build_definitions instead.

The process that imports it (Dagster's code server, a run worker, `dagster definitions
validate`) keeps what it imported and the definitions until it exits, so both are moved out of
the garbage collector's sight with `gc.freeze()` (CPython's permanent generation): every full
collection after that, during the build, while Dagster snapshots the jobs, and at exit, walks
only the objects made later instead of the ~330,000 the imports leave and the ~150,000 a
2,000-model build adds. On that project it takes about a quarter of the load's CPU
(README: Benchmarks, P3). The collector stays on: objects made after the freeze are collected as
before. What a freeze keeps for good is only cyclic garbage that already existed at that moment
(a few thousand objects the build leaves, once per process).
"""

import gc

from orchestration.code_location import build_definitions

gc.freeze()  # the imported modules: they live as long as the process
defs = build_definitions()
gc.freeze()  # the definitions: Dagster holds them until the process exits

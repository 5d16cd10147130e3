"""Cheap screens that rule a file out before the LibCST parse.

LibCST parses some 25k lines/s; most files in a repository never mention a model. Each file
goes through two screens, and only a file both admit is parsed and checked:

1. a bytes screen over the raw source for the tokens a finding needs, taken from the rule set
   (model IDs, output-token parameters, modality markers), each with what must stand around
   it (``byte_tokens``);
2. a structural screen with the stdlib ``ast`` parser (about ten times faster than LibCST):
   does the file hold a string constant naming a model of the rule set, an output-token
   parameter given a value above the smallest output limit, or a modality marker?
   (``candidates``, which folds the limits with ``folding``.)

Both are built once per run (per worker) from the RuleSet and from what the selected checks
declare they read (``migrator.triggers``), as the codes table (``migrator.codes``) carries it
so that the checks, and LibCST, are not imported to build a screen (tests/test_codes.py proves
the table says what the checks say). The rule
set's own readings (model strings, request values) are screened in detail, and admitted
files are pruned to them; any other declared name (a keyword, a dict key, a callee, a string)
is looked for as it is, and a file holding one is checked whole. While a selected check
declares nothing, every file is admitted whole.

The screens may admit files without findings; they must never turn away a file with one. The
argument for each token is next to where it is built. A file ``ast`` cannot parse (syntax
newer than this interpreter, nesting too deep, a bad encoding) is admitted: LibCST decides, and
reports the error if it has one.

The modules: ``admission`` (``Screen``, which runs the stages, and ``Admission``, what they
learnt), ``terms`` (what the screens look for, from the rule set), ``byte_tokens`` (stage 1),
``candidates`` (stage 2), ``folding`` (the values an output limit may take), ``lines`` (which
lines hold a word, and the nodes on those lines). Pruning is ``migrator.pruning``.
"""

from __future__ import annotations

from migrator.screen.admission import Admission, Screen
from migrator.screen.lines import lines_of as _lines_of  # its name before the split (tests)

__all__ = ["Admission", "Screen", "_lines_of"]

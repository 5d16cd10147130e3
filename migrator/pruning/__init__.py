"""Cut a screened file down to what the checks look at, before LibCST parses it.

LibCST parses some 25k lines/s, and the files the screens admit are often the largest: one
finding in ten thousand lines of a library, or a few model IDs in a 30,000-line price table.
The checks read little of such a file:

- the statements that hold a *mark*: a string naming a model of the rule set (or a model a
  source now migrates to), a content type, a request parameter (``model=``, ``max_tokens=``,
  ``modalities=``, ``audio=``, a deployment keyword, the content part's ``"type"`` key, as a
  keyword or a dict key), a typed content-part constructor or an Azure client. A statement
  whose only marks name a request's model is needed only when some judged value (a token
  limit, a content part) sits in no call or dict naming its model: the request checks then
  judge it against every request of the file. A file with no judged value at all (the screen's
  ``Admission.requests``) can only have MIG001/MIG002 findings: its marks are model strings
  and Azure clients;
- the statements that bind a name those statements use: a check follows a name to the one
  value it is bound to, so every binding of that name must be seen, to be counted;
- ``global`` and ``nonlocal`` declarations, which decide where a binding lands;
- the headers of the compound statements around all of these.

Every other statement is blanked to empty lines (a block left with nothing gets ``pass``). Inside
the kept statements, an *item* that holds no mark and binds no name is blanked to ``0``: a call
argument other than the first positional one, a list, tuple or set item that is not a string, a
dict value under a key that is not a mark. The checks never look into such an item: they read
marked nodes, the calls and dicts around them (their ``func``, first positional argument and
``**`` splats, which are never blanked), and what a name in a marked place is bound to. Lines and
columns are kept (a blanked span keeps its line breaks and the width of its last line), so a
finding has the same position in the pruned source as in the original.

A pruned source is only read, never written: ``kinds.python`` checks the whole file again
before it applies a fix.

The modules, in the order a file goes through them (``Pruner.prune``):

- ``vocabulary``: what counts as a mark, from the rule set;
- ``text``: the file's lines, and ``ast`` positions as offsets into its text;
- ``statements``: which statement holds which, which lie on a line, what each binds;
- ``marks``: the statements holding a mark, and where the marks start;
- ``selection``: the statements kept around them and for the names they use, and the items
  blanked inside them;
- ``render``: the pruned text;
- ``readings``: what ``ast`` parses, read as the checks read it (shared with the screen).
"""

from __future__ import annotations

from migrator.pruning.pruner import Pruner
from migrator.pruning.readings import constant_text, other_spellings

__all__ = ["Pruner", "constant_text", "other_spellings"]

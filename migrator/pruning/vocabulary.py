"""What counts as a mark (a node a check reads), taken from the rule set."""

from __future__ import annotations

import ast

from migrator.pruning.readings import constant_text
from migrator.pruning.text import SourceLines, word_offsets
from migrator.ruleset import MAX_MODEL_REF_LENGTH, RuleSet


class Vocabulary:
    """The model strings, request parameters, content types, typed parts and Azure clients.

    ``requests``, in every test below: the file may hold a value MIG003/MIG004 judge by its
    request (``screen.Admission``); without one, only model strings and Azure clients are marks.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        requests = ruleset.requests
        models = set(ruleset.all_model_ids) | set(ruleset.fine_tune_bases)
        models |= {source.replacement for source in ruleset.sources.values()}
        self._model_ends = tuple(sorted(models - {""}))
        self._parameters = frozenset(
            {
                *requests.model_parameters,
                *requests.output_token_parameters,
                requests.modalities_parameter,
                requests.audio_output_parameter,
                requests.content_type_key,
                *requests.deployment_parameters,
            }
        )
        # Where a request names its model (or an Azure deployment, which stands for one).
        self.model_parameters = frozenset(requests.model_parameters)
        self.model_words = self.model_parameters | requests.deployment_parameters
        self._content_types = frozenset(requests.content_types)
        self._typed_parts = frozenset(requests.typed_parts)
        self._azure_clients = requests.azure_clients
        # A model string may stand behind any prefix: found as a substring. The other marks
        # are whole words (a keyword, a name, a string equal to the word).
        self._substrings = sorted({*self._model_ends, "ft:"})
        words = {*self._parameters, *self._content_types, *self._typed_parts, *self._azure_clients}
        self._words = sorted(words | {"global", "nonlocal"})
        self._string_words = sorted({*self._azure_clients, "global", "nonlocal"})

    def hit_lines(self, source: SourceLines, *, requests: bool) -> list[int]:
        """The lines (1-based, sorted) where a mark may be written."""
        text = source.text
        offsets: set[int] = set()
        for token in self._substrings:
            at = text.find(token)
            while at != -1:
                offsets.add(at)
                at = text.find(token, at + 1)
        for word in self._words if requests else self._string_words:
            offsets.update(word_offsets(text, word))
        return sorted({source.line_at(at) for at in offsets})

    def is_mark(self, node: ast.AST, *, requests: bool) -> bool:
        if isinstance(node, ast.Constant):
            value = constant_text(node)
            if value is None:
                return False
            if requests and value in self._content_types:
                return True
            if len(value) > MAX_MODEL_REF_LENGTH:
                return False
            return value.endswith(self._model_ends) or "ft:" in value
        if isinstance(node, (ast.Name, ast.Attribute, ast.alias)):
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            else:
                name = node.asname or node.name.rpartition(".")[2]
            return name in self._azure_clients or (requests and name in self._typed_parts)
        if requests and isinstance(node, ast.keyword):
            return node.arg in self._parameters
        return False

    def is_model_mark(self, mark: ast.AST) -> bool:
        """A mark that only names a request's model: ``model=``, ``"model":``, a deployment."""
        if isinstance(mark, ast.keyword):
            return mark.arg in self.model_words
        return constant_text(mark) in self.model_words

    def is_request_value(self, mark: ast.AST) -> bool:
        """A mark MIG003/MIG004 judge by its request's model (not a model string, a client)."""
        if isinstance(mark, ast.keyword):
            return mark.arg in self._parameters
        if isinstance(mark, (ast.Name, ast.Attribute, ast.alias)):
            return not self.is_mark(mark, requests=False)  # a typed part, not an Azure client
        text = constant_text(mark)
        return text in self._content_types or text in self._parameters

    def is_mark_key(self, key: ast.AST | None, *, requests: bool) -> bool:
        """A dict key the request checks read (``"model"``, ``"max_tokens"``, ``"type"`` ...).

        The checks read a bytes key's text too (``strings.literal_value``).
        """
        return requests and constant_text(key) in self._parameters

"""MIG004: a request carrying an input, or asking for an output, its model does not support."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrator.bindings import follow
from migrator.checks.base import CheckContext, Example, Rule
from migrator.checks.judging import modality_verdict, supports
from migrator.checks.requests import Kind, RequestCheck, RequestModel, Site, describe
from migrator.checks.wording import unsupported
from migrator.strings import literal_value
from migrator.triggers import Triggers

MIG004 = Rule(
    code="MIG004",
    name="unsupported-modality",
    summary="Input or output the target model does not support",
    fix="never",
    description=(
        "A request that carries an input its model does not accept after migration, or asks "
        "for an output it cannot give: audio and video content parts (dicts whose 'type' is "
        "input_audio, audio, input_video, video or video_url, and the SDK's typed part "
        "constructors such as ChatCompletionContentPartInputAudioParam), and audio output "
        "(modalities=[..., 'audio'] or audio={...} on a request). The kinds of part, the "
        "constructors and what each model accepts come from the rule set; image and file parts "
        "are supported by the {family} family.\n\n"
        "The model is that of the request holding the part. A request to a model that accepts "
        "the input (an audio preview model, already MIG002) is not flagged, nor is one to a model "
        "outside the rule set. A model that is not a static value is flagged when no migration "
        "target supports the input. A part built apart from the call is flagged when it would "
        "fail at every request this file sends, one of which names a model of the rule set. "
        "Never fixed: the request needs another model "
        "or another endpoint (speech-to-text first, for example)."
    ),
    invalid=(
        Example(
            'client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", '
            '"content": [{"type": "input_audio", "input_audio": {"data": b64, "format": "wav"}}]}])'
        ),
        Example(
            'client.chat.completions.create(model="gpt-4o", modalities=["text", "audio"], '
            'audio={"voice": "alloy", "format": "wav"}, messages=[])'
        ),
        Example(
            'part = ChatCompletionContentPartInputAudioParam(type="input_audio", input_audio=a)\n'
            'client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", '
            '"content": [part]}])',
            "a part built apart from the call",
        ),
    ),
    valid=(
        Example(
            'client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", '
            '"content": [{"type": "image_url", "image_url": {"url": url}}]}])'
        ),
        Example(
            'client.chat.completions.create(model="gpt-4o-audio-preview", modalities=["text", '
            '"audio"], audio={"voice": "alloy", "format": "wav"}, messages=[])',
            "an audio model (MIG002, not MIG004)",
        ),
        Example('widget = {"type": "video", "src": url}', "no request in the file"),
    ),
)


@dataclass(frozen=True)
class _Use:
    node: cst.CSTNode  # where to report
    modality: str
    what: str  # how the source asks for it
    output: bool  # an output asked for (checked against a model's outputs), not an input sent
    site: Site
    request_only: bool  # only judged by the request it is on, never by the file's requests
    # audio=: a finding only if the value is a dict literal (or a name bound once to one), not
    # a forwarded parameter that may well be None, nor an object that merely holds audio.
    config: cst.BaseExpression | None = None


class Modalities(RequestCheck):
    rules = (MIG004,)
    triggers = Triggers(requests=True)

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        shapes = context.ruleset.requests
        self._typed_parts = shapes.typed_parts
        self._content_types = shapes.content_types
        self._type_key = shapes.content_type_key
        self._modalities = shapes.modalities_parameter
        self._audio = shapes.audio_output_parameter
        self._audio_modality = shapes.audio_output_modality
        self._uses: list[_Use] = []

    # -- recording -----------------------------------------------------------------------------

    def on_call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        modality = self._typed_parts.get(name) if isinstance(name, str) else None
        if modality is not None:
            site = self.site(node, own_splat=False)
            self._uses.append(_Use(func, modality, str(name), False, site, False))
        for arg in node.args:
            keyword = arg.keyword
            if keyword is None:
                continue
            if keyword.value == self._modalities:
                self._output_list(node, arg.value)
            elif keyword.value == self._audio:
                self._audio_output(node, keyword, arg.value)

    def on_dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString
            ):
                continue
            key = literal_value(element.key)
            if key == self._type_key and isinstance(element.value, cst.SimpleString):
                kind = literal_value(element.value)
                modality = self._content_types.get(kind) if kind is not None else None
                if modality is not None:
                    site = self.site(node, own_splat=False)
                    what = f"'{kind}' part"
                    self._uses.append(_Use(element.value, modality, what, False, site, False))
            elif key == self._modalities:
                self._output_list(node, element.value)
            elif key == self._audio:
                self._audio_output(node, element.key, element.value)

    def _output_list(self, request: cst.Call | cst.Dict, value: cst.BaseExpression) -> None:
        if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            return
        site = Site((request,), self.scope, own_splat=True)
        for element in value.elements:
            if isinstance(element.value, cst.SimpleString):
                modality = literal_value(element.value)
                if modality is not None:
                    what = f"'{modality}' in {self._modalities}"
                    self._uses.append(_Use(element.value, modality, what, True, site, True))

    def _audio_output(
        self, request: cst.Call | cst.Dict, where: cst.CSTNode, config: cst.BaseExpression
    ) -> None:
        site = Site((request,), self.scope, own_splat=True)
        what = f"{self._audio}=" if isinstance(request, cst.Call) else f"'{self._audio}' key"
        self._uses.append(_Use(where, self._audio_modality, what, True, site, True, config))

    # -- judging -------------------------------------------------------------------------------

    def finish(self) -> None:
        for use in self._uses:
            if use.config is not None:
                found = follow(use.config, use.site.scope)
                if found is None or not isinstance(found[0], cst.Dict):
                    continue
            verdict = self._judge(use)
            if verdict is not None:
                message = unsupported(use.modality, use.output, use.what, verdict)
                self.context.report(use.node, "MIG004", message)
        self._uses.clear()

    def _judge(self, use: _Use) -> str | None:
        """Why the model(s) ``use`` goes to cannot take it; None when one can."""
        model = self.request_model(use.site)
        if model.kind is Kind.ABSENT:
            if use.request_only:
                return None
            # Built apart from any request: it may go to any request this file sends.
            models = self.file_models()
            if not models or any(self._supports(other, use) for other in models):
                return None
            names = sorted({m.info.name for m in models if m.info is not None})
            if any(m.kind is Kind.UNRESOLVED for m in models):
                names.append("a model not resolved")
            return f"is not supported by {describe(names)}, which this file's requests use"
        if model.kind is Kind.OUTSIDE:
            return None
        return modality_verdict(model.info, use.modality, use.output, self.ruleset)

    def _supports(self, model: RequestModel, use: _Use) -> bool:
        """Whether the request could carry ``use``: unknown models get the benefit of the doubt."""
        if model.kind in (Kind.KNOWN, Kind.UNRESOLVED):
            return supports(model.info, use.modality, use.output, self.ruleset)
        return True

"""citeproc-py patches that every style needs: substituted variables not repeated, numbers
left to citekb, labels that obey ``text-case``; and the list of citeproc-py internals the whole
adapter patches (:mod:`citekb.render.csl_speed`'s too), pinned to one citeproc-py version.
:mod:`citekb.render.csl_adapter` installs these with the ``csl_*`` modules.
"""

from __future__ import annotations

from typing import Any

# --- cs:substitute: a variable that stood in for the author is not repeated --------------

# Kept in citeproc-py's per-item ``layout.repressed`` dict, which it empties before each
# rendered item and each sort key: the suppressed variables, and one set per substitute
# being rendered (they nest through macros) that collects the variables it renders.
_DONE = "citekb:substituted"
_RECORDING = "citekb:recording"


def suppress_substituted() -> None:
    """Make citeproc-py follow CSL 1.0.2 on ``cs:substitute``: the variables that the first
    non-empty substitute rendered are suppressed in the rest of the output.

    citeproc-py only suppresses a substitute that is itself ``<text variable="…"/>``, not the
    variables of a substituted macro, ``cs:choose`` or ``cs:names``, so APA repeated the title,
    the editors or the group author's publisher of a work without an author. Like citeproc-py
    itself, this keeps per-render state on the style tree: one style renders on one thread.
    """
    from citeproc import model

    if getattr(model.Substitute, "_citekb_suppress", False):
        return
    text_variable = model.Text._variable
    names_process = model.Names.process
    number_process = model.Number.process

    def render_substitute(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        repressed = (context if context is not None else self).get_layout().repressed
        recording: list[set[str]] = repressed.setdefault(_RECORDING, [])
        text = None
        for child in self.getchildren():
            seen: set[str] = set()
            recording.append(seen)
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                recording.pop()
            if text:
                repressed.setdefault(_DONE, set()).update(seen)
                for outer in recording:
                    outer.update(seen)
                break
        return text

    def text_variable_checked(self: Any, item: Any, context: Any) -> Any:
        variable = self.get("variable")
        if _is_done(context if context is not None else self, variable):
            return None
        text = text_variable(self, item, context)
        if text:
            _record(context if context is not None else self, [variable])
        return text

    def number_process_checked(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        variable = self.get("variable")
        if _is_done(context if context is not None else self, variable):
            return None
        text = number_process(self, item, context=context, **kwargs)
        if text:
            _record(context if context is not None else self, [variable])
        return text

    def names_process_checked(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        roles = self.get("variable", "")
        present = [r for r in roles.split() if r.replace("-", "_") in item.reference]
        kept = [r for r in present if not _is_done(context if context is not None else self, r)]
        if kept == present:
            text = names_process(self, item, context=context, **kwargs)
        else:  # render as if the suppressed names were absent (the substitute may run)
            self.set("variable", " ".join(kept) or "citekb-none")
            try:
                text = names_process(self, item, context=context, **kwargs)
            finally:
                self.set("variable", roles)
        if text:
            _record(context if context is not None else self, kept)
        return text

    label_process = model.Label.process

    def label_process_checked(
        self: Any,
        item: Any,
        variable: Any = None,
        plural: Any = None,
        context: Any = None,
        **kw: Any,
    ) -> Any:
        own = self.get("variable")
        if variable is None and own and _is_done(context if context is not None else self, own):
            return None  # the label of a variable already rendered by a substitute: "(Ed.)"
        return label_process(self, item, variable, plural, context=context, **kw)

    model.Label.process = label_process_checked
    model.Substitute.render = render_substitute
    model.Text._variable = text_variable_checked
    model.Number.process = number_process_checked
    model.Names.process = names_process_checked
    model.Substitute._citekb_suppress = True


def _is_done(context: Any, variable: str) -> bool:
    return variable in context.get_layout().repressed.get(_DONE, ())


def _record(context: Any, variables: list[str]) -> None:
    for seen in context.get_layout().repressed.get(_RECORDING, ()):
        seen.update(variables)


# --- the adapter's other corrections ------------------------------------------------------

#: Rendered in place of ``citation-number``: each work is formatted alone, so citeproc-py
#: would number every work 1; :func:`citekb.render.style.build_references` puts the number
#: of the work in the cited set here.
NUMBER = "\ue010"


def number_placeholder() -> None:
    """``citation-number`` renders as :data:`NUMBER`, to be numbered across the cited set,
    in a bibliography marked ``citekb_alone`` (one work formatted alone); any other use of
    citeproc-py in the process numbers as usual."""
    from citeproc import model
    from citeproc.string import String

    if getattr(model.Text, "_citekb_number", False):
        return
    variable = model.Text._variable

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "citation-number" and getattr(
            item.bibliography, "citekb_alone", False
        ):
            return String(NUMBER)
        return variable(self, item, context)

    model.Text._variable = text_variable
    model.Text._citekb_number = True


def case_labels() -> None:
    """Apply ``text-case`` to the labels of names in an English style: APA's "(Ed.)",
    "(D. W. Lucas, Ed.)", "(K. P. Bland, Ed. & Trans.)".

    citeproc-py title-cases only text it knows to be English, and a label has no language,
    so ``text-case="title"`` on a term was dropped.
    """
    from citeproc import model

    if getattr(model.Label, "_citekb_case", False):
        return

    def markup(self: Any, text: Any) -> Any:
        if not text:
            return None
        locale = str(self.get_root().get("default-locale", "en-US") or "en-US")
        language = "en" if locale.startswith("en") else locale[:2]
        return self.wrap(self.format(self.case(self.strip_periods(text), language)))

    model.Label.markup = markup
    model.Label._citekb_case = True


#: The citeproc-py release whose internals these patches replace (pinned in pyproject.toml).
CITEPROC_VERSION = "0.11.1"
#: The internals patched here, in :mod:`citekb.render.csl_disambiguate`,
#: :mod:`citekb.render.csl_collapse` and :mod:`citekb.render.csl_text`:
#: ``(citeproc module, class, attribute)``.
#: Every citeproc-py internal the adapter wraps or replaces, as (module, class, name); a
#: module function has no class. tests/render/test_csl_engine.py holds this to what
#: ``adapt_citeproc()`` really changes.
PATCHED = (
    ("frontend", "CitationStylesBibliography", "bibliography"),
    ("frontend", "CitationStylesBibliography", "cite"),
    ("model", "", "normalize_seam"),
    ("model", "", "to_ordinal"),
    ("model", "Affixed", "wrap"),
    ("model", "CitationStylesElement", "get_formatter"),
    ("model", "CitationStylesElement", "get_layout"),
    ("model", "CitationStylesElement", "get_root"),
    ("model", "CitationStylesElement", "get_term"),
    ("model", "CitationStylesElement", "xpath_search"),
    ("model", "Choose", "render"),
    ("model", "Date", "calls_variable"),
    ("model", "Date", "process"),
    ("model", "Date", "render_date_range"),
    ("model", "Date", "render_single_date"),
    ("model", "Date_Part", "process"),
    ("model", "FormatNumber", "_format_last_page"),
    ("model", "FormatNumber", "_process"),
    ("model", "Formatted", "font_style"),
    ("model", "Formatted", "format"),
    ("model", "Formatted", "font_variant"),
    ("model", "Formatted", "font_weight"),
    ("model", "Formatted", "vertical_align"),
    ("model", "Group", "calls_variable"),
    ("model", "Group", "process"),
    ("model", "If", "_position"),
    ("model", "If", "_type"),
    ("model", "If", "_variable"),
    ("model", "If", "re_numeric"),
    ("model", "If", "render"),
    ("model", "Key", "sort_keys"),
    ("model", "Label", "_is_plural"),
    ("model", "Label", "calls_variable"),
    ("model", "Label", "markup"),
    ("model", "Label", "process"),
    ("model", "Label", "render"),
    ("model", "Layout", "join"),
    ("model", "Layout", "render_bibliography"),
    ("model", "Layout", "render_children"),
    ("model", "Layout", "render_citation"),
    ("model", "Macro", "render"),
    ("model", "Name", "et_al"),
    ("model", "Name", "initialize"),
    ("model", "Name", "markup"),
    ("model", "Name", "process"),
    ("model", "Names", "calls_variable"),
    ("model", "Names", "process"),
    ("model", "Number", "calls_variable"),
    ("model", "Number", "process"),
    ("model", "Parent", "calls_variable"),
    ("model", "Parent", "render_children"),
    ("model", "Quoted", "quote"),
    ("model", "Sort", "sort"),
    ("model", "SomewhatObjectifiedElement", "__getattr__"),
    ("model", "Substitute", "render"),
    ("model", "Term", "multiple"),
    ("model", "Term", "single"),
    ("model", "Text", "_term"),
    ("model", "Text", "_variable"),
    ("model", "Text", "calls_variable"),
    ("model", "Text", "process"),
    ("model", "Text", "render"),
    ("model", "TextCased", "case"),
    ("source", "CitationItem", "get_field"),
    ("source", "CitationItem", "reference"),
    ("source", "Name", "__init__"),
    ("source", "Name", "parts"),
    ("source", "Reference", "__contains__"),
    ("source", "Reference", "__getattr__"),
    ("source", "Reference", "__getitem__"),
    ("source", "Reference", "get"),
    ("source.json", "CiteProcJSON", "__init__"),
    ("source.json", "CiteProcJSON", "parse_date"),
    ("source.json", "CiteProcJSON", "parse_string"),
    ("string", "", "normalize_seam"),
    ("string", "NoCase", "lower"),
    ("string", "NoCase", "upper"),
)


def missing_internals() -> list[str]:
    """The patched citeproc-py internals that this citeproc-py lacks (empty when all hold)."""
    import importlib

    missing = []
    for module, cls, name in PATCHED:
        found = importlib.import_module(f"citeproc.{module}")
        owner = getattr(found, cls, None) if cls else found
        if owner is None or not hasattr(owner, name):
            missing.append(f"{module}.{cls}.{name}")
    return missing

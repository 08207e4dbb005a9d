"""CSL group suppression as citeproc-js has it: a ``cs:group`` whose rendered branches ask
for variables is left out when none of them printed anything, and a macro is a group of its
own, so a macro that
prints only a term ("in " with no container title) prints nothing. What counts as content:
a variable rendered, or a group or macro that printed. citeproc-py asks only whether a child
that calls a variable printed something. Part of the adapter (:mod:`citekb.render.csl_adapter`)
(pinned to the same citeproc-py)."""

from __future__ import annotations

from typing import Any

#: Variables asked for, and content printed (non-empty variables, groups and macros that
#: printed), so far: only differences are read.
_CALLED = [0]
_RENDERED = [0]
#: Variables the work has that were asked for and printed nothing (an empty value, or one
#: already printed by a substitute), so far: :mod:`citekb.render.csl_empty` reads it.
_HOLLOW = [0]


def spellings(variable: str) -> tuple[str, ...]:
    """Every key citeproc-py may read a variable from: hyphens as underscores, the short form
    (``title-short``), ``page`` for ``page-first``."""
    forms = (variable, f"{variable}-short")
    page = ("page",) if variable.startswith("page") else ()
    return (*forms, *(form.replace("-", "_") for form in forms), *page)


def has(item: Any, variable: str) -> bool:
    """Whether a cited work has a variable, in any of its :func:`spellings`; the locator is
    the citation's."""
    if variable == "locator":
        return "locator" in item
    reference = item.reference
    return any(dict.__contains__(reference, name) for name in spellings(variable))


def install_group_suppression() -> None:
    """Patch citeproc-py once: count the variables that render, and suppress a group whose
    variables all came out empty."""
    from citeproc import model
    from citeproc.source import VariableError

    if getattr(model.Group, "_citekb_groups", False):
        return
    group_process = model.Group.process

    def counted(method: Any) -> Any:
        def counting(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
            _CALLED[0] += 1
            out = None
            try:
                out = method(self, item, *args, **kwargs)
            finally:
                if out is not None and str(out):
                    _RENDERED[0] += 1
                elif any(has(item, name) for name in self.get("variable", "").split()):
                    _HOLLOW[0] += 1
            return out

        return counting

    text_variable = model.Text._variable

    def variable(self: Any, item: Any, context: Any) -> Any:
        generated = self.get("variable") in self.generated_variables
        if not generated:
            _CALLED[0] += 1
        out = None
        try:
            out = text_variable(self, item, context)
        finally:
            if out and not generated:
                _RENDERED[0] += 1
            elif not generated and has(item, self.get("variable")):
                _HOLLOW[0] += 1
        return out

    def empty(called: int, rendered: int) -> bool:
        """Variables were asked for since, and none printed."""
        return _CALLED[0] > called and _RENDERED[0] == rendered

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        called, rendered = _CALLED[0], _RENDERED[0]
        out = group_process(self, item, context=context, **kwargs)
        if empty(called, rendered):
            raise VariableError
        _RENDERED[0] += 1  # a group that prints is content for the group around it
        return out

    macro_render = model.Macro.render

    def render_macro(self: Any, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        called, rendered = _CALLED[0], _RENDERED[0]
        out = macro_render(self, item, context=context, sort_options=sort_options)
        if out is None or not str(out):
            return out
        if empty(called, rendered):
            return None  # a macro is a group of its own: only a term came out
        _RENDERED[0] += 1
        return out

    model.Text._variable = variable
    model.Number.process = counted(model.Number.process)
    model.Date.process = counted(model.Date.process)
    model.Names.process = counted(model.Names.process)
    model.Group.process = process
    model.Macro.render = render_macro
    model.Group._citekb_groups = True

"""A macro called by ``cs:text`` behaves as a group, as in citeproc-js: when it calls
variables and none of them renders, its terms and fixed text are suppressed too ("His
Anonymous Life" rather than "His Anonymous Life, in " for a chapter with no container); a nested macro that renders counts
as rendered, as a nested group does.

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

from typing import Any


def install_macro_groups() -> None:
    """Replace ``Macro.render`` (citeproc-py's renders the children and joins them) with the
    same rendering plus the group rule."""
    from citeproc import model
    from citeproc.string import join

    if getattr(model.Macro, "_citekb_groups", False):
        return

    kids: dict[Any, tuple[tuple[Any, bool, bool], ...]] = {}

    def children(self: Any) -> tuple[tuple[Any, bool, bool], ...]:
        """A macro's children, whether each calls a variable and is a macro call: read once
        (the style tree never changes)."""
        hit = kids.get(self)
        if hit is None:
            hit = kids[self] = tuple(
                (c, bool(c.calls_variable()), "macro" in c.attrib) for c in self.iterchildren()
            )
        return hit

    def render(self: Any, item: Any, context: Any = None, sort_options: Any = None) -> Any:
        output = []
        called = rendered = False
        for child, calls, macro in children(self):
            called = called or calls
            try:
                text = child.render(item, context=context, sort_options=sort_options)
            except model.VariableError:
                continue
            if text is not None:  # a nested macro with output counts, as a nested group
                output.append(text)
                rendered = rendered or calls or macro
        if not output or (called and not rendered):
            return None
        return join(output, "")

    model.Macro.render = render
    model.Macro._citekb_groups = True

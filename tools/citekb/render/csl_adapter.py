"""citekb's adapter for citeproc-py, in one call: :func:`adapt_citeproc` installs every patch,
in the order they must wrap one another. Each ``csl_*`` module patches one concern of the CSL
specification that citeproc-py lacks or gets wrong; :mod:`citekb.render.csl_patches` lists the
internals they patch, pinned to one citeproc-py version."""

from __future__ import annotations

from citekb.render import (
    csl_collapse,
    csl_dates,
    csl_disambiguate,
    csl_display,
    csl_empty,
    csl_flipflop,
    csl_groups,
    csl_locators,
    csl_macros,
    csl_names,
    csl_notefields,
    csl_numbers,
    csl_pages,
    csl_patches,
    csl_position,
    csl_sort,
    csl_speed,
    csl_terms,
    csl_text,
    csl_variables,
)


def adapt_citeproc(*, own_numbers: bool = True) -> None:
    """Install citekb's adapter into citeproc-py (each patch once): ``own_numbers`` leaves a
    numeric style's numbers to citekb, which numbers the works across the site."""
    csl_speed.speed_up_citeproc()
    csl_patches.suppress_substituted()
    if own_numbers:
        csl_patches.number_placeholder()
    csl_patches.case_labels()
    csl_text.title_case_words()
    csl_text.initials_and_ranges()
    csl_text.number_variables()
    csl_names.install_names()  # before the disambiguation, which wraps Name.process
    csl_disambiguate.install_disambiguation()
    csl_collapse.install_collapsing()
    csl_sort.install_sorting()
    csl_dates.install_dates()
    csl_locators.install_locators()
    csl_notefields.install_note_fields()
    csl_terms.install_term_fallback()
    csl_numbers.install_ordinals()
    csl_pages.install_pages()
    csl_macros.install_macro_groups()
    csl_position.install_positions()
    csl_variables.install_variable_aliases()
    csl_groups.install_group_suppression()
    csl_empty.install_empty_macros()  # after csl_groups: it wraps its Macro.render
    csl_flipflop.install_flipflop()  # last but one: it resolves what the others render
    csl_display.install_display()  # last: it lays out what csl_flipflop resolved

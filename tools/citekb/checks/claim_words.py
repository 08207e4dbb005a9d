"""Word lists of the wording checks (``causal-language``, ``certainty-words``), as data.

A phrase is words separated by spaces; ``a|b`` in a slot matches either word, and ``…`` (or
``...``) matches up to four words. Words are matched whole and case-insensitively. A knowledge
base extends these lists with the ``causal_verbs`` and ``certainty_words`` options.
"""

from __future__ import annotations


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Phrases that claim cause and effect wherever they are used as verbs.
CAUSAL_PHRASES: tuple[str, ...] = (
    "cause|causes|caused",
    "lead|leads|led|leading to",
    "result|results|resulted|resulting in",
    "contribute|contributes|contributed to",
    "prevent|prevents|prevented",
    "protect|protects|protected … against|from",
    "make|makes|made … likely|likelier|vulnerable|prone",
    "make|makes|made … happier|healthier|sicker|lonelier",
    "kill|kills|killed",
    "trigger|triggers|triggered",
    "impair|impairs|impaired",
    "fuel|fuels|fuelled|fueled",
    "speed|speeds|sped up",
    "take|takes|took … toll on",
    "is|are|was|were a|an|the … driver|drivers of",
    "drive|drives|drove",
    "shorten|shortens|shortened … life|lives|lifespan",
    "add|adds|added years to",
    "as harmful|dangerous|deadly|damaging as",
    "is|are|was|were bad|good for",
)

#: Verbs of change that claim an effect when they take an object ("reduces loneliness"),
#: not when they describe a trend ("rates increased with age") or qualify a noun
#: ("an increased risk"). Given as base forms; the -s and -ed forms are derived.
CHANGE_VERBS: tuple[str, ...] = (
    "increase",
    "raise",
    "reduce",
    "lower",
    "decrease",
    "cut",
    "boost",
    "improve",
    "worsen",
    "damage",
    "harm",
    "double",
    "halve",
    "lengthen",
    "strengthen",
    "weaken",
    "relieve",
    "alleviate",
    "ease",
    "reverse",
    "eliminate",
)

#: Words that make a claim certain; reported in any sentence with a citation.
CERTAINTY_WORDS: tuple[str, ...] = (
    "prove|proves|proved|proven",
    "proof",
    "definitely|definitive|definitively",
    "always",
    "never",
    "guarantee|guarantees|guaranteed",
    "certainly|undoubtedly|unquestionably|conclusively|undeniably",
    "without|beyond doubt",
)

#: Words that, before a causal verb in the same clause, hedge or deny the claim.
HEDGES: frozenset[str] = _set(
    "may might could can cannot can't would should possibly perhaps probably likely unlikely "
    "potentially plausibly appear appears appeared seem seems seemed thought believed "
    "hypothesised hypothesized suggest suggests suggested suggesting whether if not no nor what why "
    "doesn't don't didn't isn't aren't wasn't weren't won't neither unclear uncertain "
    "unknown"
)
#: Words before a certainty word that soften it ("not always", "almost never").
SOFTENERS: frozenset[str] = _set("not almost nearly hardly rarely")
#: Words after a verb of change that show it describes a trend, not an effect.
INTRANSITIVE_NEXT: frozenset[str] = _set(
    "with from to by in over among amongst during after before across between since for as "
    "than when while until at on and or but slightly sharply markedly steadily somewhat "
    "again later further"
)
#: Words before a verb form that show it is a noun or an adjective ("an increase",
#: "had reduced mortality"), or an aim ("to reduce").
NOUN_BEFORE: frozenset[str] = _set(
    "a an the this that these those its their his her our your my of any no some each every "
    "large small big sharp modest significant slight greater higher lower all from many main "
    "root common leading other possible underlying"
)
ADJECTIVE_BEFORE: frozenset[str] = _set(
    "have has had having show shows showed shown found find finds report reports reported "
    "with experience experienced experiences at"
)
#: Words after an -ed form that make it a verb with an object ("raised the risk").
DETERMINERS: frozenset[str] = _set("the a an their its his her our people's this that these those")
BE_FORMS: frozenset[str] = _set("is are was were be been being")
#: Words that, anywhere before a causal phrase, attribute it to its source as a view or a
#: proposal ("the authors argue that …"), not a finding.
ATTRIBUTIONS: frozenset[str] = _set(
    "argue argues argued propose proposes proposed hypothesise hypothesises hypothesised "
    "hypothesize hypothesizes hypothesized theorise theorises theorised theorize theorizes "
    "theorized speculate speculates speculated claim claims claimed"
)
#: Prepositions before a verb form that make it an adjective ("with lower grades").
PREPOSITIONS: frozenset[str] = _set("with of in at for from by among on")
#: Words before "to" that turn an infinitive into a claim ("shown to reduce").
CLAIM_BEFORE_TO: frozenset[str] = _set("shown proven proved known found demonstrated")

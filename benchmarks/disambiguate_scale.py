"""Time CSL disambiguation at scale: N works of a bib cited in ONE citeproc-py bibliography
with a style (APA by default), one citation at a time (``--mode one``: register, cite, as a
document is written) or all registered first (``--mode all``).

    python benchmarks/disambiguate_scale.py BIB [--sizes 300,1000,3000] [--mode one]
        [--style apa] [--code PATH]

Each size runs in a fresh process; prints CPU seconds of the citing (parse and conversion
excluded) and the renders the disambiguation made (``csl_disambiguate.RENDERS``, "-" for a
checkout without the counter). ``--code`` times another checkout's ``tools`` folder (e.g.
``git archive <commit> tools``) to compare before and after. Real bibs stay outside the repo.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = """
import copy, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from citekb.render import csl_disambiguate
from citekb.render.apa_fixes import protect
from citekb.render.style import Engine, style_path
from citekb.sources.bibtex import load_library
bib, style, n, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
library, _ = load_library([(bib, Path(bib).read_bytes())])
engine = Engine(style_path(style))
items = [protect(copy.deepcopy(engine.csl_item(e))) for e in list(library)[:n]]
csl = engine._load()
start = time.process_time()
out = CitationStylesBibliography(csl, CiteProcJSON(items), formatter.html)
citations = [Citation([CitationItem(str(item["id"]))]) for item in items]
if mode == "all":
    for citation in citations:
        out.register(citation)
for citation in citations:
    if mode == "one":
        out.register(citation)
    out.cite(citation, lambda _item: None)
renders = getattr(csl_disambiguate, "RENDERS", ["-"])[0]
print(f"{time.process_time() - start:.2f} {renders}")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bib", type=Path)
    parser.add_argument("--sizes", default="300,1000,3000")
    parser.add_argument("--mode", choices=("one", "all"), default="one")
    parser.add_argument("--style", default="apa")
    parser.add_argument("--code", type=Path, default=ROOT / "tools", help="citekb to time")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(args.code)}
    print(f"{args.bib.name}; style {args.style}; mode {args.mode}; code {args.code}")
    print(f"{'works':>6}  {'cpu s':>7}  {'renders':>8}")
    for n in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(args.bib), args.style, str(n), args.mode],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        cpu, renders = done.stdout.split()[-2:]
        print(f"{n:>6}  {float(cpu):>7.2f}  {renders:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

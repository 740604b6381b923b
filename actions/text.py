"""Text normalisation shared by dataset validation and term matching (pure, no I/O)."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_'’`/.,;:!?()«»\"]+")


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation and hyphens as single spaces; "+" is "plus", as in
    « le + de personnel »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("+", " plus "))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped).strip()

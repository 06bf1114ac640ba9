"""Text helpers shared by every room: accent folding and search words."""

import re
import unicodedata

WORD = re.compile(r"\w+")


def fold_accents(text):
    """“Migración, niños” → “migracion, ninos”: lower case, without diacritics."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def search_words(text, *, limit=None):
    """The words of a search query, accent-folded; punctuation (query syntax) is dropped."""
    words = WORD.findall(fold_accents(text))
    return words[:limit] if limit else words

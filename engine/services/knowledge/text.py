"""Spanish text for search: folded (lower case, no accents) and stemmed with the Snowball Spanish stemmer.

The same two steps run on the articles and on the query, so "garantia" finds "garantía legal": folding comes
first because the stemmer treats "garantía" and "garantia" differently (ADR 0012)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")
MAX_TERMS = 12
# Words too common to narrow a search (articles, prepositions, pronouns), already folded.
STOPWORDS = frozenset(
    """a al algo como con contra cual cuando de del desde donde e el ella ellos en entre era es esa ese eso
    esta este esto estos fue ha hay la las le les lo los me mi mis muy no nos o para pero por que se si sin
    sobre su sus te tu un una uno unos unas y ya yo mas cuanto cuantos puedo puede debo tengo hacer hago
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.SnowballStemmer:
    return snowballstemmer.stemmer("spanish")


def fold(text: str) -> str:
    """Lower case without accents or other marks (ñ becomes n): what both indexes store."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def stems(text: str) -> list[str]:
    """Every folded word's Spanish stem (the SQLite index's content)."""
    return list(_stemmer().stemWords(words(text)))


def query_terms(text: str) -> list[str]:
    """The query's meaningful words (no stopwords), folded, each once, at most MAX_TERMS."""
    seen: list[str] = []
    for word in words(text):
        if word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def query_stems(text: str) -> list[str]:
    """The stems to look for, each once."""
    out: list[str] = []
    for stem in _stemmer().stemWords(query_terms(text)):
        if stem not in out:
            out.append(stem)
    return out

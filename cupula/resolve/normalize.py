"""Normal forms of names, dates and identifiers, shared by blocking and scoring.

Names are brought to ASCII by ``normality`` (which transliterates Arabic, Cyrillic and
other scripts), tokenised by ``rigour``, stripped of honorifics ("Mr", "Don") and, for
organisations, of legal forms ("S.A. de C.V." and "SA DE CV" become the same token).
Beside each token we keep two keys that survive spelling drift:

- a phonetic key (``rigour``'s metaphone) for typos and Latin spelling variants, and
- a consonant *skeleton* for transliteration: Arabic script writes no short vowels and
  uses one letter for w/u/o and y/i/e, and velars drift between scripts (Spanish j, Arabic
  kh, g, q), so "Guzmán", "Gusman" and غوزمان ("ghwzman" in ASCII) all become ``ksmn``,
  "Joaquín" and خواكين ("khwakyn") ``kn``; "Putin" and بوتين ("bwtyn") become ``btn``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from normality import ascii_text
from rigour.names import remove_person_prefixes, replace_org_types_compare, tokenize_name
from rigour.text import metaphone

# "X alias Y", "X a.k.a. Y", "X (El Chapo)", 'X "El Chapo"': one name, several forms.
ALIAS_SPLIT = re.compile(
    r"\s+(?:alias|aka|a\.k\.a\.?|also known as|apodo|dit|f\.k\.a\.?|fka|n\.k\.a\.?)\s+"
    r"|\s*[(\[\"“”«»]\s*|\s*[)\]]\s*",
    re.IGNORECASE,
)
# Words that are part of how a name is written, not of who it names.
FILLER = frozenset(
    {"el", "la", "los", "las", "al", "el-", "de", "del", "da", "do", "dos", "das", "di", "van",
     "von", "der", "den", "bin", "ben", "ibn", "abu", "y", "e", "and", "of", "the", "mr", "mrs",
     "ms", "dr", "sr", "sra", "don", "dona", "senor", "jr", "snr", "jnr"}
)  # fmt: skip
# Consonant classes that transliteration and spelling confuse.
SKELETON_DIGRAPHS = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("ph", "f"),
    ("dh", "d"), ("zh", "s"), ("ts", "s"), ("tz", "s"), ("ck", "k"), ("x", "ks"),
)  # fmt: skip
SKELETON_LETTERS = str.maketrans(
    {"q": "k", "c": "k", "g": "k", "j": "k", "z": "s", "v": "f", "p": "b", "a": None, "e": None,
     "i": None, "o": None, "u": None, "y": None, "w": None, "h": None, "'": None}
)  # fmt: skip


def name_forms(name: str) -> list[str]:
    """The forms one written name stands for: ``"GUZMAN LOERA, Joaquin (El Chapo)"`` is
    ``["GUZMAN LOERA, Joaquin", "El Chapo"]``."""
    forms = [f.strip(" ,;") for f in ALIAS_SPLIT.split(name)]
    return [f for f in forms if f]


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(tokenize_name((ascii_text(word) or "").lower()))


@lru_cache(maxsize=200_000)
def name_tokens(name: str, organisation: bool = False) -> tuple[str, ...]:
    """ASCII tokens of a name, without fillers; legal forms normalised for organisations."""
    text = remove_person_prefixes(name)
    if organisation:
        text = replace_org_types_compare(text)
    # Word by word: words recur across millions of names where whole names do not.
    tokens = [t for word in text.split() for t in _word_tokens(word)]
    # One letter left of an organisation's name is a legal form's debris ("B.V."), not
    # an initial.
    kept = tuple(t for t in tokens if t not in FILLER and not (organisation and len(t) == 1))
    return kept or tuple(tokens)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of an ASCII token (see the module docstring)."""
    out = token
    for digraph, letter in SKELETON_DIGRAPHS:
        out = out.replace(digraph, letter)
    out = out.translate(SKELETON_LETTERS)
    collapsed = re.sub(r"(.)\1+", r"\1", out)
    return collapsed if collapsed else token[:1]


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    if token.isdigit():
        return token
    return metaphone(token) or token


DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def date_key(value: str) -> str | None:
    """An ISO date or prefix ("1957", "1957-04", "1957-04-04") or None."""
    match = DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    if month in (None, "00"):
        return year
    if day in (None, "00"):
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


ID_CLEAN = re.compile(r"[^0-9a-z]")


def identifier_key(kind: str, value: str) -> str | None:
    """``kind:value`` with the value reduced to lower-case letters and digits (so that
    "G 123-456" and "g123456" agree); e-mail addresses keep their punctuation."""
    text = value.strip().lower()
    if kind != "email":
        text = ID_CLEAN.sub("", text)
    if len(text) < 4:
        return None  # too short to identify anything
    return f"{kind}:{text}"

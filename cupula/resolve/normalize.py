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

Tokens are made of word characters only (letters, marks and digits of any script):
apostrophes and dots join the parts of a word ("O'Brien", "J.P."), every other
punctuation mark or symbol separates words, and a word written with angle brackets is
markup (``</script>``), not a name, and gives no token. Names stored before the input
limits (``ingest.limits``) may be of any length: only their first ``MAX_NAME_CHARS``
characters and ``MAX_NAME_TOKENS`` tokens are read, and keys are made from a token's first
``KEY_CHARS`` characters, so no key costs more than microseconds (rigour's metaphone takes
time in the square of its input: 37 s for one token of a million characters).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from followthemoney import model
from followthemoney.types import registry
from normality import ascii_text
from rigour.ids import get_identifier_format
from rigour.names import remove_person_prefixes, replace_org_types_compare, tokenize_name
from rigour.text import metaphone

from cupula.ingest.limits import MAX_NAME_CHARS, MAX_NAME_TOKENS

# Characters of a token read for its phonetic code and skeleton: more than any real word.
KEY_CHARS = 32
# Inside a word these join its parts (O'Brien, J.P. Morgan); other punctuation separates.
JOINERS = frozenset("'’‘ʼ`´.")
MARKUP = frozenset("<>")

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
    forms = [f.strip(" ,;") for f in ALIAS_SPLIT.split(name[:MAX_NAME_CHARS])]
    return [f for f in forms if f]


def word_parts(word: str) -> list[str]:
    """The runs of word characters (letters, marks, digits: any script) of one written
    word; joiners are dropped, any other character separates."""
    parts: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFC", word):
        if char in JOINERS:
            continue
        if unicodedata.category(char)[0] in "LMN":
            current.append(char)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return parts


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    if MARKUP.intersection(word):
        return ()
    tokens: list[str] = []
    for part in word_parts(word):
        # transliteration may split a part (Chinese syllables) or leave punctuation
        tokens.extend(tokenize_name((ascii_text(part) or "").lower()))
    return tuple(t for t in tokens if t.isalnum())


def name_tokens(name: str, organisation: bool = False) -> tuple[str, ...]:
    """ASCII tokens of a name, without fillers; legal forms normalised for organisations.
    Only the first MAX_NAME_CHARS characters count (a stored name may be longer)."""
    return _name_tokens(name[:MAX_NAME_CHARS], organisation)


@lru_cache(maxsize=200_000)
def _name_tokens(name: str, organisation: bool) -> tuple[str, ...]:
    text = remove_person_prefixes(name)
    if organisation:
        text = replace_org_types_compare(text)
    # Word by word: words recur across millions of names where whole names do not.
    tokens = [t for word in text.split() for t in _word_tokens(word)][:MAX_NAME_TOKENS]
    # One letter left of an organisation's name is a legal form's debris ("B.V."), not
    # an initial.
    kept = tuple(t for t in tokens if t not in FILLER and not (organisation and len(t) == 1))
    return kept or tuple(tokens)


def skeleton(token: str) -> str:
    """Consonant skeleton of an ASCII token (see the module docstring), of its first
    KEY_CHARS characters."""
    return _skeleton(token[:KEY_CHARS])


@lru_cache(maxsize=200_000)
def _skeleton(token: str) -> str:
    out = token
    for digraph, letter in SKELETON_DIGRAPHS:
        out = out.replace(digraph, letter)
    out = out.translate(SKELETON_LETTERS)
    collapsed = re.sub(r"(.)\1+", r"\1", out)
    return collapsed if collapsed else token[:1]


def phonetic(token: str) -> str:
    """The phonetic code of a token's first KEY_CHARS characters (digits stay as they are)."""
    return _phonetic(token[:KEY_CHARS])


@lru_cache(maxsize=200_000)
def _phonetic(token: str) -> str:
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
PHONE_DIGITS = re.compile(r"\d")


def _identifier_formats() -> dict[str, str]:
    """Property name -> rigour identifier format, from the FtM model (``iban`` ->
    "iban", ``imoNumber`` -> "imo", ``leiCode`` -> "lei", ``innCode`` -> "inn", ...)."""
    formats: dict[str, str] = {}
    for schema in model:
        for prop in schema.properties.values():
            spec = getattr(prop, "format", None)
            if prop.type == registry.identifier and spec:
                formats.setdefault(prop.name, spec)
    return formats


# Identifier kinds with a format that a library checks (checksums, lengths, country
# rules): a value that fails the check is a typo or a fabrication, not evidence.
FORMAT_OF = _identifier_formats()


def _phone(text: str) -> str | None:
    """E.164 for a number with its country code (validated by ``phonenumbers`` through
    FtM's phone type); a national number without one cannot be checked, so its digits
    stand as written (at least seven)."""
    if text.lstrip().startswith(("+", "00")):
        international = "+" + text.lstrip()[2:] if text.lstrip().startswith("00") else text
        return registry.phone.clean(international)
    digits = "".join(PHONE_DIGITS.findall(text))
    return digits if len(digits) >= 7 else None


def identifier_key(kind: str, value: str) -> str | None:
    """``kind:value`` with the value validated and normalised where the kind has a
    known format: IBAN, IMO, LEI, INN, OGRN... by ``rigour.ids`` (python-stdnum's
    checksums), phone numbers by ``phonenumbers`` and e-mail addresses by FtM's types;
    None for a value that fails its check. Other kinds (passport, national id, tax
    number) are reduced to lower-case letters and digits, so that "G 123-456" and
    "g123456" agree."""
    text = value.strip()
    if kind == "email":
        cleaned = registry.email.clean(text)
        return f"email:{cleaned.lower()}" if cleaned else None
    if kind == "phone":
        phone = _phone(text)
        return f"phone:{phone}" if phone else None
    spec = FORMAT_OF.get(kind)
    checker = get_identifier_format(spec) if spec else None
    if checker is not None:
        if not checker.is_valid(text):
            return None
        text = checker.normalize(text) or text
    text = ID_CLEAN.sub("", text.lower())
    if len(text) < 4:
        return None  # too short to identify anything
    return f"{kind}:{text}"

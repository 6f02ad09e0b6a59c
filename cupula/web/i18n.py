"""Interface text in English and Spanish; the language comes from ``?lang=``, then the
``cupula_lang`` cookie, then the browser's Accept-Language."""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("en", "es")
LANG_COOKIE = "cupula_lang"
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "login": "Log in", "user": "User", "password": "Password", "logout": "Log out",
        "search": "Search", "search_hint": "A name, in any script", "no_hits": "Nothing found.",
        "probability": "match", "property": "Property", "value": "Value",
        "dataset": "Dataset", "marking": "Marking", "grading": "Grading", "source": "Source",
        "seen": "First seen", "not_found": "Nothing to show.", "purpose": "Purpose",
        "purpose_hint": "Case or reason (needed for confidential reads)",
        "wrong_login": "Wrong user name or password.", "language": "Español",
        "leaders": "Who leads", "show": "Show", "people": "people", "ties": "ties",
        "name": "Name", "score": "Score", "why": "Why",
    },
    "es": {
        "login": "Entrar", "user": "Usuario", "password": "Contraseña", "logout": "Salir",
        "search": "Buscar", "search_hint": "Un nombre, en cualquier alfabeto",
        "no_hits": "No se encontró nada.", "probability": "coincidencia",
        "property": "Propiedad", "value": "Valor", "dataset": "Conjunto", "marking": "Marca",
        "grading": "Evaluación", "source": "Fuente", "seen": "Visto por primera vez",
        "not_found": "Nada que mostrar.", "purpose": "Propósito",
        "purpose_hint": "Caso o motivo (necesario para lecturas confidenciales)",
        "wrong_login": "Usuario o contraseña incorrectos.", "language": "English",
        "leaders": "Quién manda", "show": "Mostrar", "people": "personas",
        "ties": "vínculos", "name": "Nombre", "score": "Puntuación", "why": "Por qué",
    },
}  # fmt: skip


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "es" if accept.startswith("es") else "en"

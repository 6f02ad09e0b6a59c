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
        "network": "Network", "money": "Money trail", "cooperation": "Cooperation",
        "audit": "Audit", "load": "Load data", "relationships": "Relationships",
        "timeline": "Timeline", "kind": "Kind", "ties_count": "Ties", "first": "First",
        "last": "Last", "date": "Date", "what": "What", "hops": "Hops",
        "tie_kinds": "Tie kinds", "node_types": "Entity types", "since": "From",
        "until": "Until", "datasets": "Datasets", "apply": "Apply", "expand": "Expand",
        "open_entity": "Open the entity page", "key_player": "key player",
        "legend": "Size: leader score · red ring: key player (removing them splits the "
                  "network most) · double-click a node to expand it",
        "nodes_shown": "nodes shown", "left_out": "more left out (raise the limit or filter)",
        "no_script": "The network explorer needs JavaScript.",
        "no_vendor": "The drawing libraries are not installed: run bash scripts/setup.sh.",
        "backward": "Where it came from", "forward": "Where it went",
        "holder": "Holder", "amount": "Amount", "share": "Share", "country": "Country",
        "secrecy": "Secrecy jurisdiction", "paths": "Transfers behind the largest amounts",
        "total": "Total traced", "by_jurisdiction": "By jurisdiction",
        "seizures": "Seizures", "extraditions": "Extraditions",
        "requests": "Requests for information", "count": "Count", "drug": "Drug",
        "kg": "kg", "estimated_value": "Estimated value", "status": "Status",
        "route": "Route", "people_involved": "People involved",
        "median_days_decision": "Median days to decision",
        "median_days_answer": "Median days to answer", "on_time": "Answered on time",
        "late": "Answered late", "overdue": "Overdue", "by_year": "By year",
        "by_agency": "By seizing agency",
        "when": "When", "who": "Who", "agency": "Agency", "action": "Action",
        "statements": "Statements", "from": "From agencies", "originator": "Originator",
        "audit_hint": "Supervisors see every entry; others the reads of their agency's data.",
        "file": "File", "mapping": "Mapping (YAML, for a table)", "format": "Format",
        "guess": "guess from the file", "phase": "Phase (networks)",
        "drop_invalid": "Leave out values the schema rejects",
        "marking_hint": "e.g. CONFIDENTIAL REL TO COL,USA H2 B2",
        "loaded": "Loaded", "load_failed": "Nothing was loaded", "entity": "Entity",
        "trace": "Trace",
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
        "network": "Red", "money": "Rastro del dinero", "cooperation": "Cooperación",
        "audit": "Auditoría", "load": "Cargar datos", "relationships": "Relaciones",
        "timeline": "Cronología", "kind": "Tipo", "ties_count": "Vínculos",
        "first": "Primero", "last": "Último", "date": "Fecha", "what": "Qué",
        "hops": "Saltos", "tie_kinds": "Tipos de vínculo", "node_types": "Tipos de entidad",
        "since": "Desde", "until": "Hasta", "datasets": "Conjuntos", "apply": "Aplicar",
        "expand": "Expandir", "open_entity": "Abrir la ficha", "key_player": "actor clave",
        "legend": "Tamaño: puntuación de liderazgo · anillo rojo: actor clave (quitarlo "
                  "divide más la red) · doble clic en un nodo para expandirlo",
        "nodes_shown": "nodos mostrados",
        "left_out": "más sin mostrar (suba el límite o filtre)",
        "no_script": "El explorador de la red necesita JavaScript.",
        "no_vendor": "Las bibliotecas de dibujo no están instaladas: ejecute "
                     "bash scripts/setup.sh.",
        "backward": "De dónde vino", "forward": "Adónde fue", "holder": "Titular",
        "amount": "Importe", "share": "Parte", "country": "País",
        "secrecy": "Jurisdicción opaca",
        "paths": "Transferencias detrás de los mayores importes",
        "total": "Total rastreado", "by_jurisdiction": "Por jurisdicción",
        "seizures": "Incautaciones", "extraditions": "Extradiciones",
        "requests": "Solicitudes de información", "count": "Número", "drug": "Droga",
        "kg": "kg", "estimated_value": "Valor estimado", "status": "Estado",
        "route": "Ruta", "people_involved": "Personas implicadas",
        "median_days_decision": "Mediana de días hasta la decisión",
        "median_days_answer": "Mediana de días hasta la respuesta",
        "on_time": "Respondidas a tiempo", "late": "Respondidas tarde",
        "overdue": "Vencidas", "by_year": "Por año",
        "by_agency": "Por organismo incautador",
        "when": "Cuándo", "who": "Quién", "agency": "Organismo", "action": "Acción",
        "statements": "Declaraciones", "from": "De los organismos",
        "originator": "Originador",
        "audit_hint": "Los supervisores ven todas las entradas; los demás, las lecturas "
                      "de los datos de su organismo.",
        "file": "Fichero", "mapping": "Mapeo (YAML, para una tabla)", "format": "Formato",
        "guess": "deducirlo del fichero", "phase": "Fase (redes)",
        "drop_invalid": "Omitir los valores que el esquema rechaza",
        "marking_hint": "p. ej. CONFIDENTIAL REL TO COL,USA H2 B2",
        "loaded": "Cargado", "load_failed": "No se cargó nada", "entity": "Entidad",
        "trace": "Rastrear",
    },
}  # fmt: skip


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "es" if accept.startswith("es") else "en"

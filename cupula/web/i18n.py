"""Interface text in English and Spanish; the language comes from ``?lang=``, then the
``cupula_lang`` cookie, then the browser's Accept-Language."""

from __future__ import annotations

import re

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
        "trace": "Trace", "phase_only": "Phase", "all_phases": "all",
        "purpose_needed": "This page may show CONFIDENTIAL or SECRET facts: say why you are "
                          "reading them (a case or a reason); it goes into the audit log.",
        "similar": "Similar names elsewhere",
        "similar_hint": "Other records whose names resemble this one's: candidates to compare, "
                        "not a decision that they are the same.",
        "start": "Start here", "you_see": "What you may see",
        "start_hint": "Type a name in any script, or begin from",
        "kind_communication": "communication", "kind_copresence": "met",
        "kind_money": "money", "kind_ownership": "ownership", "kind_family": "family",
        "kind_membership": "membership", "kind_associate": "associate",
        "schema_Person": "people", "schema_Company": "companies",
        "schema_Organization": "organisations", "schema_LegalEntity": "other parties",
        "schema_BankAccount": "bank accounts", "schema_Vessel": "vessels",
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
        "trace": "Rastrear", "phase_only": "Fase", "all_phases": "todas",
        "purpose_needed": "Esta página puede mostrar hechos CONFIDENTIAL o SECRET: indique por "
                          "qué los consulta (un caso o un motivo); queda en el registro de "
                          "auditoría.",
        "similar": "Nombres parecidos en otros registros",
        "similar_hint": "Otros registros con nombres parecidos: candidatos para comparar, "
                        "no una decisión de que sean la misma persona.",
        "start": "Por dónde empezar", "you_see": "Lo que usted puede ver",
        "start_hint": "Escriba un nombre en cualquier alfabeto, o empiece por",
        "kind_communication": "comunicación", "kind_copresence": "encuentros",
        "kind_money": "dinero", "kind_ownership": "propiedad", "kind_family": "familia",
        "kind_membership": "pertenencia", "kind_associate": "asociados",
        "schema_Person": "personas", "schema_Company": "empresas",
        "schema_Organization": "organizaciones", "schema_LegalEntity": "otras partes",
        "schema_BankAccount": "cuentas bancarias", "schema_Vessel": "buques",
    },
}  # fmt: skip


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "es" if accept.startswith("es") else "en"


# A leader's reasons are sentences written by ``graph.reasons`` in English (the command
# line and the reports use them as they are); the Spanish interface rewrites each known
# sentence form. tests/web/test_i18n.py checks that every sentence the ranking writes on
# CAVIAR and on the demo case comes out with no English left.
REASONS_ES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r) for p, r in [
        (r"^in contact with (\d+) others \((.+?)\)", r"en contacto con \1 personas (\2)"),
        (r"; (\d+) of them within the period analysed", r"; \1 de ellas en el periodo analizado"),
        (r"^lies on (.+?) of the shortest paths between the others \((.+)\): a broker between "
         r"parts of the network",
         r"está en el \1 de los caminos más cortos entre los demás (\2): intermediario entre "
         r"partes de la red"),
        (r"^tied to the best-connected people \((\w+): (.+)\)",
         r"vinculado a las personas mejor conectadas (\1: \2)"),
        (r"^in the innermost core of the network \(k-core (\d+)\)",
         r"en el núcleo más interno de la red (k-núcleo \1)"),
        (r"^many contacts with no tie to each other \(Burt's constraint (\S+)\): controls what "
         r"passes between them",
         r"muchos contactos sin vínculo entre sí (restricción de Burt \1): controla lo que "
         r"pasa entre ellos"),
        (r"^brokers between (\d+) countries \((.+)\): (\d+) pairs of contacts in different "
         r"countries with no tie of their own",
         r"intermedia entre \1 países (\2): \3 pares de contactos en países distintos sin "
         r"vínculo propio"),
        (r"^initiated (\S+) of the directed contacts \((\d+) made, (\d+) received\): gives the "
         r"orders",
         r"inició el \1 de los contactos dirigidos (\2 hechos, \3 recibidos): da las órdenes"),
        (r"^in none of the (\d+) seizures, but (.+) steps from the people in (\d+) of them: "
         r"close to the operations, hands off the goods",
         r"en ninguna de las \1 incautaciones, pero a \2 pasos de las personas de \3 de ellas: "
         r"cerca de las operaciones, sin tocar la mercancía"),
        (r"receives money from (\d+) different payers", r"recibe dinero de \1 pagadores distintos"),
        (r"owns or controls (\d+) companies or assets", r"posee o controla \1 empresas o bienes"),
        (r": where the money converges$", r": donde converge el dinero"),
        (r"^among the top 20% by contacts in (\d+) of (\d+) phases \(present in (\d+)\)",
         r"entre el 20 % con más contactos en \1 de \2 fases (presente en \3)"),
        (r"^no single signal stands out; ranked on the combined score$",
         r"ninguna señal destaca sola; ordenado por la puntuación combinada"),
        # the standings quoted inside the sentences above
        (r"tied highest of (\d+)", r"empatado en el mayor de \1"),
        (r"the highest of (\d+)", r"el mayor de \1"),
        (r"#(\d+) of (\d+)", r"n.º \1 de \2"),
        (r"(\d) or (\d)", r"\1 o \2"),
        (r"(\d) and (\w)", r"\1 y \2"),
        (r"\) and (\w)", r") y \1"),
    ]
]  # fmt: skip


def reason(text: str, lang: str) -> str:
    """A leader's reason in the interface's language."""
    if lang != "es":
        return text
    for pattern, replacement in REASONS_ES:
        text = pattern.sub(replacement, text)
    return text

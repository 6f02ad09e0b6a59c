"""Benchmark: deduplicate generated person records, cupula beside Splink, same data, same run.

    .venv/bin/python bench/resolve_scale.py [--records 1000000] [--duplicates 0.3]
                                            [--no-splink] [--json FILE]

People are drawn from given names and surnames of several origins (Spanish with two
surnames, English, Arabic and Russian in Latin transliteration); about ``duplicates``
of the records are extra copies of someone already there, corrupted as partners' files
corrupt them: typos, transliteration variants, swapped given name and surname, a missing
second surname or given name, a year-only or day/month-swapped birth date, another
city. Each system runs in its own child process; reported are wall time (from the
columns to clusters at each of ``THRESHOLDS``; Splink's includes its training), the
child's peak resident memory, pairwise precision / recall / F1 and B-cubed precision of
its clusters (best threshold for both), and its largest cluster.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIVEN = {
    "es": ["Jose", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Pedro", "Maria", "Ana", "Rosa",
           "Carmen", "Diego", "Javier", "Andres", "Fernando", "Ricardo", "Oscar", "Ramon",
           "Ivan", "Sergio", "Pablo", "Julio", "Hector", "Raul", "Alberto", "Lucia", "Elena",
           "Sandra", "Marta", "Patricia", "Jhon", "Wilmer", "Edgar", "Nestor", "Fabio"],
    "en": ["John", "James", "Robert", "Michael", "William", "David", "Richard", "Thomas",
           "Mary", "Linda", "Susan", "Karen", "Nancy", "Paul", "Mark", "George", "Kevin",
           "Brian", "Edward", "Ronald", "Anthony", "Steven", "Laura", "Emily", "Sarah"],
    "ar": ["Mohammed", "Ahmed", "Ali", "Omar", "Khalid", "Hassan", "Youssef", "Ibrahim",
           "Abdullah", "Mustafa", "Fatima", "Aisha", "Mariam", "Hamza", "Tariq", "Karim"],
    "ru": ["Vladimir", "Sergei", "Alexei", "Dmitri", "Nikolai", "Ivan", "Mikhail", "Andrei",
           "Olga", "Tatiana", "Natalia", "Yuri", "Pavel", "Viktor", "Oleg", "Boris"],
}  # fmt: skip
SURNAMES = {
    "es": ["Garcia", "Rodriguez", "Martinez", "Lopez", "Gonzalez", "Perez", "Sanchez",
           "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Restrepo", "Ochoa",
           "Valencia", "Zuluaga", "Henao", "Cardenas", "Londono", "Munoz", "Quintero",
           "Jaramillo", "Betancur", "Agudelo", "Echeverri", "Orejuela", "Guzman", "Loera",
           "Zambada", "Escobar", "Gaviria", "Herrera", "Castano", "Mejia", "Arango"],
    "en": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
           "Harris", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young", "King", "Wright"],
    "ar": ["Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Hamdan", "Rahman", "Aziz",
           "Qasim", "Farouk", "Hussein", "Jaber", "Sabbagh", "Darwish", "Shami", "Tamimi"],
    "ru": ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Petrov", "Sokolov",
           "Mikhailov", "Novikov", "Fedorov", "Morozov", "Volkov", "Alekseev", "Lebedev"],
}  # fmt: skip
# Transliteration variants: how another partner writes the same name.
VARIANTS = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohammad", "Mohamad"], "Youssef": ["Yusuf", "Youssif"],
    "Hassan": ["Hasan"], "Hussein": ["Husain", "Hussain"], "Qasim": ["Kassem", "Qassim"],
    "Khalid": ["Khaled"], "Omar": ["Umar"], "Mustafa": ["Mostafa"], "Aisha": ["Aicha"],
    "Sergei": ["Sergey"], "Alexei": ["Alexey", "Aleksei"], "Dmitri": ["Dmitry", "Dmitrii"],
    "Yuri": ["Yury", "Iurii"], "Vasiliev": ["Vasilyev"], "Alekseev": ["Alekseyev"],
    "Fedorov": ["Fyodorov"], "Tatiana": ["Tatyana"], "Natalia": ["Natalya"],
    "Jhon": ["John", "Jon"], "Guzman": ["Gusman"], "Munoz": ["Muñoz"], "Londono": ["Londoño"],
}  # fmt: skip
CITIES = {
    "es": ["Bogota", "Medellin", "Cali", "Madrid", "Barcelona", "Sevilla", "Mexico", "Culiacan",
           "Guadalajara", "Lima", "Quito", "Panama", "Caracas", "Malaga", "Valencia"],
    "en": ["London", "Miami", "New York", "Houston", "Chicago", "Toronto", "Manchester"],
    "ar": ["Dubai", "Abu Dhabi", "Beirut", "Amman", "Cairo", "Doha", "Riyadh"],
    "ru": ["Moscow", "Saint Petersburg", "Kazan", "Novosibirsk", "Sochi"],
}  # fmt: skip
ORIGINS = ["es", "es", "es", "en", "ar", "ru"]
THRESHOLDS = (0.2, 0.5, 0.8, 0.9, 0.95, 0.99)  # both systems cluster at each


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiounrstl") + word[i + 1 :]


def generate(n: int, duplicates: float, seed: int = 1) -> dict[str, list[Any]]:
    """Columns of ``n`` records: unique_id, cluster, first_name, surname, dob, city."""
    rng = random.Random(seed)
    originals = int(n * (1 - duplicates))
    people = []
    for _ in range(originals):
        origin = rng.choice(ORIGINS)
        first = rng.choice(GIVEN[origin])
        if origin == "es":
            surname = f"{rng.choice(SURNAMES['es'])} {rng.choice(SURNAMES['es'])}"
        else:
            surname = rng.choice(SURNAMES[origin])
        if rng.random() < 0.3:
            first = f"{first} {rng.choice(GIVEN[origin])}"
        dob = f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        people.append((origin, first, surname, dob, rng.choice(CITIES[origin])))
    names = ("unique_id", "cluster", "first_name", "surname", "dob", "city")
    cols: dict[str, list[Any]] = {k: [] for k in names}

    def add(cluster: int, first: str | None, surname: str | None, dob: str | None,
            city: str | None) -> None:  # fmt: skip
        cols["unique_id"].append(len(cols["unique_id"]))
        cols["cluster"].append(cluster)
        cols["first_name"].append(first)
        cols["surname"].append(surname)
        cols["dob"].append(dob)
        cols["city"].append(city)

    for c, (_origin, first, surname, dob, city) in enumerate(people):
        add(c, first, surname, dob, city)
    for _ in range(n - originals):
        c = rng.randrange(originals)
        origin, first, surname, dob, city = people[c]
        words_f, words_s = first.split(), surname.split()

        def vary(words: list[str]) -> list[str]:
            out = []
            for w in words:
                r = rng.random()
                if w in VARIANTS and r < 0.5:
                    w = rng.choice(VARIANTS[w])
                elif r < 0.35:
                    w = _typo(rng, w)
                out.append(w)
            return out

        f, s = vary(words_f), vary(words_s)
        r = rng.random()
        if len(s) == 2 and r < 0.25:
            s = s[:1]  # the second surname left out
        if len(f) == 2 and rng.random() < 0.3:
            f = f[:1]
        first_name, surname_out = " ".join(f), " ".join(s)
        if rng.random() < 0.1:
            first_name, surname_out = surname_out, first_name  # fields swapped
        if rng.random() < 0.05:
            first_name = None  # type: ignore[assignment]
        d: str | None = dob
        r = rng.random()
        if r < 0.1:
            d = dob[:4]
        elif r < 0.17:
            y, m, day = dob.split("-")
            d = f"{y}-{day}-{m}" if int(day) <= 12 else dob
        elif r < 0.27:
            d = _typo(rng, dob.replace("-", "x")).replace("x", "-")
            d = d if len(d) == 10 else dob
        elif r < 0.32:
            d = None
        cy: str | None = city if rng.random() < 0.7 else rng.choice([None, *CITIES[origin]])
        add(c, first_name, surname_out, d, cy)
    return cols


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_cupula(cols: dict[str, list[Any]], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from cupula.evaluation.metrics import clustering_quality
    from cupula.resolve.engine import ResolveOptions, score_records
    from cupula.resolve.records import make_record

    started = time.perf_counter()
    records = [
        make_record(str(uid), "Person", names=[f"{f or ''} {s or ''}"], dates=[d] if d else [],
                    places=[c] if c else [])
        for uid, f, s, d, c in zip(cols["unique_id"], cols["first_name"], cols["surname"],
                                   cols["dob"], cols["city"], strict=True)
    ]  # fmt: skip
    made = time.perf_counter() - started
    resolution = score_records(records, ResolveOptions(review=0.2))
    clusters = {t: resolution.clusters(match=t) for t in THRESHOLDS}
    seconds = time.perf_counter() - started
    truth = [str(c) for c in cols["cluster"]]
    quality = {t: clustering_quality(c, truth) for t, c in clusters.items()}
    stats = {**resolution.stats, "seconds_records": round(made, 1)}
    queue.put({"seconds": round(seconds, 1), "stats": stats, "quality": quality,
               "peak_mib": round(_rss_mib())})  # fmt: skip


def run_splink(cols: dict[str, list[Any]], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from cupula.evaluation.metrics import clustering_quality
    from cupula.evaluation.splink_reference import run_splink as splink

    started = time.perf_counter()
    columns = {k: v for k, v in cols.items() if k != "cluster"}
    lowered = {k: [x.lower() if isinstance(x, str) else x for x in v] for k, v in columns.items()}
    result = splink("synthetic", lowered, THRESHOLDS)
    seconds = time.perf_counter() - started
    truth = [str(c) for c in cols["cluster"]]
    quality = {t: clustering_quality(c, truth) for t, c in result["clusters"].items()}
    queue.put({"seconds": round(seconds, 1), "quality": quality, "peak_mib": round(_rss_mib())})


def child(target: Any, cols: dict[str, list[Any]]) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    process = ctx.Process(target=target, args=(cols, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def best(quality: dict[float, dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    return max(quality.items(), key=lambda kv: kv[1]["pairwise"]["f1"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--duplicates", type=float, default=0.3)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    t = time.perf_counter()
    cols = generate(args.records, args.duplicates)
    print(f"generated {args.records:,} records in {time.perf_counter() - t:.1f} s", flush=True)
    report: dict[str, Any] = {"records": args.records, "duplicates": args.duplicates}
    systems = [("cupula", run_cupula)] + ([] if args.no_splink else [("splink", run_splink)])
    for name, target in systems:
        result = child(target, cols)
        threshold, q = best(result["quality"])
        result["best"] = {"threshold": threshold, **q}
        report[name] = result
        if "stats" in result:
            print(f"  {result['stats']}", flush=True)
        print(f"{name:7} {result['seconds']:7.1f} s  peak {result['peak_mib']:7,} MiB  "
              f"best pairwise F1 {q['pairwise']['f1']:.3f} (P {q['pairwise']['precision']:.3f} "
              f"R {q['pairwise']['recall']:.3f}) at p≥{threshold}; B-cubed precision "
              f"{q['bcubed']['precision']:.3f}; largest cluster {q['largest_cluster']:,} "
              f"(true {q['true_largest']})", flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()

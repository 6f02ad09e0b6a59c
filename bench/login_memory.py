"""Benchmark: the peak memory of a burst of logins (issue 18, item 4).

    .venv/bin/python bench/login_memory.py            # 50 logins at once, 4 hashes at a time
    .venv/bin/python bench/login_memory.py --at-once 50   # as before the bound: all at once

Each argon2id check takes 64 MiB. Logs 50 users in at once on 50 threads (half with a
wrong password) against a fresh SQLite store and prints the process's peak resident
memory before and after the burst and how long the burst took. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(os.environ.get("CUPULA_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from cupula.access import accounts  # noqa: E402
from cupula.access.viewer import Viewer  # noqa: E402
from cupula.model.marking import Classification  # noqa: E402
from cupula.store import Store  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=50)
    parser.add_argument("--at-once", type=int, default=accounts.CONCURRENT_HASHES,
                        help="password hashes checked at once")  # fmt: skip
    args = parser.parse_args()
    accounts.PASSWORD_CHECKS = accounts.PasswordChecks(limit=args.at_once, wait_s=120)
    admin = Viewer.local_admin()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "logins.db"))
        accounts.add_agency(store, admin, "CO-DIJIN", "COL", "DIJIN")
        accounts.add_user(store, admin, "ana", "CO-DIJIN", Classification.SECRET,
                          password="ana-pass-1")  # fmt: skip
        accounts.login(store, "ana", "ana-pass-1")  # the decoy hash and imports, made once
        before = peak_mib()
        failures: list[str] = []

        def log_in(i: int) -> None:
            try:
                accounts.login(store, "ana", "ana-pass-1" if i % 2 else "wrong")
            except accounts.AccountError:
                pass
            except Exception as exc:  # a refusal after the wait: reported
                failures.append(type(exc).__name__)

        threads = [threading.Thread(target=log_in, args=(i,)) for i in range(args.logins)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - started
        store.close()
    print(f"{args.logins} logins, {args.at_once} hashes at once: peak RSS {before:.0f} MiB "
          f"before, {peak_mib():.0f} MiB after; {took:.1f} s; refused {len(failures)}")  # fmt: skip


if __name__ == "__main__":
    main()

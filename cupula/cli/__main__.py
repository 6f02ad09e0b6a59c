"""``python -m cupula.cli``: the same as the ``cupula`` command."""

from cupula.cli.main import main

main()

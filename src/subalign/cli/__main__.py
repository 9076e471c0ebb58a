"""``python -m subalign.cli``."""

from subalign.cli.entry import main

main()

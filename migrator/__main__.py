import os
import sys

# `python -m migrator` puts the current directory first on sys.path. Run inside the repository
# being scanned, that would import its click.py or libcst.py: drop it before importing them.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from migrator.cli import main

if __name__ == "__main__":
    main()

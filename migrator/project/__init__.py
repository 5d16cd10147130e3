"""The project-wide view: every occurrence of every migrating model ID, with its role.

A run first gathers per-file facts (``facts``: plain data a worker can send back and a cache
can store) for every file of the project, then decides from all of them which fixes are safe
(``coupling``), and only then checks and fixes the files it was given.
"""

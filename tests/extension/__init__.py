"""Extension tests. A package, so that its conftest is `extension.conftest` and never takes the place
of `tests/conftest.py` as the module named `conftest`."""

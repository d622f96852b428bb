"""The scaffold's third-party lookup (strangler/python/distribution.py) answers as
importlib.metadata.packages_distributions does, for every import name installed here."""

from __future__ import annotations

from importlib.metadata import packages_distributions

from vsmctl.strangler.python.distribution import InstalledDistributions


def test_every_installed_import_name_maps_to_a_distribution_that_provides_it():
    """(packages_distributions also lists names no import can reach, such as an extension module
    inside a package listed as top-level: no module spec, so no distribution for them here.)"""
    from importlib.util import find_spec

    full = packages_distributions()
    importable = {name: providers for name, providers in full.items() if find_spec(name) is not None}
    assert len(importable) > 20
    for name, providers in importable.items():
        found = InstalledDistributions().get(name)
        assert found and set(found) <= set(providers), (name, found, providers)


def test_an_import_name_unlike_its_distribution_and_one_nothing_provides():
    assert InstalledDistributions().get("yaml") == ["PyYAML"]  # the full scan: no distribution named yaml
    assert InstalledDistributions().get("git") == ["GitPython"]
    assert InstalledDistributions().get("surely_not_installed_anywhere") == []

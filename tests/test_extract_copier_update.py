"""Issue 10, defect 6 (rest): `copier update` works on an extracted package.

The answers file records a template source and commit copier can resolve: the built-in template
is rendered from a tagged git copy in the user's data folder (here VSMCTL_TEMPLATES_HOME). A new
template version (a new tag there) is then brought into the package by `copier update`.
"""

import yaml
from git_repos import assert_copier_update_brings_a_new_template_version
from test_extract import extract, src_layout_project


def test_copier_update_brings_a_new_template_version_into_the_package(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    home = {"VSMCTL_TEMPLATES_HOME": str(tmp_path / "templates")}
    result = extract(repo, "subsystem", "shop-billing", "--no-shims", env=home)
    assert result.returncode == 0, result.stdout + result.stderr
    package = repo / "packages" / "shop-billing"
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text())
    template = tmp_path / "templates" / "python-package"
    assert answers["_src_path"] == str(template) and answers["_commit"].endswith(".post0")

    # a newer template version: a file more, tagged
    assert_copier_update_brings_a_new_template_version(repo, package, template, "template/{{package_dir}}")


def test_the_same_template_content_keeps_its_tag(tmp_path, monkeypatch):
    from vsmctl.resources import templates_dir
    from vsmctl.strangler.template_repo import versioned_template

    monkeypatch.setenv("VSMCTL_TEMPLATES_HOME", str(tmp_path))
    first = versioned_template(templates_dir() / "python-package")
    assert versioned_template(templates_dir() / "python-package") == first
    assert first == (tmp_path / "python-package", first[1]) and first[1].endswith(".post0")


def test_two_templates_that_share_a_folder_name_keep_their_own_repository_and_tag(tmp_path, monkeypatch):
    """A user's `--template .../python-package` and the built-in one used in turn: each keeps its
    tag (they used to take turns committing to one repository, a new tag each turn)."""
    import shutil

    from vsmctl.resources import templates_dir
    from vsmctl.strangler.template_repo import versioned_template

    monkeypatch.setenv("VSMCTL_TEMPLATES_HOME", str(tmp_path / "home"))
    own = tmp_path / "mine" / "python-package"
    shutil.copytree(templates_dir() / "python-package", own)
    (own / "EXTRA.md").write_text("a team's own addition\n")
    built_in = versioned_template(templates_dir() / "python-package")
    mine = versioned_template(own)
    assert mine[0] != built_in[0] and mine[0].name.startswith("python-package-")
    assert versioned_template(templates_dir() / "python-package") == built_in
    assert versioned_template(own) == mine and mine[1].endswith(".post0")

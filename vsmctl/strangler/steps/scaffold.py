"""scaffold: the new package from a copier template, declared to the monolith."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext

REMOTE_PREFIXES = ("git@", "gh:", "gl:")


TEMPLATES = {"python": "python-package", "elixir": "elixir-package"}


def template_source(template: str | None, language: str = "python") -> str:
    from vsmctl.resources import templates_dir

    return template or str(templates_dir() / TEMPLATES[language])


def _local_config(source: str) -> dict[str, Any] | None:
    import yaml

    for name in ("copier.yml", "copier.yaml"):
        path = Path(source) / name
        if path.is_file():
            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
                raise InputError(f"--template {source}: {name} cannot be read ({exc})") from None
            return loaded if isinstance(loaded, dict) else {}
    return None


class Scaffold(Step):
    name = "scaffold"
    libraries = ("copier",)

    def plan(self, ctx: StepContext) -> list[str]:
        source = template_source(ctx.template, ctx.plan.language)
        if "://" not in source and not source.startswith(REMOTE_PREFIXES):
            if not Path(source).is_dir():
                raise InputError(f"--template {source}: no such folder (give a copier template folder or a git URL)")
            config = _local_config(source)
            if config is None:
                raise InputError(f"--template {source}: no copier.yml in it")
            if config.get("_tasks"):
                # copier would refuse them too, but only after the migration branch exists
                raise InputError(f"--template {source}: it runs _tasks (shell commands); vsmctl does not run "
                                 "template tasks: remove them from copier.yml")
        return [f"render {source} into {ctx.plan.package_dir}"]

    def ahead(self, ctx: StepContext) -> None:
        """Render the package into a scratch folder while git checks out the worktree (`ctx.tree` is
        the user's checkout, at the same commit): `apply` copies it when its inputs are the same.
        Only vsmctl's own templates: another may render its destination (`_copier_conf.dst_path`)."""
        if ctx.template is not None:
            return
        source, ref = _resolvable(ctx, template_source(ctx.template, ctx.plan.language))
        data = _data(ctx)
        folder = tempfile.TemporaryDirectory(prefix="vsmctl-scaffold-")
        try:
            _render(source, Path(folder.name) / "package", ref, data)
        except InputError:
            folder.cleanup()  # apply meets the same error, and says so
            return
        _rendered.clear()
        _rendered[_key(source, ref, data)] = folder

    def apply(self, ctx: StepContext) -> StepReport:
        plan = ctx.plan
        source, ref = _resolvable(ctx, template_source(ctx.template, ctx.plan.language))
        data = _data(ctx)
        target = ctx.tree / plan.package_dir
        ahead = _rendered.pop(_key(source, ref, data), None)
        if ahead is not None and not target.exists():
            with ahead:
                shutil.copytree(Path(ahead.name) / "package", target, symlinks=True)
        else:
            _render(source, target, ref, data)
        report = StepReport(changed_files=[plan.package_dir, *_workflows_to_repository_ci(ctx)])
        return report.merge(ctx.backend.declare_package(ctx.tree, plan))


# what `ahead` rendered, by its inputs (template, its version, the answers): one extraction's at a time
_rendered: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], tempfile.TemporaryDirectory[str]] = {}


def _key(source: str, ref: str | None, data: dict[str, str]) -> tuple[str, str | None, tuple[tuple[str, str], ...]]:
    return source, ref, tuple(sorted(data.items()))


def _data(ctx: StepContext) -> dict[str, str]:
    plan = ctx.plan
    return {"package_name": plan.package, "import_name": plan.import_name,
            "description": f"{plan.package}, extracted by vsmctl", "version": "0.1.0",
            "repo_path": plan.package_dir, **_language_data(ctx)}


def _render(source: str, target: Path, ref: str | None, data: dict[str, str]) -> None:
    import copier

    try:
        copier.run_copy(source, str(target), vcs_ref=ref, data=data, defaults=True, quiet=True, overwrite=True,
                        unsafe=False)
    except Exception as exc:  # copier's errors: a bad template path or URL, a template that fails
        raise InputError(f"scaffolding {data['package_name']} from {source} failed: {exc}") from None


def _resolvable(ctx: StepContext, source: str) -> tuple[str, str | None]:
    """A local folder that is not a git repository is rendered from a tagged copy (template_repo),
    so that the answers file records a source and commit `copier update` can resolve."""
    from vsmctl.strangler.template_repo import is_git_repository, versioned_template

    folder = Path(source)
    if "://" in source or source.startswith(REMOTE_PREFIXES) or not folder.is_dir() or is_git_repository(folder):
        return source, None
    repo, tag = versioned_template(folder)
    return str(repo), tag


def _language_data(ctx: StepContext) -> dict[str, str]:
    if ctx.plan.language == "elixir":
        from vsmctl.strangler.elixir.plan import camel

        return {"module_name": ctx.plan.namespace or camel(ctx.plan.package),
                "elixir_requirement": "~> 1.14"}
    return {"python_version": _python_version(ctx)}


def _python_version(ctx: StepContext) -> str:
    """The lowest Python the monolith supports (its requires-python), for the package's CI."""
    import re
    import sys

    from vsmctl.strangler.python.distribution import requires_python

    found = re.search(r"(\d+\.\d+)", requires_python(ctx.tree, ctx.plan))
    return found.group(1) if found else f"{sys.version_info.major}.{sys.version_info.minor}"


def _workflows_to_repository_ci(ctx: StepContext) -> list[str]:
    """CI runs only the repository's .github/workflows: the package's workflow goes there, named
    after the package and path-filtered to it."""
    folder = ctx.tree / ctx.plan.package_dir / ".github" / "workflows"
    moved = []
    for workflow in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        suffix = "" if workflow.stem == "ci" else f"-{workflow.stem}"
        target = ctx.tree / ".github" / "workflows" / f"{ctx.plan.package}{suffix}{workflow.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(workflow), target)
        moved.append(str(target.relative_to(ctx.tree)))
    if folder.is_dir():
        shutil.rmtree(folder.parent)
    return moved

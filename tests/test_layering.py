"""Dependencies run one way: contributions -> resources -> appel, never upward.

Every module of the three apps is parsed (not imported): an `import` or
`from ... import` anywhere in it, inside functions included, and the app
named in `apps.get_model("app.Model")` / `get_model("app", "Model")` must
belong to the module's own app or to one below it. A lower app that needs
something from a higher one uses an explicit seam (docs/architecture.md).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may use itself and those before it.
LAYERS = ["appel", "resources", "contributions"]


def _modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def _absolute(path, node):
    """The module a `from ... import` names, relative imports resolved against `path`."""
    if node.level == 0:
        return node.module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def used_apps(path):
    """(line, app) for every app `path` names through an import or a get_model string."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, _absolute(path, node).split(".")[0]
        elif isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name == "get_model" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value.split(".")[0]


def upward_uses(app, path):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    return [
        f"{path.relative_to(ROOT)}:{line} uses {used}"
        for line, used in used_apps(path)
        if used in LAYERS and used not in allowed
    ]


@pytest.mark.parametrize(
    ("app", "path"),
    list(_modules()),
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v,
)
def test_no_module_uses_an_app_above_its_own(app, path):
    assert upward_uses(app, path) == []


@pytest.mark.parametrize(
    "source",
    [
        "from contributions import reviewing\n",
        "import contributions.models\n",
        "def f():\n    from contributions.models import Review\n",
        "from django.apps import apps\nM = apps.get_model('contributions.Review')\n",
        "from django.apps import apps\nM = apps.get_model('contributions', 'Review')\n",
    ],
)
def test_the_check_finds_an_upward_use(tmp_path, source):
    """The check itself: a resources module naming contributions in any of these ways fails."""
    module = tmp_path / "resources" / "bad.py"
    module.parent.mkdir()
    module.write_text(source)
    assert len(_upward_in(tmp_path, module)) == 1


def test_relative_imports_are_resolved(tmp_path):
    module = tmp_path / "resources" / "sub" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ...contributions import reviewing\nfrom .. import models\n")
    assert _upward_in(tmp_path, module) == ["resources/sub/bad.py:1 uses contributions"]


def _upward_in(root, module):
    global ROOT
    saved, ROOT = ROOT, root
    try:
        return upward_uses("resources", module)
    finally:
        ROOT = saved

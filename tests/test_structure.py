"""The apps' one-way structure: the layers themselves are import-linter's contract in
pyproject.toml (`make test` runs `lint-imports`); this test holds the rule import-linter
cannot see, that no module imports another app inside a function to dodge a cycle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "mithaq"
# The tests and their helpers may reach across the layers.
TEST_SUPPORT = {"conftest.py", "testing.py"}


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "mithaq" else None


def _imports_inside_functions(path: Path):
    """(line, module) of every absolute import of a mithaq module made inside a function,
    except in an AppConfig's ready(), where Django wants the models imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node, in_function: bool, in_ready: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                ready = path.name == "apps.py" and child.name == "ready"
                yield from walk(child, True, ready)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if in_function and not in_ready:
                    if isinstance(child, ast.ImportFrom):
                        names = [child.module] if child.module and child.level == 0 else []
                    else:
                        names = [alias.name for alias in child.names]
                    for name in names:
                        yield child.lineno, name
            else:
                yield from walk(child, in_function, in_ready)

    yield from walk(tree, False, False)


def test_no_app_imports_another_inside_a_function():
    found = []
    for path in sorted(APPS.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations"} & set(relative.parts) or path.name in TEST_SUPPORT:
            continue
        own = relative.parts[1] if len(relative.parts) > 2 else None
        for line, module in _imports_inside_functions(path):
            other = _app_of(module)
            if other is not None and other != own:
                found.append(f"{relative}:{line} imports {module}")
    assert found == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    # The rule's own oracle: a module written to break it is caught.
    module = tmp_path / "views.py"
    module.write_text("def page():\n    from mithaq.cases.models import Case\n    return Case\n")
    assert list(_imports_inside_functions(module)) == [(2, "mithaq.cases.models")]
    ready = tmp_path / "apps.py"
    ready.write_text(
        "class C:\n    def ready(self):\n        from mithaq.routing import services\n"
    )
    assert list(_imports_inside_functions(ready)) == []

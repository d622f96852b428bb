"""Issue 10, defect 7: branch by abstraction can canary.

The facade routes by the request's targeting key (a context variable the application sets, here
through the WSGI middleware) and, without one, by the share of calls; the package `__init__`'s own
and re-exported names are routed too; the facade runs without vsmctl installed (the stdlib flags
client is vendored into the new package, which the monolith depends on).
"""

import json
import subprocess
import sys

import git
from conftest import run_cli, write_tree
from test_extract import extract, src_layout_project

PROBE = """
import json, sys
sys.path[:0] = ['src', 'packages/shop-billing']
import shop.billing
from shop.billing import invoice, total
{body}
print(json.dumps(out))
print(sorted(m for m, mod in sys.modules.items() if m.split('.')[0] == 'vsmctl' and getattr(mod, '__file__', None)))
"""


def _canary_shop(root):
    repo = src_layout_project(root)
    write_tree(repo, {
        "src/shop/billing/__init__.py": "from shop.billing.invoice import total, where\n\n\n"
                                        "def here():\n    return __name__\n\n\n__all__ = ['here', 'total', 'where']\n",
        "src/shop/billing/invoice.py": "def total(items):\n    return sum(items)\n\n\n"
                                       "def where():\n    return __name__\n",
    })
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "billing says where it runs")
    result = extract(repo, "subsystem", "shop-billing", "--via", "abstraction")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


def _probe(repo, body):
    # -S: no site-packages, so vsmctl (installed there) cannot be imported by the facade
    run = subprocess.run([sys.executable, "-S", "-c", PROBE.format(body=body)], cwd=repo, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out, vsmctl_modules = run.stdout.splitlines()
    assert vsmctl_modules == "[]"  # no vsmctl file loaded: the facade needs only the new package
    return json.loads(out)


def test_the_facade_routes_by_the_request_key_and_by_the_share_of_calls(tmp_path):
    repo = _canary_shop(tmp_path / "shop")
    facade = (repo / "src" / "shop" / "billing" / "__init__.py").read_text()
    assert "Facade for shop.billing" in facade  # the package's own names are routed too
    assert (repo / "packages/shop-billing/shop_billing/_vsmctl_flags/targeting.py").is_file()

    off = _probe(repo, "out = [shop.billing.here(), invoice.where(), total([1, 2])]")
    assert off == ["shop.billing._legacy___init__", "shop.billing._legacy_invoice", 3]

    result = run_cli("flag", "flip", "extract.shop-billing", "on", "--percent", "30", cwd=repo)
    assert result.returncode == 0, result.stderr
    body = """
from shop_billing._vsmctl_flags.targeting import WSGIMiddleware
def app(environ, start_response):
    return [(shop.billing.here(), invoice.where(), shop.billing.where())]
users = {}
for user in range(300):
    served = WSGIMiddleware(app)({'HTTP_X_TARGETING_KEY': f'user-{user}'}, None)[0]
    again = WSGIMiddleware(app)({'HTTP_X_TARGETING_KEY': f'user-{user}'}, None)[0]
    users[user] = [s.startswith('shop_billing') for s in served + again]
calls = [invoice.where().startswith('shop_billing') for _ in range(2000)]
out = {'consistent': all(len(set(v)) == 1 for v in users.values()),
       'users_new': sum(v[0] for v in users.values()), 'calls_new': sum(calls)}
"""
    seen = _probe(repo, body)
    assert seen["consistent"]  # one user: every call of a request, and every request, on one side
    assert 60 <= seen["users_new"] <= 120  # ~30% of 300 users
    assert 480 <= seen["calls_new"] <= 720  # ~30% of 2000 keyless calls, not 0%

    assert run_cli("flag", "flip", "extract.shop-billing", "on", cwd=repo).returncode == 0
    on = _probe(repo, "out = [shop.billing.here(), invoice.where(), total([1, 2])]")
    assert on == ["shop_billing", "shop_billing.invoice", 3]


def test_vsmctl_flags_shares_the_key_with_every_vendored_copy():
    code = ("import sys; sys.path.insert(0, '.')\n"
            "from vsmctl.flags import targeting, current_key\n"
            "import importlib.util\n"
            "spec = importlib.util.spec_from_file_location('copy_of_targeting', 'vsmctl/flags/targeting.py')\n"
            "copy = importlib.util.module_from_spec(spec); spec.loader.exec_module(copy)\n"
            "with targeting('tenant-7'):\n    print(copy.current_key(), current_key())\n")
    from conftest import REPO

    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert run.stdout.strip() == "tenant-7 tenant-7", run.stderr


def test_the_asgi_middleware_sets_the_key_for_the_request():
    import asyncio

    from vsmctl.flags import ASGIMiddleware, current_key

    seen = []

    async def app(scope, receive, send):
        seen.append(current_key())

    wrapped = ASGIMiddleware(app)
    asyncio.run(wrapped({"type": "http", "headers": [(b"x-targeting-key", b"user-9")]}, None, None))
    asyncio.run(wrapped({"type": "lifespan"}, None, None))
    assert seen == ["user-9", None] and current_key() is None


def test_a_name_shadowed_by_its_submodule_is_routed(tmp_path):
    # mistune-shaped: `from .send import send` in the package, the function and its module share a name
    repo = src_layout_project(tmp_path / "shop")
    write_tree(repo, {
        "src/shop/billing/__init__.py": "from shop.billing.invoice import total\nfrom .send import send\n",
        "src/shop/billing/send.py": "def send():\n    return __name__\n",
        "tests/test_send.py": "from shop.billing import send\n\n\ndef test_send():\n    assert send()\n",
    })
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "send")
    result = extract(repo, "subsystem", "shop-billing", "--via", "abstraction")
    assert result.returncode == 0, result.stdout + result.stderr
    # as before the facade: the package's `send` is the function, the submodule stays in sys.modules
    out = _probe(repo, "out = [shop.billing.send(), callable(sys.modules['shop.billing.send'])]")
    assert out == ["shop.billing._legacy_send", False]

"""The prerequisites of `make test` and `make dev`, checked before anything is installed.

    python3 ops/src/taskapp_ops/doctor.py --for test|dev [--install]

It runs with the machine's own python3 before the project's environment exists, so it uses the
standard library only and keeps to syntax that old Pythons still parse: it has to be able to say
"Python 3.9 is too old". Each prerequisite prints its version and path, or what is missing and
the command that installs it. With --install, as root on Debian or Ubuntu, it installs what
apt can provide (make, Chromium, the venv module) and checks again. Exit status: 0 when
everything `make <target>` needs is there, 1 when something is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

PYTHON_MIN = (3, 11)
PYTHON_MAX_EXCLUSIVE = (3, 13)  # pyproject.toml: requires-python = ">=3.11,<3.13"
NODE_MIN = (20, 19)  # frontend/package.json: engines.node
TERRAFORM_MIN = (1, 11)  # infra: required_version = ">= 1.11" (S3 native state locking)
DEFAULT_CHROMIUM = "/usr/bin/chromium"
COMMAND_TIMEOUT = 20  # seconds; a prerequisite that hangs longer than this counts as broken
APT_INSTALL = "apt-get install -y --no-install-recommends"
TARGETS = ("test", "dev")

NODE_HELP = (
    "install Node.js >= 20.19 with npm: https://nodejs.org/en/download "
    "(Debian 13: apt-get install -y nodejs npm)"
)
TERRAFORM_HELP = (
    "install Terraform >= 1.11 (no package registry ships it): unzip the release from "
    "https://developer.hashicorp.com/terraform/install (e.g. terraform_1.11.4_linux_amd64.zip) "
    "into a directory on PATH, or set TERRAFORM_PATH to the binary"
)
PYTHON_HELP = (
    "install Python 3.11 or 3.12 as python3: apt-get install -y python3 python3-venv "
    "(Debian 12), or https://www.python.org/downloads/"
)


@dataclass
class Check:
    """One prerequisite: what was found, and how to get it when it is missing."""

    name: str
    ok: bool
    found: str
    fix: str = ""
    required: bool = True
    apt: tuple[str, ...] = ()  # Debian packages that fix it, for --install

    @property
    def status(self) -> str:
        if self.ok:
            return "ok"
        return "MISSING" if self.required else "skip"


@dataclass
class Platform:
    """What decides whether --install can use apt here."""

    root: bool
    apt_get: str | None
    debian_like: bool
    debian_major: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def can_apt(self) -> bool:
        return self.root and self.apt_get is not None and self.debian_like


def parse_version(text: str) -> tuple[int, ...] | None:
    """The first dotted number in text: 'v20.19.2' -> (20, 19, 2)."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def dotted(version: Sequence[int]) -> str:
    return ".".join(str(part) for part in version)


def run(argv: Sequence[str]) -> str | None:
    """stdout of a short command, or None when it cannot run, fails or hangs."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed commands, found on PATH or given by path
            list(argv),
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout


def os_release(path: str = "/etc/os-release") -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.strip().partition("=")
                if sep:
                    values[key] = value.strip().strip('"')
    except OSError:
        pass
    return values


def detect_platform() -> Platform:
    release = os_release()
    family = {release.get("ID", ""), *release.get("ID_LIKE", "").split()}
    major = parse_version(release.get("VERSION_ID", "") + ".0")
    geteuid = getattr(os, "geteuid", None)
    return Platform(
        root=geteuid is not None and geteuid() == 0,
        apt_get=shutil.which("apt-get"),
        debian_like=bool(family & {"debian", "ubuntu"}),
        debian_major=major[0] if major and release.get("ID") == "debian" else None,
    )


def apt_command(platform: Platform, packages: Sequence[str]) -> str:
    sudo = "" if platform.root else "sudo "
    return f"{sudo}{APT_INSTALL} {' '.join(packages)}"


# --- the checks ---------------------------------------------------------------------------------


def check_python(platform: Platform) -> list[Check]:
    version = sys.version_info[:3]
    where = sys.executable or "python3"
    checks = [
        Check(
            "python3",
            PYTHON_MIN <= version[:2] < PYTHON_MAX_EXCLUSIVE,
            f"{dotted(version)} ({where})",
            fix=PYTHON_HELP,
        )
    ]
    if version[:2] >= PYTHON_MAX_EXCLUSIVE:
        # uv can still find a 3.11 or 3.12 beside a newer python3 (.python-version says 3.11).
        other = shutil.which("python3.11") or shutil.which("python3.12")
        if other:
            checks[0] = Check(
                "python3", True, f"{dotted(version)} ({where}); the venv uses {other}"
            )
    # `make` bootstraps uv with `python3 -m venv .tools` unless uv is on PATH already; Debian's
    # python3 leaves out ensurepip (and so venv) without the python3-venv package.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    has_uv = shutil.which("uv") or os.path.exists(os.path.join(root, ".tools", "bin", "uv"))
    if not has_uv:
        has_venv = importlib.util.find_spec("ensurepip") is not None
        system_python = where.startswith("/usr/bin/")
        checks.append(
            Check(
                "venv",
                has_venv,
                "python3 -m venv works" if has_venv else "python3 has no ensurepip (venv)",
                fix=apt_command(platform, ["python3-venv"])
                if system_python
                else "reinstall Python with its venv module (ensurepip)",
                apt=("python3-venv",) if system_python else (),
            )
        )
    return checks


def check_make(platform: Platform) -> Check:
    path = shutil.which("make")
    if not path:
        return Check("make", False, "not on PATH", apt_command(platform, ["make"]), apt=("make",))
    first = (run([path, "--version"]) or "").splitlines()
    return Check("make", True, f"{first[0] if first else 'make'} ({path})")


def check_node(platform: Platform) -> Check:
    node = shutil.which("node")
    apt = ("nodejs", "npm") if (platform.debian_major or 0) >= 13 else ()
    if not node:
        return Check("node", False, "not on PATH", NODE_HELP, apt=apt)
    version = parse_version(run([node, "--version"]) or "")
    if version is None:
        return Check("node", False, f"{node} does not run", NODE_HELP, apt=apt)
    if version[:2] < NODE_MIN:
        return Check(
            "node",
            False,
            f"{dotted(version)} ({node}) is older than {dotted(NODE_MIN)}",
            NODE_HELP,
            apt=apt,
        )
    npm = shutil.which("npm")
    npm_version = parse_version(run([npm, "--version"]) or "") if npm else None
    if npm_version is None:
        fix = apt_command(platform, ["npm"]) if platform.debian_like else NODE_HELP
        return Check("node", False, f"{dotted(version)} ({node}) but no npm", fix)
    return Check("node", True, f"{dotted(version)} ({node}), npm {dotted(npm_version)}")


def check_chromium(platform: Platform) -> Check:
    configured = os.environ.get("CHROMIUM_PATH")
    path = configured or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        version = parse_version(run([path, "--version"]) or "")
        label = f"{dotted(version)} ({path})" if version else path
        return Check("chromium", True, label)
    if configured and configured != DEFAULT_CHROMIUM:
        return Check(
            "chromium",
            False,
            f"CHROMIUM_PATH={configured} is not an executable",
            "point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it and run: "
            + apt_command(platform, ["chromium"]),
        )
    fix = apt_command(platform, ["chromium"]) if platform.debian_like else ""
    fix = (fix + " (or " if fix else "(") + "set CHROMIUM_PATH to a Chromium or Chrome binary)"
    return Check(
        "chromium",
        False,
        f"no {path} (the browser tests drive it)",
        fix,
        apt=("chromium",) if platform.debian_like else (),
    )


def check_terraform() -> Check:
    required = os.environ.get("TERRAFORM_REQUIRED") == "1"
    path = os.environ.get("TERRAFORM_PATH") or shutil.which("terraform")
    if not path or not os.path.isfile(path):
        found = "not found" if required else "not found: the infrastructure checks will skip"
        return Check("terraform", False, found, TERRAFORM_HELP, required=required)
    output = run([path, "version", "-json"])
    version = None
    if output:
        try:
            version = parse_version(str(json.loads(output).get("terraform_version", "")))
        except ValueError:
            version = None
    if version is None:
        return Check("terraform", False, f"{path} does not run", TERRAFORM_HELP)
    if version[:2] < TERRAFORM_MIN:
        # Older than required_version: the checks would run and fail, so this is never a skip.
        return Check(
            "terraform",
            False,
            f"{dotted(version)} ({path}) is older than {dotted(TERRAFORM_MIN)}",
            TERRAFORM_HELP,
        )
    return Check("terraform", True, f"{dotted(version)} ({path})")


def checks_for(target: str, platform: Platform) -> list[Check]:
    checks = [*check_python(platform), check_make(platform), check_node(platform)]
    if target == "test":
        checks += [check_chromium(platform), check_terraform()]
    return checks


# --- report and install -------------------------------------------------------------------------


def report(target: str, checks: Sequence[Check]) -> str:
    lines = [f"Prerequisites of `make {target}`:"]
    for check in checks:
        lines.append(f"  {check.status:<8} {check.name:<10} {check.found}")
        if not check.ok and check.fix:
            label = "fix" if check.required else "to run them"
            lines.append(f"  {'':<8} {'':<10} {label}: {check.fix}")
    missing = [check.name for check in checks if not check.ok and check.required]
    if missing:
        lines.append(
            f"Missing: {', '.join(missing)}. Run the command shown above for each, then "
            f"`make {target}` again."
        )
    else:
        lines.append("Everything needed is here.")
    return "\n".join(lines)


def install(platform: Platform, checks: Sequence[Check]) -> bool:
    """apt-get install what apt can fix; True when it ran and succeeded."""
    packages = sorted(
        {pkg for check in checks if not check.ok and check.required for pkg in check.apt}
    )
    if not packages:
        return False
    if not platform.can_apt:
        print(f"--install: needs root and apt-get here; not installing {' '.join(packages)}")
        return False
    apt_get = platform.apt_get or "apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing {' '.join(packages)} with apt-get ...", flush=True)
    for argv in (
        [apt_get, "update", "-qq"],
        [apt_get, "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        if subprocess.run(argv, env=env, check=False).returncode != 0:  # noqa: S603
            print(f"{' '.join(argv)} failed")
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 ops/src/taskapp_ops/doctor.py",
        description="Check (and with --install, install) what `make test` / `make dev` need.",
    )
    parser.add_argument("--for", dest="target", choices=TARGETS, default="test")
    parser.add_argument(
        "--install", action="store_true", help="as root on Debian/Ubuntu, apt-get what is missing"
    )
    args = parser.parse_args(argv)
    platform = detect_platform()
    checks = checks_for(args.target, platform)
    if args.install and install(platform, checks):
        checks = checks_for(args.target, platform)
    print(report(args.target, checks), flush=True)
    return 1 if any(not check.ok and check.required for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())

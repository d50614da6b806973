"""Lays out the stand-in providers as a Terraform plugin directory.

`terraform init -backend=false -plugin-dir=<dir>` then installs them like any provider:
<dir>/registry.terraform.io/hashicorp/<name>/<version>/<os>_<arch>/terraform-provider-<name>_v<version>_x5
Each executable is a small script that runs plugin.py with the stand-in's Python
(.tools/standin, made by `make standin`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMAS = Path(os.environ.get("STANDIN_SCHEMA_DIR", HERE / "schemas"))
PROVIDERS = ("aws", "random")


def provider_version(name: str) -> str:
    document = json.loads(gzip.decompress((SCHEMAS / f"{name}.json.gz").read_bytes()))
    return str(document["provider_versions"][f"registry.terraform.io/hashicorp/{name}"])


def platform_dir() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
    return f"{sys.platform}_{machine}"


def install(plugin_dir: Path, python: Path) -> dict[str, str]:
    versions = {}
    for name in PROVIDERS:
        version = provider_version(name)
        versions[name] = version
        target = (
            plugin_dir / "registry.terraform.io" / "hashicorp" / name / version / platform_dir()
        )
        target.mkdir(parents=True, exist_ok=True)
        executable = target / f"terraform-provider-{name}_v{version}_x5"
        executable.write_text(
            f"#!{python}\n"
            "import sys\n"
            f"sys.path.insert(0, {str(HERE)!r})\n"
            "import plugin\n"
            "plugin.main()\n"
        )
        executable.chmod(0o755)
    return versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("plugin_dir", type=Path)
    parser.add_argument("--python", type=Path, default=Path(sys.executable))
    args = parser.parse_args()
    for name, version in install(args.plugin_dir, args.python).items():
        print(f"hashicorp/{name} {version} -> {args.plugin_dir}")


if __name__ == "__main__":
    main()

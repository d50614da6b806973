"""The spec's rules, checked on an environment's plan (`terraform show -json` of a full
`terraform plan`, made by the real Terraform against the stand-in provider: see plans.py).

Each ``check_*`` function takes a :class:`Model` of one plan and returns a list of violations
(strings). A rule whose subject is missing, or whose value is unknown at plan and cannot be
followed through the configuration, reports that as a violation: no rule passes vacuously.

What a rule reads:

* known values: ``resource_changes[].change.after`` (managed resources and data sources read
  at apply) and ``prior_state`` (data sources Terraform read while planning);
* unknown values (``after_unknown``, computed at apply: ids, ARNs, policies built from ARNs):
  the plan's ``configuration`` section, whose expressions list their ``references``. The
  resolver follows them through module inputs (``var.``), module outputs (``module.x.y``),
  ``for_each``/``each`` and, since the plan omits locals, the module's ``locals`` blocks
  (python-hcl2 reads the references out of them). It returns the resources an expression can
  point at, by their configuration address (every instance of a ``for_each``/``count`` block
  together): a superset of the truth, so a graph rule never misses an edge.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from plans import Plan

INFRA = Path(__file__).resolve().parents[1]

PUBLIC_CIDRS = {"0.0.0.0/0", "::/0"}
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"

# Resource types every environment must have (the wiring diagram, spec section 10).
REQUIRED_EVERYWHERE = {
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_vpc_endpoint",
    "aws_flow_log",
    "aws_security_group",
    "aws_cloudfront_distribution",
    "aws_cloudfront_origin_access_control",
    "aws_wafv2_web_acl",
    "aws_acm_certificate",
    "aws_lb",
    "aws_lb_listener",
    "aws_lb_target_group",
    "aws_ecr_repository",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_appautoscaling_target",
    "aws_appautoscaling_policy",
    "aws_db_instance",
    "aws_db_proxy",
    "aws_db_parameter_group",
    "aws_elasticache_replication_group",
    "aws_s3_bucket",
    "aws_s3_bucket_public_access_block",
    "aws_sqs_queue",
    "aws_kms_key",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_dashboard",
    "aws_sns_topic",
    "aws_xray_sampling_rule",
    "aws_backup_vault",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_budgets_budget",
}
# Account-level services: at least in prod (other envs may switch them off, ADR 0051).
REQUIRED_IN_PROD = {
    "aws_guardduty_detector",
    "aws_guardduty_detector_feature",
    "aws_inspector2_enabler",
    "aws_securityhub_account",
    "aws_securityhub_standards_subscription",
    "aws_config_configuration_recorder",
    "aws_config_conformance_pack",
    "aws_cloudtrail",
}
ENDPOINT_SERVICES = ("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sqs", "kms")
IAM_USER_TYPES = {
    "aws_iam_user",
    "aws_iam_access_key",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_user_login_profile",
    "aws_iam_user_group_membership",
    "aws_iam_group_membership",
    "aws_iam_user_ssh_key",
    "aws_iam_service_specific_credential",
}


class _Unknown:
    """A value computed at apply (``after_unknown`` is true for it)."""

    def __repr__(self) -> str:
        return "(known after apply)"


UNKNOWN: Any = _Unknown()


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _truthy(value: Any) -> bool:
    return value is True or value == "true"


def _step(value: Any, unknown: Any, key: str | int) -> tuple[Any, Any]:
    if isinstance(key, int):
        value = value[key] if isinstance(value, list) and len(value) > key else None
        unknown = unknown[key] if isinstance(unknown, list) and len(unknown) > key else None
    else:
        value = value.get(key) if isinstance(value, dict) else None
        unknown = unknown.get(key) if isinstance(unknown, dict) else None
    return value, unknown


def _with_unknowns(value: Any, unknown: Any) -> Any:
    """The value with UNKNOWN wherever after_unknown says so (also inside lists and maps)."""
    if unknown is True:
        return UNKNOWN
    if isinstance(value, list):
        return [
            _with_unknowns(
                v, unknown[i] if isinstance(unknown, list) and i < len(unknown) else None
            )
            for i, v in enumerate(value)
        ]
    if isinstance(value, dict):
        keys = set(value) | (set(unknown) if isinstance(unknown, dict) else set())
        return {
            k: _with_unknowns(value.get(k), unknown.get(k) if isinstance(unknown, dict) else None)
            for k in keys
        }
    return value


# --------------------------------------------------------------------------- the plan, as a model


@dataclass
class Instance:
    """One resource instance of the plan (managed, or a data source)."""

    address: str
    module: str  # "" for the root, else "module.a" or "module.a.module.b"
    mode: str
    type: str
    name: str
    values: dict[str, Any]
    unknown: dict[str, Any]
    config: dict[str, Any] | None

    @property
    def config_address(self) -> str:
        local = f"{'data.' if self.mode == 'data' else ''}{self.type}.{self.name}"
        return f"{self.module}.{local}" if self.module else local

    def get(self, *path: str | int) -> Any:
        """The value at path: known (possibly None), or UNKNOWN."""
        value, unknown = self.values, self.unknown
        for key in path:
            if unknown is True:
                return UNKNOWN
            value, unknown = _step(value, unknown, key)
        return _with_unknowns(value, unknown)

    def setting(self, *path: str | int) -> Any:
        """Like get, but an unknown value the configuration does not set is None: an
        optional+computed argument left out is unknown at plan, yet nothing we configured."""
        value = self.get(*path)
        if value is UNKNOWN and self.expression(*path) is None:
            return None
        return value

    def expression(self, *path: str | int) -> dict[str, Any] | None:
        """The configuration expression at path (``references`` or ``constant_value``)."""
        node: Any = (self.config or {}).get("expressions", {})
        for key in path:
            if isinstance(key, int):
                node = node[key] if isinstance(node, list) and len(node) > key else None
            else:
                node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return None
        return node if isinstance(node, dict) else None

    def configured(self, name: str) -> bool:
        return name in (self.config or {}).get("expressions", {})


@dataclass
class Resolved:
    targets: set[str] = field(default_factory=set)  # configuration addresses
    unresolved: set[str] = field(default_factory=set)  # what could not be followed
    constant: bool = False  # part of the value is a constant or a root variable


REF_INDEX = re.compile(r"\[[^\]]*\]")
HCL_REFERENCE = re.compile(
    r"(?<![\w.-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)"
)
REFERENCE_HEADS = re.compile(r"^(var|local|module|data|each|count|path|self|(aws|random)_\w+)$")


def _dedupe(refs: Iterable[str]) -> list[str]:
    """Terraform lists `aws_x.y.id` and `aws_x.y`: keep the longest of each chain."""
    clean = sorted({REF_INDEX.sub("", r) for r in refs})
    return [r for r in clean if not any(o != r and o.startswith(r + ".") for o in clean)]


class Model:
    """A plan, with a resolver for the values it cannot know until apply."""

    def __init__(self, plan: Plan, root_dir: Path | None = None) -> None:
        self.plan = plan
        self.name = plan.env
        self.document = plan.document
        self.root_dir = root_dir or INFRA / "envs" / plan.env
        self.instances = self._instances()

    # ----------------------------------------------------------------- reading

    def _module_config(self, module: str) -> dict[str, Any]:
        node = self.document["configuration"]["root_module"]
        for part in module.split(".")[1::2] if module else []:
            node = node["module_calls"][part]["module"]
        return node

    def _module_call(self, module: str) -> tuple[str, dict[str, Any]]:
        """(parent module path, the module call block) of a module path."""
        parent, _, name = module.rpartition(".")
        parent = parent[: -len(".module")] if parent.endswith(".module") else ""
        return parent, self._module_config(parent)["module_calls"][name]

    def _resource_config(self, module: str, address: str) -> dict[str, Any] | None:
        for r in self._module_config(module).get("resources", []):
            if r["address"] == address:
                return r
        return None

    def _instances(self) -> list[Instance]:
        found: dict[str, Instance] = {}

        def add(address, module, mode, rtype, name, values, unknown):
            local = f"{'data.' if mode == 'data' else ''}{rtype}.{name}"
            found[address] = Instance(
                address,
                module or "",
                mode,
                rtype,
                name,
                values or {},
                unknown or {},
                self._resource_config(module or "", local),
            )

        def walk(module: dict[str, Any], path: str) -> None:
            for r in module.get("resources", []):
                if r["mode"] == "data":
                    add(r["address"], path, "data", r["type"], r["name"], r.get("values"), {})
            for child in module.get("child_modules", []):
                walk(child, child["address"])

        walk(self.document.get("prior_state", {}).get("values", {}).get("root_module", {}), "")
        for c in self.document.get("resource_changes", []):
            if "delete" in c["change"]["actions"] and "create" not in c["change"]["actions"]:
                continue
            add(
                c["address"],
                c.get("module_address"),
                c["mode"],
                c["type"],
                c["name"],
                c["change"].get("after"),
                c["change"].get("after_unknown"),
            )
        return list(found.values())

    def resources(self, *types: str) -> list[Instance]:
        return [i for i in self.instances if i.mode == "managed" and i.type in types]

    def data(self, *types: str) -> list[Instance]:
        return [i for i in self.instances if i.mode == "data" and i.type in types]

    def by_config(self, config_address: str) -> list[Instance]:
        return [i for i in self.instances if i.config_address == config_address]

    def types(self) -> set[str]:
        return {i.type for i in self.instances if i.mode == "managed"}

    @staticmethod
    def type_of(config_address: str) -> str:
        parts = config_address.split(".")
        while parts[:1] == ["module"]:
            parts = parts[2:]
        return parts[1] if parts[0] == "data" else parts[0]

    # ----------------------------------------------------------------- locals (from the HCL)

    @cached_property
    def _locals(self) -> dict[str, dict[str, list[str]]]:
        """{module path: {local name: references}}: the plan's configuration leaves locals out."""
        import hcl2  # python-hcl2: only to read the references out of `locals` blocks

        out: dict[str, dict[str, list[str]]] = {}

        def directory(module: str) -> Path:
            path = self.root_dir
            node = self.document["configuration"]["root_module"]
            for part in module.split(".")[1::2] if module else []:
                call = node["module_calls"][part]
                path = (path / call["source"]).resolve()
                node = call["module"]
            return path

        def modules(node: dict[str, Any], path: str) -> Iterable[str]:
            yield path
            for name, call in node.get("module_calls", {}).items():
                yield from modules(
                    call["module"], f"{path}.module.{name}" if path else f"module.{name}"
                )

        for module in modules(self.document["configuration"]["root_module"], ""):
            found: dict[str, list[str]] = {}
            for tf in sorted(directory(module).glob("*.tf")):
                with tf.open() as handle:
                    doc = hcl2.load(handle)
                for block in doc.get("locals", []):
                    for name, value in block.items():
                        text = json.dumps(value)
                        found[name] = [
                            m
                            for m in HCL_REFERENCE.findall(text)
                            if REFERENCE_HEADS.match(m.split(".")[0])
                        ]
            out[module] = found
        return out

    # ----------------------------------------------------------------- resolving references

    def resolve(self, instance: Instance, *path: str | int) -> Resolved:
        """What the expression at path can point at, followed through modules and locals."""
        resolved = Resolved()
        expression = instance.expression(*path)
        if expression is None:
            resolved.unresolved.add(f"{instance.address}: no expression for {list(path)}")
            return resolved
        self._expression(expression, instance.module, instance.config, resolved, set())
        return resolved

    def targets(
        self, instance: Instance, *path: str | int, types: set[str] | None = None
    ) -> set[str]:
        found = self.resolve(instance, *path).targets
        return {t for t in found if types is None or self.type_of(t) in types}

    def _expression(self, expression, module, config, out: Resolved, seen: set[str]) -> None:
        if "constant_value" in expression:
            out.constant = True
        self._references(expression.get("references") or [], module, config, out, seen)

    def _references(self, refs, module: str, config, out: Resolved, seen: set[str]) -> None:
        prefix = f"{module}." if module else ""
        for ref in _dedupe(refs):
            key = f"{prefix}{ref}@{config.get('address') if config else ''}"
            if key in seen:
                continue
            seen.add(key)
            parts = ref.split(".")
            handler = self._HANDLERS.get(parts[0], Model._resource_reference)
            handler(self, parts, module, config, out, seen)

    def _constant_reference(self, parts, module, config, out: Resolved, seen) -> None:
        out.constant = True  # count.index, path.module, terraform.workspace, self

    def _each_reference(self, parts, module, config, out: Resolved, seen) -> None:
        fe = (config or {}).get("for_each_expression")
        if fe is None:
            out.unresolved.add(".".join([module, *parts]).lstrip("."))
        else:
            self._expression(fe, module, None, out, seen)

    def _var_reference(self, parts, module, config, out: Resolved, seen) -> None:
        if not module:
            out.constant = True  # a root variable: its value is in the plan
            return
        parent, call = self._module_call(module)
        expression = call.get("expressions", {}).get(parts[1])
        if expression is None:
            out.constant = True  # the variable's default
        else:
            self._expression(expression, parent, call, out, seen)

    def _local_reference(self, parts, module, config, out: Resolved, seen) -> None:
        refs_of_local = self._locals.get(module, {}).get(parts[1])
        if refs_of_local is None:
            out.unresolved.add(".".join([module, *parts[:2]]).lstrip("."))
        else:
            out.constant = out.constant or not refs_of_local
            self._references(refs_of_local, module, config, out, seen)

    def _module_reference(self, parts, module, config, out: Resolved, seen) -> None:
        child = f"{module}.module.{parts[1]}" if module else f"module.{parts[1]}"
        if len(parts) < 3:
            out.unresolved.add(child)
            return
        output = self._module_config(child).get("outputs", {}).get(parts[2])
        if output is None:
            out.unresolved.add(f"{child}.{parts[2]}")
        else:
            self._expression(output["expression"], child, None, out, seen)

    def _resource_reference(self, parts, module, config, out: Resolved, seen) -> None:
        prefix = f"{module}." if module else ""
        if parts[0] == "data" and len(parts) >= 3:
            out.targets.add(f"{prefix}data.{parts[1]}.{parts[2]}")
        elif parts[0] != "data" and len(parts) >= 2:
            out.targets.add(f"{prefix}{parts[0]}.{parts[1]}")
        else:
            out.unresolved.add(prefix + ".".join(parts))

    _HANDLERS: ClassVar[dict[str, Callable[..., None]]] = {
        "count": _constant_reference,
        "path": _constant_reference,
        "terraform": _constant_reference,
        "self": _constant_reference,
        "each": _each_reference,
        "var": _var_reference,
        "local": _local_reference,
        "module": _module_reference,
    }

    def root_output_targets(self, name: str) -> Resolved:
        out = Resolved()
        output = self.document["configuration"]["root_module"].get("outputs", {}).get(name)
        if output is not None:
            self._expression(output["expression"], "", None, out, set())
        return out


# --------------------------------------------------------------------------- shared helpers


def _kms_problem(model: Model, instance: Instance, *path: str | int) -> str | None:
    """None when the value at path is a customer-managed KMS key, else why not."""
    value = instance.setting(*path)
    if isinstance(value, str) and value:
        if re.match(r"^arn:aws[a-z-]*:kms:[^:]*:\d{12}:key/", value):
            return None
        return f"{value!r} is not a customer-managed key"
    if value is None:
        return "not set"
    found = model.resolve(instance, *path)
    keys = {t for t in found.targets if model.type_of(t) == "aws_kms_key"}
    others = found.targets - keys
    if keys and not others and not found.unresolved:
        return None
    return (
        f"unknown at plan and does not resolve to aws_kms_key only "
        f"(targets {sorted(found.targets)}, unresolved {sorted(found.unresolved)})"
    )


def _statements_of_document(model: Model, doc: Instance, seen: set[str]) -> list[dict]:
    """Statements of an aws_iam_policy_document: rendered JSON when known, else its arguments
    (known at plan: actions, principals, conditions; ARNs are UNKNOWN)."""
    if doc.address in seen:
        return []
    seen.add(doc.address)
    text = doc.get("json")
    if isinstance(text, str):
        return _statements_of_json(text)
    statements = []
    for i, st in enumerate(as_list(doc.get("statement"))):
        if st is UNKNOWN:
            statements.append(
                {
                    "Effect": UNKNOWN,
                    "Action": [UNKNOWN],
                    "Resource": [UNKNOWN],
                    "Principal": [UNKNOWN],
                    "Condition": [UNKNOWN],
                }
            )
            continue
        principals = []
        for p in as_list(st.get("principals")):
            if p is UNKNOWN:
                principals.append(UNKNOWN)
                continue
            for ident in as_list(p.get("identifiers")):
                principals.append(ident if ident is UNKNOWN else f"{p.get('type')}:{ident}")
        effect = st.get("effect")
        statements.append(
            {
                # Optional with default Allow: unknown at plan only when not set.
                "Effect": "Allow"
                if effect in (None, UNKNOWN) and not _set_in_config(doc, i, "effect")
                else effect,
                "Action": as_list(st.get("actions")) + as_list(_setting(doc, i, "not_actions")),
                "Resource": as_list(st.get("resources"))
                + as_list(_setting(doc, i, "not_resources")),
                "Principal": principals,
                "Condition": as_list(st.get("condition")),
            }
        )
    for key in ("source_policy_documents", "override_policy_documents"):
        for other in model.targets(doc, key, types={"aws_iam_policy_document"}):
            for inst in model.by_config(other):
                statements += _statements_of_document(model, inst, seen)
    return statements


def _set_in_config(doc: Instance, index: int, name: str) -> bool:
    return doc.expression("statement", index, name) is not None


def _setting(doc: Instance, index: int, name: str) -> Any:
    return doc.setting("statement", index, name)


def _statements_of_json(text: str) -> list[dict]:
    try:
        document = json.loads(text)
    except ValueError:
        return []
    statements = []
    for st in as_list(document.get("Statement")):
        principal = st.get("Principal")
        if principal == "*":
            principals = ["*:*"]
        elif isinstance(principal, dict):
            principals = [f"{k}:{i}" for k, v in principal.items() for i in as_list(v)]
        else:
            principals = []
        statements.append(
            {
                "Effect": st.get("Effect", "Allow"),
                "Action": as_list(st.get("Action")) + as_list(st.get("NotAction")),
                "Resource": as_list(st.get("Resource")) + as_list(st.get("NotResource")),
                "Principal": principals,
                "Condition": st.get("Condition") or [],
            }
        )
    return statements


def policy_statements(
    model: Model, instance: Instance, attribute: str
) -> tuple[list[dict], str | None]:
    """(statements, problem) of a policy argument: known JSON, or followed to the
    aws_iam_policy_document(s) it is built from. A policy that is unknown at plan and not built
    from a policy document cannot be checked: that is the problem returned."""
    value = instance.setting(attribute)
    if isinstance(value, str):
        return _statements_of_json(value), None
    if value is None:
        return [], None
    found = model.resolve(instance, attribute)
    docs = {t for t in found.targets if model.type_of(t) == "aws_iam_policy_document"}
    if not docs:
        return [], (
            f"{instance.address}: {attribute} is unknown at plan and not built from an "
            f"aws_iam_policy_document (targets {sorted(found.targets)}): cannot check it"
        )
    statements: list[dict] = []
    for doc in sorted(docs):
        for inst in model.by_config(doc):
            statements += _statements_of_document(model, inst, set())
    return statements, None


# --------------------------------------------------------------------------- existence


def check_required_resources(model: Model) -> list[str]:
    required = set(REQUIRED_EVERYWHERE)
    if model.name == "prod":
        required |= REQUIRED_IN_PROD
    missing = sorted(required - model.types())
    return [f"{model.name}: no {t} (required by the spec)" for t in missing]


def check_environment_shape(model: Model) -> list[str]:
    """dev is cheap (one NAT gateway), prod is the spec in full (one NAT per AZ, >= 3 AZs)."""
    out = []
    nats = model.resources("aws_nat_gateway")
    subnets = model.resources("aws_subnet")
    zones = [s.get("availability_zone") for s in subnets]
    if any(z is UNKNOWN or z is None for z in zones):
        out.append(f"{model.name}: the availability zone of a subnet is unknown at plan")
    azs = {z for z in zones if isinstance(z, str)}
    if model.name == "prod":
        if len(azs) < 3:
            out.append(f"prod: subnets span {len(azs)} AZs, the spec wants at least 3")
        if len(nats) < len(azs):
            out.append(f"prod: {len(nats)} NAT gateways for {len(azs)} AZs (one per AZ wanted)")
    if model.name == "dev" and len(nats) > 1:
        out.append(f"dev: {len(nats)} NAT gateways, dev should share one")
    return out


# --------------------------------------------------------------------------- HA


def _must_be_true(instance: Instance, attribute: str, why: str) -> list[str]:
    value = instance.setting(attribute)
    if value is UNKNOWN:
        return [f"{instance.address}: {attribute} is unknown at plan ({why})"]
    return [] if _truthy(value) else [f"{instance.address}: {attribute} must be true {why}"]


def check_multi_az(model: Model) -> list[str]:
    out = []
    dbs = model.resources("aws_db_instance")
    caches = model.resources("aws_elasticache_replication_group")
    if not dbs:
        out.append(f"{model.name}: no aws_db_instance to check")
    if not caches:
        out.append(f"{model.name}: no aws_elasticache_replication_group to check")
    if model.name != "prod":
        return out
    for db in dbs:
        out += _must_be_true(db, "multi_az", "in prod")
        out += _must_be_true(db, "deletion_protection", "in prod")
    for rg in caches:
        if not (
            _truthy(rg.get("multi_az_enabled")) and _truthy(rg.get("automatic_failover_enabled"))
        ):
            out.append(
                f"{rg.address}: multi_az_enabled and automatic_failover_enabled must be true in prod"
            )
        nodes = rg.get("num_cache_clusters")
        if not isinstance(nodes, int):
            replicas = rg.get("replicas_per_node_group")
            nodes = replicas + 1 if isinstance(replicas, int) else None
        if nodes is None:
            out.append(f"{rg.address}: the number of cache nodes is unknown at plan")
        elif nodes < 2:
            out.append(f"{rg.address}: prod needs at least 2 cache nodes")
    for lb in model.resources("aws_lb"):
        out += _must_be_true(lb, "enable_deletion_protection", "in prod")
    return out


# --------------------------------------------------------------------------- encryption

LOG_DELIVERY = re.compile(
    r"logdelivery\.elasticloadbalancing\.amazonaws\.com|delivery\.logs\.amazonaws\.com"
    r"|logging\.s3\.amazonaws\.com"
)


def _buckets(model: Model, instance: Instance, *path: str | int) -> set[str]:
    return model.targets(instance, *path, types={"aws_s3_bucket"})


def _log_delivery_buckets(model: Model) -> set[str]:
    """Buckets that AWS log delivery writes to (ALB access logs, S3 server access logs, CloudFront
    standard logs): those support SSE-S3 only, so they are exempt from the CMK rule."""
    found = set()
    for lb in model.resources("aws_lb"):
        if as_list(lb.get("access_logs")):
            found |= _buckets(model, lb, "access_logs", 0, "bucket")
    for cf in model.resources("aws_cloudfront_distribution"):
        if as_list(cf.get("logging_config")):
            found |= _buckets(model, cf, "logging_config", 0, "bucket")
    for policy in model.resources("aws_s3_bucket_policy"):
        statements, _ = policy_statements(model, policy, "policy")
        principals = [p for st in statements for p in st["Principal"] if isinstance(p, str)]
        if any(LOG_DELIVERY.search(p) for p in principals):
            found |= _buckets(model, policy, "bucket")
    return found


def _data_store_encryption(model: Model) -> list[str]:
    """RDS, ElastiCache, SQS and ECR: encrypted with a customer-managed key (and TLS for the cache)."""
    out = []
    for db in model.resources("aws_db_instance"):
        out += _must_be_true(db, "storage_encrypted", "")
        problem = _kms_problem(model, db, "kms_key_id")
        if problem:
            out.append(f"{db.address}: a customer-managed kms_key_id required: {problem}")
    for rg in model.resources("aws_elasticache_replication_group"):
        out += _must_be_true(rg, "at_rest_encryption_enabled", "")
        problem = _kms_problem(model, rg, "kms_key_id")
        if problem:
            out.append(f"{rg.address}: at-rest encryption with the CMK required: {problem}")
        out += _must_be_true(rg, "transit_encryption_enabled", "")
    for q in model.resources("aws_sqs_queue"):
        problem = _kms_problem(model, q, "kms_master_key_id")
        if problem:
            out.append(f"{q.address}: kms_master_key_id (CMK) required: {problem}")
    for repo in model.resources("aws_ecr_repository"):
        if repo.get("encryption_configuration", 0, "encryption_type") != "KMS":
            out.append(f"{repo.address}: encryption_configuration with KMS required")
    return out


def _log_and_key_encryption(model: Model) -> list[str]:
    """Log groups and SNS topics use a KMS key; every customer-managed key rotates."""
    out = []
    for lg in model.resources("aws_cloudwatch_log_group"):
        problem = _kms_problem(model, lg, "kms_key_id")
        if problem:
            out.append(f"{lg.address}: kms_key_id required: {problem}")
    for topic in model.resources("aws_sns_topic"):
        value = topic.setting("kms_master_key_id")
        if value is UNKNOWN:
            problem = _kms_problem(model, topic, "kms_master_key_id")
            if problem:
                out.append(f"{topic.address}: kms_master_key_id: {problem}")
        elif not value:
            out.append(f"{topic.address}: kms_master_key_id required")
    for key in model.resources("aws_kms_key"):
        out += _must_be_true(key, "enable_key_rotation", "")
    return out


def _s3_encryption(model: Model) -> list[str]:
    """Every bucket has SSE; SSE-KMS with a CMK except log-delivery buckets (SSE-S3 only)."""
    out = []
    sse: dict[str, list[Instance]] = {}
    for cfg in model.resources("aws_s3_bucket_server_side_encryption_configuration"):
        for bucket in _buckets(model, cfg, "bucket"):
            sse.setdefault(bucket, []).append(cfg)
    log_buckets = _log_delivery_buckets(model)
    for bucket in model.resources("aws_s3_bucket"):
        configs = sse.get(bucket.config_address)
        if not configs:
            out.append(f"{bucket.address}: no aws_s3_bucket_server_side_encryption_configuration")
            continue
        algorithms, cmk = set(), False
        for cfg in configs:
            for r, rule in enumerate(as_list(cfg.get("rule"))):
                for d, _ in enumerate(as_list(rule.get("apply_server_side_encryption_by_default"))):
                    path = ("rule", r, "apply_server_side_encryption_by_default", d)
                    algorithm = cfg.get(*path, "sse_algorithm")
                    algorithms.add(algorithm)
                    if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
                        cmk = cmk or _kms_problem(model, cfg, *path, "kms_master_key_id") is None
        if bucket.config_address in log_buckets:
            if not algorithms & {"AES256", "aws:kms", "aws:kms:dsse"}:
                out.append(f"{bucket.address}: log bucket without SSE")
        elif not cmk:
            out.append(f"{bucket.address}: SSE-KMS with a customer-managed key required")
    return out


def check_encryption(model: Model) -> list[str]:
    return _data_store_encryption(model) + _log_and_key_encryption(model) + _s3_encryption(model)


# --------------------------------------------------------------------------- S3 public access

PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
PUBLIC_ACCESS_BLOCK_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def _public_bucket_settings(model: Model) -> list[str]:
    """Per bucket: a public access block with all four flags, no public ACL, no website."""
    out = []
    pabs: dict[str, list[Instance]] = {}
    for pab in model.resources("aws_s3_bucket_public_access_block"):
        for bucket in _buckets(model, pab, "bucket"):
            pabs.setdefault(bucket, []).append(pab)
    buckets = model.resources("aws_s3_bucket")
    if not buckets:
        out.append(f"{model.name}: no aws_s3_bucket to check")
    for bucket in buckets:
        blocks = pabs.get(bucket.config_address, [])
        if not blocks or not all(
            _truthy(p.get(f)) for p in blocks for f in PUBLIC_ACCESS_BLOCK_FLAGS
        ):
            out.append(f"{bucket.address}: needs a public access block with all four settings true")
        if bucket.get("acl") in PUBLIC_ACLS:
            out.append(f"{bucket.address}: public ACL")
        if bucket.configured("website"):
            out.append(
                f"{bucket.address}: S3 website hosting is public; serve through CloudFront + OAC"
            )
    return out


def check_no_public_s3(model: Model) -> list[str]:
    out = _public_bucket_settings(model)
    for acl in model.resources("aws_s3_bucket_acl"):
        if acl.get("acl") in PUBLIC_ACLS or acl.get("acl") is UNKNOWN:
            out.append(f"{acl.address}: public (or unknown) ACL")
    for web in model.resources("aws_s3_bucket_website_configuration"):
        out.append(f"{web.address}: S3 website hosting is public; serve through CloudFront + OAC")
    for policy in model.resources("aws_s3_bucket_policy"):
        statements, problem = policy_statements(model, policy, "policy")
        if problem:
            out.append(problem)
        for st in statements:
            anyone = any(
                p is UNKNOWN or (isinstance(p, str) and p.endswith(":*")) for p in st["Principal"]
            )
            if st["Effect"] != "Deny" and anyone and not st["Condition"]:
                out.append(
                    f"{policy.address}: allows any (or an unknown) principal without a condition"
                )
    return out


# --------------------------------------------------------------------------- security groups


@dataclass
class Source:
    rule: str  # address of the rule (or of the group, for inline rules)
    cidr: Any = None  # a CIDR string, UNKNOWN, or None
    cidr_targets: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)  # security groups (configuration addresses)
    prefix_list: bool = False  # any managed prefix list
    cloudfront: bool = False  # CloudFront's origin-facing prefix list
    unresolved: list[str] = field(default_factory=list)


SG = {"aws_security_group"}


def _cloudfront_prefix_lists(model: Model) -> tuple[set[str], set[str]]:
    """(configuration addresses, ids) of the CloudFront origin-facing prefix list data sources."""
    addresses, ids = set(), set()
    for pl in model.data("aws_ec2_managed_prefix_list"):
        if pl.get("name") == CLOUDFRONT_PREFIX_LIST:
            addresses.add(pl.config_address)
            if isinstance(pl.get("id"), str):
                ids.add(pl.get("id"))
    return addresses, ids


def _prefix_list_source(model: Model, rule: Instance, source: Source, path: tuple) -> None:
    value = rule.setting(*path)
    if value is None:
        return
    source.prefix_list = True
    addresses, ids = _cloudfront_prefix_lists(model)
    if isinstance(value, str):
        source.cloudfront = value in ids
    else:
        targets = model.targets(rule, *path)
        source.cloudfront = bool(targets) and targets <= addresses


def _group_source(model: Model, rule: Instance, source: Source, path: tuple) -> None:
    value = rule.setting(*path)
    if value is None or value == []:
        return
    groups = model.targets(rule, *path, types=SG)
    if not groups:
        source.unresolved.append(
            f"{rule.address}: source security group {list(path)} does not resolve"
        )
    source.groups |= groups


def _ingress_rules(model: Model) -> tuple[dict[str, list[Source]], list[str]]:
    """({security group address: [Source]}, problems)."""
    rules: dict[str, list[Source]] = {}
    problems: list[str] = []

    def targets_of(rule: Instance, attribute: str) -> set[str]:
        groups = model.targets(rule, attribute, types=SG)
        if not groups:
            problems.append(f"{rule.address}: {attribute} does not resolve to a security group")
        return groups

    for rule in model.resources("aws_vpc_security_group_ingress_rule"):
        for sg in targets_of(rule, "security_group_id"):
            rules.setdefault(sg, []).extend(_rule_sources(model, rule))
    for rule in model.resources("aws_security_group_rule"):
        if rule.get("type") != "ingress":
            continue
        for sg in targets_of(rule, "security_group_id"):
            rules.setdefault(sg, []).extend(_legacy_sources(model, rule, (), sg))
    for group in model.resources("aws_security_group"):
        if not group.configured("ingress"):
            continue  # not configured: computed, and no inline rule
        for i, _ in enumerate(as_list(group.get("ingress"))):
            rules.setdefault(group.config_address, []).extend(
                _legacy_sources(model, group, ("ingress", i), group.config_address)
            )
    for sources in rules.values():
        for source in sources:
            problems += source.unresolved
    return rules, problems


def _rule_sources(model: Model, rule: Instance) -> list[Source]:
    """Sources of an `aws_vpc_security_group_ingress_rule`."""
    out = []
    for cidr_attr in ("cidr_ipv4", "cidr_ipv6"):
        value = rule.setting(cidr_attr)
        if value is not None:
            source = Source(rule.address, cidr=value)
            if value is UNKNOWN:
                source.cidr_targets = model.targets(rule, cidr_attr)
            out.append(source)
    source = Source(rule.address)
    _group_source(model, rule, source, ("referenced_security_group_id",))
    _prefix_list_source(model, rule, source, ("prefix_list_id",))
    if source.groups or source.prefix_list or source.unresolved:
        out.append(source)
    return out


def _legacy_sources(model: Model, rule: Instance, base: tuple, sg: str) -> list[Source]:
    """Sources of an `aws_security_group_rule` or an inline `ingress` block (same fields)."""
    out = []
    for attr in ("cidr_blocks", "ipv6_cidr_blocks"):
        value = rule.setting(*base, attr)
        if value is UNKNOWN:
            out.append(
                Source(rule.address, cidr=UNKNOWN, cidr_targets=model.targets(rule, *base, attr))
            )
        for cidr in as_list(value) if value is not UNKNOWN else []:
            out.append(Source(rule.address, cidr=cidr))
    pl = Source(rule.address)
    value = rule.setting(*base, "prefix_list_ids")
    if value:
        pl.prefix_list = True
        addresses, ids = _cloudfront_prefix_lists(model)
        if value is UNKNOWN or UNKNOWN in value:
            targets = model.targets(rule, *base, "prefix_list_ids")
            pl.cloudfront = bool(targets) and targets <= addresses
        else:
            pl.cloudfront = set(value) <= ids
        out.append(pl)
    group = Source(rule.address)
    attr = "source_security_group_id" if not base else "security_groups"
    _group_source(model, rule, group, (*base, attr))
    if _truthy(rule.setting(*base, "self")):
        group.groups.add(sg)
    if group.groups or group.unresolved:
        out.append(group)
    return out


def _is_public_cidr(model: Model, source: Source) -> bool:
    """A CIDR reaching beyond the VPC. An unknown CIDR is public unless it is a VPC's or a
    subnet's own block (the only computed CIDRs that stay private)."""
    cidr = source.cidr
    if cidr is UNKNOWN:
        private = {"aws_vpc", "aws_subnet", "aws_vpc_ipv4_cidr_block_association"}
        return not source.cidr_targets or any(
            model.type_of(t) not in private for t in source.cidr_targets
        )
    if not isinstance(cidr, str):
        return False
    if cidr in PUBLIC_CIDRS:
        return True
    try:
        return not ipaddress.ip_network(cidr, strict=False).is_private
    except ValueError:
        return True  # not a CIDR at all: never assume it is private


def _group_sets(model: Model) -> tuple[dict[str, set[str]], list[str]]:
    sets = {
        "ALB": {
            sg
            for lb in model.resources("aws_lb")
            for sg in model.targets(lb, "security_groups", types=SG)
        },
        "ECS service": {
            sg
            for svc in model.resources("aws_ecs_service")
            for sg in model.targets(svc, "network_configuration", 0, "security_groups", types=SG)
        },
        "RDS Proxy": {
            sg
            for p in model.resources("aws_db_proxy")
            for sg in model.targets(p, "vpc_security_group_ids", types=SG)
        },
        "database": {
            sg
            for d in model.resources("aws_db_instance")
            for sg in model.targets(d, "vpc_security_group_ids", types=SG)
        },
        "cache": {
            sg
            for c in model.resources("aws_elasticache_replication_group")
            for sg in model.targets(c, "security_group_ids", types=SG)
        },
    }
    problems = [
        f"{model.name}: cannot find the {label} security group(s)"
        for label, s in sets.items()
        if not s
    ]
    # One-off ECS tasks (the migration) run with the network configuration a root output hands
    # to the deploy tool: an output that names a task definition and security groups.
    task_groups = set()
    for name in model.document["configuration"]["root_module"].get("outputs", {}):
        found = model.root_output_targets(name).targets
        if any(model.type_of(t) == "aws_ecs_task_definition" for t in found):
            task_groups |= {t for t in found if model.type_of(t) in SG}
    sets["ECS task"] = sets["ECS service"] | task_groups
    return sets, problems


def check_security_groups(model: Model) -> list[str]:
    """Only the ALB takes internet traffic; only ECS and RDS Proxy reach the DB; only ECS the cache."""
    rules, out = _ingress_rules(model)
    groups, problems = _group_sets(model)
    out += problems
    lb, ecs, proxy, db, cache = (
        groups[k] for k in ("ALB", "ECS task", "RDS Proxy", "database", "cache")
    )

    for sg, sources in rules.items():
        for src in sources:
            internet = (src.cidr is not None and _is_public_cidr(model, src)) or (
                src.prefix_list and src.cloudfront
            )
            if internet and sg not in lb:
                out.append(f"{src.rule}: internet ingress to {sg}; only the ALB may take it")

    def only_from(targets: set[str], allowed: set[str], what: str) -> None:
        for sg in sorted(targets):
            for src in rules.get(sg, []):
                if (src.groups - allowed) or src.cidr is not None or src.prefix_list:
                    out.append(f"{src.rule}: {sg} accepts traffic from something other than {what}")

    only_from(db - proxy - ecs, ecs | proxy, "ECS tasks and the RDS Proxy")
    only_from(proxy - ecs, ecs, "ECS tasks")
    only_from(cache - ecs, ecs, "ECS tasks")
    only_from(ecs - lb, lb | ecs, "the ALB")

    # A public ALB is reachable only from CloudFront (origin-facing prefix list), never 0.0.0.0/0.
    for balancer in model.resources("aws_lb"):
        internal = balancer.get("internal")
        if internal is UNKNOWN:
            out.append(f"{balancer.address}: internal is unknown at plan")
        if _truthy(internal):
            continue
        for sg in model.targets(balancer, "security_groups", types=SG):
            for src in rules.get(sg, []):
                if src.cidr is not None and _is_public_cidr(model, src):
                    out.append(
                        f"{src.rule}: the public ALB must accept only CloudFront's prefix list"
                    )
                if src.prefix_list and not src.cloudfront:
                    out.append(
                        f"{src.rule}: the public ALB admits a prefix list other than CloudFront's"
                    )
    for instance in model.resources("aws_db_instance"):
        if instance.get("publicly_accessible") is not False:
            out.append(f"{instance.address}: publicly_accessible must be false")
    return out


# --------------------------------------------------------------------------- subnets


def _public_subnets(model: Model) -> set[str]:
    """Configuration addresses of the subnets routed to an internet gateway (or giving public IPs)."""
    igws = {i.config_address for i in model.resources("aws_internet_gateway")}
    public_rts = set()
    for rt in model.resources("aws_route_table"):
        for i, _ in enumerate(as_list(rt.get("route"))):
            if model.targets(rt, "route", i, "gateway_id") & igws:
                public_rts.add(rt.config_address)
    for route in model.resources("aws_route"):
        if route.configured("gateway_id") and model.targets(route, "gateway_id") & igws:
            public_rts |= model.targets(route, "route_table_id")
    public = set()
    for assoc in model.resources("aws_route_table_association"):
        if model.targets(assoc, "route_table_id") & public_rts:
            public |= model.targets(assoc, "subnet_id", types={"aws_subnet"})
    for s in model.resources("aws_subnet"):
        if _truthy(s.get("map_public_ip_on_launch")):
            public.add(s.config_address)
    return public


def check_private_placement(model: Model) -> list[str]:
    out = []
    public = _public_subnets(model)
    if not public:
        out.append(
            f"{model.name}: no public subnet found (IGW route) - cannot tell private from public"
        )
    for svc in model.resources("aws_ecs_service"):
        configs = as_list(svc.get("network_configuration"))
        if not configs:
            out.append(
                f"{svc.address}: no network_configuration (awsvpc in private subnets required)"
            )
        for i, _ in enumerate(configs):
            if svc.get("network_configuration", i, "assign_public_ip") is not False:
                out.append(f"{svc.address}: assign_public_ip must be false")
            subnets = model.targets(
                svc, "network_configuration", i, "subnets", types={"aws_subnet"}
            )
            if not subnets:
                out.append(f"{svc.address}: subnets do not resolve to aws_subnet resources")
            for s in sorted(subnets & public):
                out.append(f"{svc.address}: runs in public subnet {s}")
    for group in model.resources("aws_db_subnet_group", "aws_elasticache_subnet_group"):
        subnets = model.targets(group, "subnet_ids", types={"aws_subnet"})
        if not subnets:
            out.append(f"{group.address}: subnet_ids do not resolve to aws_subnet resources")
        for s in sorted(subnets & public):
            out.append(f"{group.address}: data tier in public subnet {s}")
    return out


# --------------------------------------------------------------------------- endpoints


def endpoint_services(model: Model) -> set[str]:
    found = set()
    for ep in model.resources("aws_vpc_endpoint"):
        m = re.match(r"^com\.amazonaws\.[^.]+\.(.+)$", str(ep.get("service_name")))
        if m:
            found.add(m.group(1))
    return found


def check_vpc_endpoints(model: Model) -> list[str]:
    """All endpoints in stage and prod; dev may trade the interface endpoints for NAT traffic
    (docs/cost.md, ADR 0053) but keeps the free S3 gateway endpoint."""
    out = [
        f"{ep.address}: service_name is unknown at plan"
        for ep in model.resources("aws_vpc_endpoint")
        if ep.get("service_name") is UNKNOWN
    ]
    have = endpoint_services(model)
    wanted = ("s3",) if model.name == "dev" else ENDPOINT_SERVICES
    return out + [f"{model.name}: no VPC endpoint for {svc}" for svc in wanted if svc not in have]


# --------------------------------------------------------------------------- tags


def check_default_tags(model: Model) -> list[str]:
    """The root's aws provider sets default_tags (with Environment) and no module configures a
    provider. Where the plan knows tags_all, every taggable resource carries Environment."""
    out = []
    providers = model.document["configuration"].get("provider_config", {})
    aws = providers.get("aws")
    if aws is None:
        return [f"{model.name}: no aws provider block in the root"]
    for key, provider in providers.items():
        if provider.get("module_address"):
            out.append(
                f"{key}: modules must not configure providers (they would lose default_tags)"
            )
    tags = next(iter(as_list(aws.get("expressions", {}).get("default_tags"))), {}).get("tags")
    if not tags:
        return [
            *out,
            "provider.aws: default_tags with tags required (tags every taggable resource)",
        ]
    if "constant_value" in tags:
        if "Environment" not in (tags["constant_value"] or {}):
            out.append("provider.aws: default_tags must include Environment")
    elif "var.environment" not in tags.get("references", []):
        out.append("provider.aws: default_tags must include Environment = var.environment")
    environment = model.document.get("variables", {}).get("environment", {}).get("value")
    for instance in model.instances:
        tags_all = instance.get("tags_all") if instance.mode == "managed" else None
        if isinstance(tags_all, dict) and tags_all.get("Environment") != environment:
            out.append(f"{instance.address}: tags_all has no Environment = {environment!r}")
    return out


# --------------------------------------------------------------------------- IAM


def _star_on_star(st: dict) -> str | None:
    if st["Effect"] == "Deny":
        return None
    actions, resources = st["Action"], st["Resource"]
    if "*" in actions and "*" in resources:
        return "allows action * on resource *"
    if ("*" in actions and UNKNOWN in resources) or (UNKNOWN in actions and "*" in resources):
        return "a statement may allow * on * (unknown at plan)"
    if st["Effect"] is UNKNOWN and "*" in actions:
        return "a statement with action * has an unknown effect"
    return None


def check_iam(model: Model) -> list[str]:
    out = []
    for instance in model.resources(*IAM_USER_TYPES):
        out.append(f"{instance.address}: IAM users and access keys are not allowed (roles only)")
    for role in model.resources("aws_iam_role"):
        if role.configured("inline_policy") or role.configured("managed_policy_arns"):
            out.append(f"{role.address}: inline_policy/managed_policy_arns are deprecated in v6")
    checked: list[tuple[str, list[dict]]] = []
    for policy in model.resources("aws_iam_policy", "aws_iam_role_policy", "aws_iam_group_policy"):
        statements, problem = policy_statements(model, policy, "policy")
        if problem:
            out.append(problem)
        checked.append((policy.address, statements))
    for doc in model.data("aws_iam_policy_document"):
        checked.append((doc.address, _statements_of_document(model, doc, set())))
    for address, statements in checked:
        out += [f"{address}: {problem}" for st in statements if (problem := _star_on_star(st))]
    for att in model.resources("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        arn = att.get("policy_arn")
        if isinstance(arn, str) and arn.endswith(":policy/AdministratorAccess"):
            out.append(f"{att.address}: AdministratorAccess attached")
        elif arn is UNKNOWN:
            found = model.targets(att, "policy_arn")
            if not found or any(model.type_of(t) != "aws_iam_policy" for t in found):
                out.append(f"{att.address}: policy_arn unknown at plan and not one of ours")
    return out


# --------------------------------------------------------------------------- edge


def check_edge(model: Model) -> list[str]:
    out = []
    for cf in model.resources("aws_cloudfront_distribution"):
        for i, _ in enumerate(as_list(cf.get("viewer_certificate"))):
            v = cf.get("viewer_certificate", i, "minimum_protocol_version")
            if not (isinstance(v, str) and re.match(r"^TLSv1\.[23]_20(2[1-9]|[3-9]\d)$", v)):
                out.append(
                    f"{cf.address}: minimum_protocol_version must be TLSv1.2_2021 or newer (got {v!r})"
                )
        behaviours = as_list(cf.get("default_cache_behavior")) + as_list(
            cf.get("ordered_cache_behavior")
        )
        if not behaviours:
            out.append(f"{cf.address}: no cache behaviour to check")
        for beh in behaviours:
            if beh is UNKNOWN or beh.get("viewer_protocol_policy") not in {
                "redirect-to-https",
                "https-only",
            }:
                out.append(
                    f"{cf.address}: viewer_protocol_policy must be redirect-to-https or https-only"
                )
        acl = cf.setting("web_acl_id")
        if acl is UNKNOWN:
            found = model.targets(cf, "web_acl_id")
            if not found or any(model.type_of(t) != "aws_wafv2_web_acl" for t in found):
                out.append(f"{cf.address}: web_acl_id does not resolve to an aws_wafv2_web_acl")
        elif not acl:
            out.append(f"{cf.address}: web_acl_id (WAF) required")
    for proxy in model.resources("aws_db_proxy"):
        out += _must_be_true(proxy, "require_tls", "")
    return out


RULES: dict[str, Callable[[Model], list[str]]] = {
    "required_resources": check_required_resources,
    "environment_shape": check_environment_shape,
    "multi_az": check_multi_az,
    "encryption": check_encryption,
    "no_public_s3": check_no_public_s3,
    "security_groups": check_security_groups,
    "private_placement": check_private_placement,
    "vpc_endpoints": check_vpc_endpoints,
    "default_tags": check_default_tags,
    "iam": check_iam,
    "edge": check_edge,
}

"""The spec's rules, checked on an environment evaluated by tfparse (see tfeval.py).

Each ``check_*`` function takes an :class:`tfeval.Env` and returns a list of violations (strings).
A rule whose subject is missing reports that as a violation instead of passing vacuously.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable

from tfeval import Env, as_list, strings

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


def _truthy(value) -> bool:
    return value is True or value == "true"


def _is_kms_key(env: Env, value) -> bool:
    block = env.ref(value)
    if block is not None:
        return block.type == "aws_kms_key"
    return isinstance(value, str) and bool(re.match(r"^arn:aws[a-z-]*:kms:", value))


# --------------------------------------------------------------------------- existence


def check_required_resources(env: Env) -> list[str]:
    required = set(REQUIRED_EVERYWHERE)
    if env.name == "prod":
        required |= REQUIRED_IN_PROD
    return [f"{env.name}: no {t} (required by the spec)" for t in sorted(required - env.types())]


def check_environment_shape(env: Env) -> list[str]:
    """dev is cheap (one NAT gateway), prod is the spec in full (one NAT per AZ, >= 3 AZs)."""
    out = []
    nats = env.resources("aws_nat_gateway")
    azs = {
        s.get("availability_zone")
        for s in env.resources("aws_subnet")
        if s.get("availability_zone")
    }
    if env.name == "prod":
        if len(azs) < 3:
            out.append(f"prod: subnets span {len(azs)} AZs, the spec wants at least 3")
        if len(nats) < len(azs):
            out.append(f"prod: {len(nats)} NAT gateways for {len(azs)} AZs (one per AZ wanted)")
    if env.name == "dev" and len(nats) > 1:
        out.append(f"dev: {len(nats)} NAT gateways, dev should share one")
    return out


# --------------------------------------------------------------------------- HA


def check_multi_az(env: Env) -> list[str]:
    out = []
    dbs = env.resources("aws_db_instance")
    caches = env.resources("aws_elasticache_replication_group")
    if not dbs:
        out.append(f"{env.name}: no aws_db_instance to check")
    if not caches:
        out.append(f"{env.name}: no aws_elasticache_replication_group to check")
    if env.name != "prod":
        return out
    for db in dbs:
        if not _truthy(db.get("multi_az")):
            out.append(f"{db.path}: multi_az must be true in prod")
        if not _truthy(db.get("deletion_protection")):
            out.append(f"{db.path}: deletion_protection must be true in prod")
    for rg in caches:
        if not (
            _truthy(rg.get("multi_az_enabled")) and _truthy(rg.get("automatic_failover_enabled"))
        ):
            out.append(
                f"{rg.path}: multi_az_enabled and automatic_failover_enabled must be true in prod"
            )
        replicas = rg.get("num_cache_clusters") or (rg.get("replicas_per_node_group") or 0) + 1
        if isinstance(replicas, int) and replicas < 2:
            out.append(f"{rg.path}: prod needs at least 2 cache nodes")
    for lb in env.resources("aws_lb"):
        if not _truthy(lb.get("enable_deletion_protection")):
            out.append(f"{lb.path}: enable_deletion_protection must be true in prod")
    return out


# --------------------------------------------------------------------------- encryption


def _log_delivery_buckets(env: Env) -> set[str]:
    """Buckets that AWS log delivery writes to (ALB access logs, S3 server access logs, CloudFront
    standard logs): those support SSE-S3 only, so they are exempt from the CMK rule."""
    ids = set()
    for lb in env.resources("aws_lb"):
        for al in lb.nested("access_logs"):
            ids.update(b.id for b in env.refs(al.get("bucket")))
    for cf in env.resources("aws_cloudfront_distribution"):
        for lc in cf.nested("logging_config"):
            ids.update(b.id for b in env.refs(lc.get("bucket")))
    # A bucket whose policy grants a log delivery service (ALB, vended logs, S3 server access logs).
    delivery = re.compile(
        r"logdelivery\.elasticloadbalancing\.amazonaws\.com|delivery\.logs\.amazonaws\.com"
        r"|logging\.s3\.amazonaws\.com"
    )
    for pol in env.resources("aws_s3_bucket_policy"):
        target = env.ref(pol.get("policy"), pol)
        text = " ".join(strings(target.attrs if target else pol.get("policy")))
        if delivery.search(text):
            ids.update(b.id for b in env.refs(pol.get("bucket"), pol))
    return ids


def _data_store_encryption(env: Env) -> list[str]:
    """RDS, ElastiCache, SQS and ECR: encrypted with a customer-managed key (and TLS for the cache)."""
    out = []
    for db in env.resources("aws_db_instance"):
        if not _truthy(db.get("storage_encrypted")) or not _is_kms_key(env, db.get("kms_key_id")):
            out.append(f"{db.path}: storage_encrypted with a customer-managed kms_key_id required")
    for rg in env.resources("aws_elasticache_replication_group"):
        if not _truthy(rg.get("at_rest_encryption_enabled")) or not _is_kms_key(
            env, rg.get("kms_key_id")
        ):
            out.append(f"{rg.path}: at-rest encryption with the CMK required")
        if not _truthy(rg.get("transit_encryption_enabled")):
            out.append(f"{rg.path}: transit_encryption_enabled required")
    for q in env.resources("aws_sqs_queue"):
        if not _is_kms_key(env, q.get("kms_master_key_id")):
            out.append(f"{q.path}: kms_master_key_id (CMK) required")
    for repo in env.resources("aws_ecr_repository"):
        enc = repo.nested("encryption_configuration")
        if not enc or enc[0].get("encryption_type") != "KMS":
            out.append(f"{repo.path}: encryption_configuration with KMS required")
    return out


def _log_and_key_encryption(env: Env) -> list[str]:
    """Log groups and SNS topics use a KMS key; every customer-managed key rotates."""
    out = []
    for lg in env.resources("aws_cloudwatch_log_group"):
        if not _is_kms_key(env, lg.get("kms_key_id")):
            out.append(f"{lg.path}: kms_key_id required")
    for topic in env.resources("aws_sns_topic"):
        if not topic.get("kms_master_key_id"):
            out.append(f"{topic.path}: kms_master_key_id required")
    for key in env.resources("aws_kms_key"):
        if not _truthy(key.get("enable_key_rotation")):
            out.append(f"{key.path}: enable_key_rotation required")
    return out


def _s3_encryption(env: Env) -> list[str]:
    """Every bucket has SSE; SSE-KMS with a CMK except log-delivery buckets (SSE-S3 only)."""
    out = []
    sse = {}
    for cfg in env.resources("aws_s3_bucket_server_side_encryption_configuration"):
        for b in env.refs(cfg.get("bucket")):
            sse[b.id] = cfg
    log_buckets = _log_delivery_buckets(env)
    for bucket in env.resources("aws_s3_bucket"):
        cfg = sse.get(bucket.id)
        if cfg is None:
            out.append(f"{bucket.path}: no aws_s3_bucket_server_side_encryption_configuration")
            continue
        defaults = [
            d
            for r in cfg.nested("rule")
            for d in as_list(r.get("apply_server_side_encryption_by_default"))
        ]
        algos = {d.get("sse_algorithm") for d in defaults}
        if bucket.id in log_buckets:
            if not algos & {"AES256", "aws:kms", "aws:kms:dsse"}:
                out.append(f"{bucket.path}: log bucket without SSE")
        elif not any(
            d.get("sse_algorithm", "").startswith("aws:kms")
            and _is_kms_key(env, d.get("kms_master_key_id"))
            for d in defaults
        ):
            out.append(f"{bucket.path}: SSE-KMS with a customer-managed key required")
    return out


def check_encryption(env: Env) -> list[str]:
    return _data_store_encryption(env) + _log_and_key_encryption(env) + _s3_encryption(env)


# --------------------------------------------------------------------------- S3 public access


def _policy_statements(env: Env, value) -> list[dict]:
    """Statements of a policy given as a reference to aws_iam_policy_document or as JSON."""
    block = env.ref(value)
    if block is not None and block.type == "aws_iam_policy_document":
        stmts = []
        for st in block.nested("statement"):
            principals = [
                f"{p.get('type')}:{i}"
                for p in as_list(st.get("principals"))
                if isinstance(p, dict)
                for i in as_list(p.get("identifiers"))
            ]
            stmts.append(
                {
                    "Effect": st.get("effect", "Allow"),
                    "Action": as_list(st.get("actions")),
                    "Resource": as_list(st.get("resources")),
                    "Principal": principals,
                    "Condition": as_list(st.get("condition")),
                }
            )
        return stmts
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            doc = json.loads(value)
        except ValueError:
            return []
        stmts = []
        for st in as_list(doc.get("Statement")):
            principal = st.get("Principal")
            if principal == "*":
                principals = ["*:*"]
            elif isinstance(principal, dict):
                principals = [f"{k}:{i}" for k, v in principal.items() for i in as_list(v)]
            else:
                principals = []
            stmts.append(
                {
                    "Effect": st.get("Effect", "Allow"),
                    "Action": as_list(st.get("Action")),
                    "Resource": as_list(st.get("Resource")),
                    "Principal": principals,
                    "Condition": st.get("Condition") or [],
                }
            )
        return stmts
    return []


PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
PUBLIC_ACCESS_BLOCK_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def _public_bucket_settings(env: Env) -> list[str]:
    """Per bucket: a public access block with all four flags, no public ACL, no website."""
    out = []
    pabs = {}
    for pab in env.resources("aws_s3_bucket_public_access_block"):
        for b in env.refs(pab.get("bucket")):
            pabs[b.id] = pab
    buckets = env.resources("aws_s3_bucket")
    if not buckets:
        out.append(f"{env.name}: no aws_s3_bucket to check")
    for bucket in buckets:
        pab = pabs.get(bucket.id)
        if pab is None or not all(_truthy(pab.get(f)) for f in PUBLIC_ACCESS_BLOCK_FLAGS):
            out.append(f"{bucket.path}: needs a public access block with all four settings true")
        if bucket.get("acl") in PUBLIC_ACLS:
            out.append(f"{bucket.path}: public ACL")
        if bucket.nested("website"):
            out.append(
                f"{bucket.path}: S3 website hosting is public; serve through CloudFront + OAC"
            )
    return out


def check_no_public_s3(env: Env) -> list[str]:
    out = _public_bucket_settings(env)
    for acl in env.resources("aws_s3_bucket_acl"):
        if acl.get("acl") in PUBLIC_ACLS:
            out.append(f"{acl.path}: public ACL")
    for web in env.resources("aws_s3_bucket_website_configuration"):
        out.append(f"{web.path}: S3 website hosting is public; serve through CloudFront + OAC")
    for pol in env.resources("aws_s3_bucket_policy"):
        for st in _policy_statements(env, pol.get("policy")):
            if (
                st["Effect"] == "Allow"
                and any(p.endswith(":*") for p in st["Principal"])
                and not st["Condition"]
            ):
                out.append(f"{pol.path}: allows any principal without a condition")
    return out


# --------------------------------------------------------------------------- security groups


def _ingress_rules(env: Env) -> dict[str, list[dict]]:
    """{security group id: [{'cidr': ..., 'sg': ..., 'prefix_list': ..., 'from'/'to'}]}"""
    rules: dict[str, list[dict]] = {}

    def add(sg_id, **src):
        rules.setdefault(sg_id, []).append(src)

    for r in env.resources("aws_vpc_security_group_ingress_rule"):
        add(
            r.get("security_group_id"),
            cidr=r.get("cidr_ipv4") or r.get("cidr_ipv6"),
            sg=r.get("referenced_security_group_id"),
            prefix_list=r.get("prefix_list_id"),
            path=r.path,
        )
    for r in env.resources("aws_security_group_rule"):
        if r.get("type") == "ingress":
            _add_legacy_sources(
                add,
                r.get("security_group_id"),
                r.path,
                r,
                sg_sources=as_list(r.get("source_security_group_id")),
            )
    for sg in env.resources("aws_security_group"):
        for ing in sg.nested("ingress"):
            _add_legacy_sources(
                add, sg.id, sg.path, ing, sg_sources=as_list(ing.get("security_groups"))
            )
    return rules


def _add_legacy_sources(add, sg_id, path, rule, sg_sources) -> None:
    """Sources of an `aws_security_group_rule` or an inline `ingress` block (same fields)."""
    for c in as_list(rule.get("cidr_blocks")) + as_list(rule.get("ipv6_cidr_blocks")):
        add(sg_id, cidr=c, path=path)
    for pl in as_list(rule.get("prefix_list_ids")):
        add(sg_id, prefix_list=pl, path=path)
    for other in sg_sources:
        if other:
            add(sg_id, sg=other, path=path)
    if _truthy(rule.get("self")):
        add(sg_id, sg=sg_id, path=path)


def _is_public_cidr(cidr) -> bool:
    if not isinstance(cidr, str):
        return False
    if cidr in PUBLIC_CIDRS:
        return True
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False  # unresolved expression (e.g. the VPC's CIDR): not literally public
    return not net.is_private


def _cloudfront_prefix_lists(env: Env) -> set[str]:
    ids = set()
    for pl in env.data("aws_ec2_managed_prefix_list"):
        if pl.get("name") == CLOUDFRONT_PREFIX_LIST or any(
            CLOUDFRONT_PREFIX_LIST in s for s in strings(pl.attrs)
        ):
            ids.add(pl.id)
    return ids


def _sg_ids(env: Env, values) -> set[str]:
    return {b.id for b in env.refs(values) if b.type == "aws_security_group"}


def check_security_groups(env: Env) -> list[str]:
    """Only the ALB takes internet traffic; only ECS and RDS Proxy reach the DB; only ECS the cache."""
    out = []
    rules = _ingress_rules(env)
    cf_lists = _cloudfront_prefix_lists(env)

    lb_sgs = {s for lb in env.resources("aws_lb") for s in _sg_ids(env, lb.get("security_groups"))}
    ecs_sgs = {
        s
        for svc in env.resources("aws_ecs_service")
        for nc in svc.nested("network_configuration")
        for s in _sg_ids(env, nc.get("security_groups"))
    }
    proxy_sgs = {
        s
        for p in env.resources("aws_db_proxy")
        for s in _sg_ids(env, p.get("vpc_security_group_ids"))
    }
    db_sgs = {
        s
        for d in env.resources("aws_db_instance")
        for s in _sg_ids(env, d.get("vpc_security_group_ids"))
    }
    cache_sgs = {
        s
        for c in env.resources("aws_elasticache_replication_group")
        for s in _sg_ids(env, c.get("security_group_ids"))
    }
    for label, group in (
        ("ALB", lb_sgs),
        ("ECS service", ecs_sgs),
        ("RDS Proxy", proxy_sgs),
        ("database", db_sgs),
        ("cache", cache_sgs),
    ):
        if not group:
            out.append(f"{env.name}: cannot find the {label} security group(s)")

    def name(sg_id):
        b = env.ref(sg_id)
        return b.path if b else str(sg_id)

    for sg_id, sources in rules.items():
        for src in sources:
            internet = _is_public_cidr(src.get("cidr")) or src.get("prefix_list") in cf_lists
            if internet and sg_id not in lb_sgs:
                out.append(
                    f"{src['path']}: internet ingress to {name(sg_id)}; only the ALB may take it"
                )

    def only_from(targets, allowed, what):
        for sg_id in targets:
            for src in rules.get(sg_id, []):
                if src.get("sg") not in allowed or src.get("cidr") or src.get("prefix_list"):
                    out.append(
                        f"{src['path']}: {name(sg_id)} accepts traffic from something other than {what}"
                    )

    only_from(db_sgs - proxy_sgs - ecs_sgs, ecs_sgs | proxy_sgs, "ECS tasks and the RDS Proxy")
    only_from(proxy_sgs - ecs_sgs, ecs_sgs, "ECS tasks")
    only_from(cache_sgs - ecs_sgs, ecs_sgs, "ECS tasks")
    only_from(ecs_sgs - lb_sgs, lb_sgs | ecs_sgs, "the ALB")

    # A public ALB is reachable only from CloudFront (origin-facing prefix list), never 0.0.0.0/0.
    for lb in env.resources("aws_lb"):
        if _truthy(lb.get("internal")):
            continue
        for sg_id in _sg_ids(env, lb.get("security_groups")):
            for src in rules.get(sg_id, []):
                if src.get("cidr") is not None and _is_public_cidr(src.get("cidr")):
                    out.append(
                        f"{src['path']}: the public ALB must accept only CloudFront's prefix list"
                    )
    for db in env.resources("aws_db_instance"):
        if _truthy(db.get("publicly_accessible")):
            out.append(f"{db.path}: publicly_accessible must be false")
    return out


# --------------------------------------------------------------------------- subnets


def _public_subnets(env: Env) -> set[str]:
    igws = {b.id for b in env.resources("aws_internet_gateway")}
    public_rts = set()
    for rt in env.resources("aws_route_table"):
        if any(r.get("gateway_id") in igws for r in rt.nested("route")):
            public_rts.add(rt.id)
    for r in env.resources("aws_route"):
        if r.get("gateway_id") in igws:
            public_rts.update(b.id for b in env.refs(r.get("route_table_id")))
    public = set()
    for assoc in env.resources("aws_route_table_association"):
        if env.ref(assoc.get("route_table_id")) and assoc.get("route_table_id") in public_rts:
            public.update(b.id for b in env.refs(assoc.get("subnet_id")))
    for s in env.resources("aws_subnet"):
        if _truthy(s.get("map_public_ip_on_launch")):
            public.add(s.id)
    return public


def check_private_placement(env: Env) -> list[str]:
    out = []
    public = _public_subnets(env)
    if not public:
        out.append(
            f"{env.name}: no public subnet found (IGW route) - cannot tell private from public"
        )
    services = env.resources("aws_ecs_service")
    for svc in services:
        ncs = svc.nested("network_configuration")
        if not ncs:
            out.append(f"{svc.path}: no network_configuration (awsvpc in private subnets required)")
        for nc in ncs:
            if _truthy(nc.get("assign_public_ip")):
                out.append(f"{svc.path}: assign_public_ip must be false")
            subnets = env.refs(nc.get("subnets"))
            if not subnets:
                out.append(f"{svc.path}: subnets do not resolve to aws_subnet resources")
            for s in subnets:
                if s.id in public:
                    out.append(f"{svc.path}: runs in public subnet {s.path}")
    for grp in env.resources("aws_db_subnet_group", "aws_elasticache_subnet_group"):
        for s in env.refs(grp.get("subnet_ids")):
            if s.id in public:
                out.append(f"{grp.path}: data tier in public subnet {s.path}")
    return out


# --------------------------------------------------------------------------- endpoints


def _instance_key(path: str) -> str | None:
    m = re.search(r'\[("?)([^\]"]*)\1\]$', path)
    return m.group(2) if m else None


def endpoint_services(env: Env) -> set[str]:
    found = set()
    for ep in env.resources("aws_vpc_endpoint"):
        name = ep.get("service_name")
        if not isinstance(name, str):
            continue
        key = _instance_key(ep.path)
        fe = ep.get("for_each")
        value = fe.get(key) if isinstance(fe, dict) and key in fe else key
        if key is not None:
            name = name.replace("${each.key}", key)
            if isinstance(value, str):
                name = name.replace("${each.value}", value)
        name = re.sub(r"\$\{[^}]*\}", "REGION", name)
        m = re.match(r"^com\.amazonaws\.[^.]+\.(.+)$", name)
        if m:
            found.add(m.group(1))
    return found


def check_vpc_endpoints(env: Env) -> list[str]:
    """All endpoints in stage and prod; dev may trade the interface endpoints for NAT traffic
    (docs/cost.md, ADR 0053) but keeps the free S3 gateway endpoint."""
    have = endpoint_services(env)
    wanted = ("s3",) if env.name == "dev" else ENDPOINT_SERVICES
    return [f"{env.name}: no VPC endpoint for {svc}" for svc in wanted if svc not in have]


# --------------------------------------------------------------------------- tags


def check_default_tags(env: Env) -> list[str]:
    out = []
    providers = [p for p in env.of_kind("provider") if p.path.startswith("provider.aws")]
    if not providers:
        out.append(f"{env.name}: no aws provider block in the root")
    for p in providers:
        tags = {}
        for dt in p.nested("default_tags"):
            tags.update(dt.get("tags") or {})
        if not tags:
            out.append(f"{p.path}: default_tags with tags required (tags every taggable resource)")
        elif "Environment" not in tags:
            out.append(f"{p.path}: default_tags must include Environment")
    for p in env.of_kind("provider"):
        if p.path.startswith("module."):
            out.append(
                f"{p.path}: modules must not configure providers (they would lose default_tags)"
            )
    return out


# --------------------------------------------------------------------------- IAM


def check_iam(env: Env) -> list[str]:
    out = []
    for b in env.blocks:
        if b.kind == "resource" and b.type in IAM_USER_TYPES:
            out.append(f"{b.path}: IAM users and access keys are not allowed (roles only)")
    for role in env.resources("aws_iam_role"):
        if role.get("inline_policy") or role.get("managed_policy_arns"):
            out.append(f"{role.path}: inline_policy/managed_policy_arns are deprecated in v6")
    policies = [
        (b.path, b.get("policy"))
        for b in env.resources("aws_iam_policy", "aws_iam_role_policy", "aws_iam_group_policy")
    ]
    policies += [(d.path, d.id) for d in env.data("aws_iam_policy_document")]
    for path, value in policies:
        for st in _policy_statements(env, value):
            if st["Effect"] == "Allow" and "*" in st["Action"] and "*" in st["Resource"]:
                out.append(f"{path}: allows action * on resource *")
    for att in env.resources("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        if str(att.get("policy_arn", "")).endswith(":policy/AdministratorAccess"):
            out.append(f"{att.path}: AdministratorAccess attached")
    return out


# --------------------------------------------------------------------------- edge


def check_edge(env: Env) -> list[str]:
    out = []
    for cf in env.resources("aws_cloudfront_distribution"):
        for vc in cf.nested("viewer_certificate"):
            v = vc.get("minimum_protocol_version")
            if not (isinstance(v, str) and re.match(r"^TLSv1\.[23]_20(2[1-9]|[3-9]\d)$", v)):
                out.append(
                    f"{cf.path}: minimum_protocol_version must be TLSv1.2_2021 or newer (got {v!r})"
                )
        behaviours = cf.nested("default_cache_behavior") + cf.nested("ordered_cache_behavior")
        for beh in behaviours:
            if beh.get("viewer_protocol_policy") not in {"redirect-to-https", "https-only"}:
                out.append(
                    f"{cf.path}: viewer_protocol_policy must be redirect-to-https or https-only"
                )
        if not cf.get("web_acl_id"):
            out.append(f"{cf.path}: web_acl_id (WAF) required")
    for proxy in env.resources("aws_db_proxy"):
        if not _truthy(proxy.get("require_tls")):
            out.append(f"{proxy.path}: require_tls must be true")
    return out


RULES: dict[str, Callable[[Env], list[str]]] = {
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

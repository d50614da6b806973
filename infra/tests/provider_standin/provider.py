"""The tfplugin6 Provider service of the stand-in.

Terraform core does the checking that matters here, against the schema this serves: argument
names, required arguments, block structure, types, references, unknown values in count and
for_each, write-only and ephemeral rules. The provider plans as the real one does for an empty
account (computed values unknown until apply), answers data sources with known values of the
right shape, and "applies" by making every unknown known.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import secrets
import string
import sys
import sysconfig
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import cty
import grpc
from answers import Answers

HERE = Path(__file__).resolve().parent
SCHEMAS = Path(os.environ.get("STANDIN_SCHEMA_DIR", HERE / "schemas"))
CACHE = Path(os.environ.get("STANDIN_CACHE_DIR", HERE.parents[2] / ".tools" / "standin-cache"))


def _load_tfplugin6() -> ModuleType:
    """pyvider's generated tfplugin6 module, loaded by path: importing the package would
    import pyvider's framework, whose dependencies are not installed."""
    path = Path(
        sysconfig.get_paths()["purelib"], "pyvider/protocols/tfprotov6/protobuf/tfplugin6_pb2.py"
    )
    spec = importlib.util.spec_from_file_location("tfplugin6_pb2", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfplugin6_pb2"] = module
    spec.loader.exec_module(module)
    return module


pb = _load_tfplugin6()

NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
    "group": pb.Schema.NestedBlock.GROUP,
}
OBJECT_NESTING = {
    "single": pb.Schema.Object.SINGLE,
    "list": pb.Schema.Object.LIST,
    "set": pb.Schema.Object.SET,
    "map": pb.Schema.Object.MAP,
}


def _attribute(name: str, attr: dict[str, Any]) -> Any:
    message = pb.Schema.Attribute(
        name=name,
        description=attr.get("description", ""),
        required=attr.get("required", False),
        optional=attr.get("optional", False),
        computed=attr.get("computed", False),
        sensitive=attr.get("sensitive", False),
        write_only=attr.get("write_only", False),
        deprecated=attr.get("deprecated", False),
    )
    if "nested_type" in attr:
        nested = attr["nested_type"]
        message.nested_type.CopyFrom(
            pb.Schema.Object(
                attributes=[_attribute(n, a) for n, a in sorted(nested["attributes"].items())],
                nesting=OBJECT_NESTING[nested.get("nesting_mode", "single")],
            )
        )
    else:
        message.type = json.dumps(attr["type"]).encode()
    return message


def _block(block: dict[str, Any]) -> Any:
    return pb.Schema.Block(
        attributes=[_attribute(n, a) for n, a in sorted(block.get("attributes", {}).items())],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=name,
                block=_block(nested["block"]),
                nesting=NESTING[nested["nesting_mode"]],
                min_items=nested.get("min_items", 0),
                max_items=nested.get("max_items", 0),
            )
            for name, nested in sorted(block.get("block_types", {}).items())
        ],
        description=block.get("description", ""),
        deprecated=block.get("deprecated", False),
    )


def _schema(entry: dict[str, Any]) -> Any:
    return pb.Schema(version=entry.get("version", 0), block=_block(entry.get("block", {})))


class ProviderSchema:
    """One provider's schema from `schemas/<name>.json.gz` (the format of
    `terraform providers schema -json`), and its GetProviderSchema answer, cached on disk."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = SCHEMAS / f"{name}.json.gz"
        self._parsed: dict[str, Any] | None = None
        self._served_blocks: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    @property
    def parsed(self) -> dict[str, Any]:
        with self._lock:
            if self._parsed is None:
                document = json.loads(gzip.decompress(self.path.read_bytes()))
                schemas = document["provider_schemas"]
                self._parsed = next(iter(schemas.values()))
            return self._parsed

    def response_bytes(self) -> bytes:
        raw = self.path.read_bytes()
        only = self.only_types()
        key = raw + Path(__file__).read_bytes() + ",".join(sorted(only or ())).encode()
        digest = hashlib.sha256(key).hexdigest()[:16]
        cached = CACHE / f"{self.name}-{digest}.pb"
        if cached.exists():
            return cached.read_bytes()
        schema = self.parsed
        response = pb.GetProviderSchema.Response(
            provider=_schema(schema.get("provider", {})),
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
        )
        for field, key in (
            (response.resource_schemas, "resource_schemas"),
            (response.data_source_schemas, "data_source_schemas"),
            (response.ephemeral_resource_schemas, "ephemeral_resource_schemas"),
        ):
            for type_name, entry in schema.get(key, {}).items():
                if only is None or type_name in only:
                    field[type_name].CopyFrom(_schema(_served_entry(type_name, entry)))
        data = response.SerializeToString()
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{secrets.token_hex(4)}.tmp")
        partial.write_bytes(data)
        partial.replace(cached)
        return data

    @staticmethod
    def only_types() -> set[str] | None:
        """STANDIN_TYPES_FILE names the types a configuration uses (one a line). Serving only
        those keeps Terraform fast: it decodes the whole schema on every command, and three
        WAFv2 types alone weigh 40 MB. A type the configuration uses that the provider does
        not have is still missing, so nothing Terraform would reject passes."""
        listing = os.environ.get("STANDIN_TYPES_FILE")
        if not listing:
            return None
        return {line.strip() for line in Path(listing).read_text().splitlines() if line.strip()}

    def block(self, kind: str, type_name: str) -> dict[str, Any]:
        """The block as served (plans must match the schema Terraform was given)."""
        with self._lock:
            cached = self._served_blocks.get((kind, type_name))
        if cached is None:
            entry = _served_entry(type_name, self.parsed[kind][type_name])
            cached = entry.get("block", {})
            with self._lock:
                self._served_blocks[(kind, type_name)] = cached
        return cached


# WAFv2 statements nest (and/or/not, scope-down) three levels deep in the provider, which makes
# a web ACL's schema 14 MB and costs Terraform about a minute per command on it. We serve two
# levels, and rate-based and managed rule group statements only at the top, where AWS admits
# them. What is removed is optional, so a configuration Terraform accepts here it also accepts
# against the full schema; one that nests deeper fails here, loudly (see README "Schema").
_WAF_NESTING = frozenset({"and_statement", "or_statement", "not_statement", "scope_down_statement"})
_WAF_TOP_LEVEL_ONLY = frozenset({"managed_rule_group_statement", "rate_based_statement"})
_WAF_MAX_NESTING = 2


def _served_entry(type_name: str, entry: dict[str, Any]) -> dict[str, Any]:
    if not type_name.startswith("aws_wafv2_") or "block" not in entry:
        return entry
    return {**entry, "block": _prune_waf_statements(entry["block"], depth=0)}


def _prune_waf_statements(block: dict[str, Any], depth: int) -> dict[str, Any]:
    nested = block.get("block_types")
    if not nested:
        return block
    kept = {}
    for name, child in nested.items():
        child_depth = depth + (1 if name in _WAF_NESTING else 0)
        if child_depth > _WAF_MAX_NESTING or (depth > 0 and name in _WAF_TOP_LEVEL_ONLY):
            continue
        kept[name] = {**child, "block": _prune_waf_statements(child["block"], child_depth)}
    return {**block, "block_types": kept}


def _dynamic(value: Any) -> Any:
    return pb.DynamicValue(msgpack=cty.encode(value))


def _value(dynamic: Any) -> Any:
    if dynamic.msgpack:
        return cty.decode(dynamic.msgpack)
    if dynamic.json:
        return json.loads(dynamic.json)
    return None


def _error(summary: str, detail: str = "") -> Any:
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


class Provider:
    def __init__(self, name: str) -> None:
        self.schema = ProviderSchema(name)
        self.answers = Answers(region="us-east-1")

    # Schema and configuration -------------------------------------------------------------

    def GetProviderSchema(self, request: Any) -> bytes:
        return self.schema.response_bytes()

    def GetMetadata(self, request: Any) -> Any:
        schema = self.schema.parsed
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=t)
                for t in schema.get("resource_schemas", {})
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=t)
                for t in schema.get("data_source_schemas", {})
            ],
            ephemeral_resources=[
                pb.GetMetadata.EphemeralMetadata(type_name=t)
                for t in schema.get("ephemeral_resource_schemas", {})
            ],
        )

    def GetResourceIdentitySchemas(self, request: Any) -> Any:
        return pb.GetResourceIdentitySchemas.Response()

    def ValidateProviderConfig(self, request: Any) -> Any:
        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request: Any) -> Any:
        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request: Any) -> Any:
        return pb.ValidateDataResourceConfig.Response()

    def ValidateEphemeralResourceConfig(self, request: Any) -> Any:
        return pb.ValidateEphemeralResourceConfig.Response()

    def ConfigureProvider(self, request: Any) -> Any:
        config = _value(request.config) or {}
        region = config.get("region")
        if isinstance(region, str) and region:
            self.answers = Answers(region=region)
        return pb.ConfigureProvider.Response()

    def GetFunctions(self, request: Any) -> Any:
        return pb.GetFunctions.Response()

    # Resources ---------------------------------------------------------------------------

    def UpgradeResourceState(self, request: Any) -> Any:
        state = cty.decode_json_state(request.raw_state.json)
        return pb.UpgradeResourceState.Response(upgraded_state=_dynamic(state))

    def ReadResource(self, request: Any) -> Any:
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request: Any) -> Any:
        proposed = _value(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        prior = _value(request.prior_state)
        block = self.schema.block("resource_schemas", request.type_name)
        planned = cty.plan_block(block, proposed, creating=prior is None)
        return pb.PlanResourceChange.Response(
            planned_state=_dynamic(planned), planned_private=request.prior_private
        )

    def ApplyResourceChange(self, request: Any) -> Any:
        planned = _value(request.planned_state)
        if planned is None:
            return pb.ApplyResourceChange.Response(new_state=request.planned_state)
        block = self.schema.block("resource_schemas", request.type_name)
        state = cty.fill_block(block, planned, (), self.answers.filler(request.type_name))
        return pb.ApplyResourceChange.Response(
            new_state=_dynamic(state), private=request.planned_private
        )

    def ImportResourceState(self, request: Any) -> Any:
        return pb.ImportResourceState.Response(
            diagnostics=[_error("The offline stand-in provider cannot import resources")]
        )

    def MoveResourceState(self, request: Any) -> Any:
        return pb.MoveResourceState.Response(
            diagnostics=[_error("The offline stand-in provider cannot move resource state")]
        )

    # Data sources and ephemeral resources ---------------------------------------------------

    def ReadDataSource(self, request: Any) -> Any:
        config = _value(request.config) or {}
        block = self.schema.block("data_source_schemas", request.type_name)
        known = self.answers.data_source(request.type_name, config)
        merged = {**config, **{k: v for k, v in known.items() if k in block.get("attributes", {})}}
        state = cty.fill_block(block, merged, (), self.answers.filler(request.type_name))
        return pb.ReadDataSource.Response(state=_dynamic(state))

    def OpenEphemeralResource(self, request: Any) -> Any:
        config = _value(request.config) or {}
        block = self.schema.block("ephemeral_resource_schemas", request.type_name)
        result = dict(config)
        if request.type_name in ("random_password", "random_string"):
            length = int(config.get("length") or 16)
            alphabet = string.ascii_letters + string.digits
            result["result"] = "".join(secrets.choice(alphabet) for _ in range(length))
        state = cty.fill_block(block, result, (), self.answers.filler(request.type_name))
        return pb.OpenEphemeralResource.Response(result=_dynamic(state))

    def RenewEphemeralResource(self, request: Any) -> Any:
        return pb.RenewEphemeralResource.Response()

    def CloseEphemeralResource(self, request: Any) -> Any:
        return pb.CloseEphemeralResource.Response()

    def StopProvider(self, request: Any) -> Any:
        return pb.StopProvider.Response()


def _raw_unary(handler: Callable[[bytes], bytes]) -> grpc.RpcMethodHandler:
    return grpc.unary_unary_rpc_method_handler(
        lambda request, context: handler(request),
        request_deserializer=None,
        response_serializer=None,
    )


def service_handlers(provider: Provider, stop: threading.Event) -> list[grpc.GenericRpcHandler]:
    """tfplugin6.Provider, plus the go-plugin services Terraform calls: the health check
    (grpc.health.v1), the controller's Shutdown and the stdio stream."""
    methods: dict[str, grpc.RpcMethodHandler] = {}
    service = pb.DESCRIPTOR.services_by_name["Provider"]
    for method in service.methods:
        implementation = getattr(provider, method.name, None)
        if implementation is None or method.server_streaming or method.client_streaming:
            continue
        request_class = getattr(pb, method.input_type.full_name.split(".", 1)[1].split(".")[0])
        for part in method.input_type.full_name.split(".")[2:]:
            request_class = getattr(request_class, part)

        def call(request: Any, context: grpc.ServicerContext, fn: Any = implementation) -> Any:
            return fn(request)

        if method.name == "GetProviderSchema":
            methods[method.name] = grpc.unary_unary_rpc_method_handler(
                call, request_deserializer=request_class.FromString, response_serializer=None
            )
        else:
            methods[method.name] = grpc.unary_unary_rpc_method_handler(
                call,
                request_deserializer=request_class.FromString,
                response_serializer=lambda message: message.SerializeToString(),
            )

    def shutdown(request: bytes) -> bytes:
        stop.set()
        return b""

    def stdio(request: bytes, context: grpc.ServicerContext) -> Any:
        return iter(())

    return [
        grpc.method_handlers_generic_handler(service.full_name, methods),
        # HealthCheckResponse{status: SERVING} is the two bytes 08 01.
        grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health", {"Check": _raw_unary(lambda request: b"\x08\x01")}
        ),
        grpc.method_handlers_generic_handler(
            "plugin.GRPCController", {"Shutdown": _raw_unary(shutdown)}
        ),
        grpc.method_handlers_generic_handler(
            "plugin.GRPCStdio",
            {"StreamStdio": grpc.unary_stream_rpc_method_handler(stdio)},
        ),
    ]

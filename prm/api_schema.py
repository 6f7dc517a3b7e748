"""OpenAPI for the REST API v1 (the API doc): the schema's front page and the error responses of every operation.

drf-spectacular describes each view's own success responses; this module adds what every operation shares:
the errors of the API doc's conventions (400 field errors, 401, 403, 404, 409 and 422 `{detail, code}`, 429 with
`Retry-After`), the optional `Idempotency-Key` header of every POST, and the token scheme. It is wired in
with SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"].
"""

import re
from datetime import date

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from prm import inputs, periods
from prm.idempotency import EXEMPT_PATHS as IDEMPOTENCY_EXEMPT

API_DESCRIPTION = """\
The public REST API v1 of the partner relationship management portal: partners, deal registration,
enablement, market development funds (MDF), commissions, analytics and webhooks. This page is the whole
contract: the paths, fields and status codes below hold for v1.

## Authentication
* `POST /api/v1/auth/token/` with `{"email", "password"}` (internal roles also send `otp`, the code of
  their authenticator app) returns `{"token": "..."}`.
* Send it on every call as `Authorization: Token <token>`.
* Tokens are managed at `/api/v1/tokens/`: create one with `{name, scope}` where `scope` is `read` or
  `read_write` (the secret is shown only in that response); `DELETE` revokes it, and it gets 401 from then on.
  A `read` token gets 403 on any write.
* The portal's own pages use session authentication.

## Roles and tenancy
`GET /api/v1/me/` tells the caller's role: `partner_admin`, `partner_user` (the partner users),
`channel_manager`, `finance`, `program_admin` (internal). Partner users see only their own organisation.
An object outside the caller's tenancy is a **404**, whatever the action, and so is a `?partner=` filter
naming another partner; a role that may not act on an object it can see gets **403**.

## Formats
IDs are integers. Money is a string decimal with 2 places (`"1250.00"`) beside a `currency` (ISO 4217) on
the same object. Rates are string decimal fractions with 4 places (`"0.3000"` = 30 %). Dates are
`YYYY-MM-DD`, times ISO 8601 with offset. Periods are `2026-Q4` (quarter) or `2026-11` (month).
JSON in and out: request bodies are `application/json` (another content type gets 415); only uploads are
`multipart/form-data`.

## Pagination and filters
Lists answer `{"count", "next", "previous", "results": [...]}`; use `?page=` and `?page_size=` (a whole
number from 1; larger than 200 is capped at 200; anything else is a 400). Every list takes the filters shown on
its operation, e.g. `status`, `partner`, `created_after` / `created_before` and `updated_since` for
incremental sync; a true/false filter takes `true` or `false` (or `1` / `0`), anything else is a 400.

## Errors
* **400** bad input: DRF field errors `{"field": ["message"]}` (or `{"detail": "..."}` for a body that cannot
  be parsed). No input, however malformed, yields a 500.
* **401** no valid credentials. **403** the role or token scope may not do this, or the partner is suspended
  or terminated (`code: partner_suspended` / `partner_terminated`). **413** the body is larger than the
  endpoint accepts (`code: request_too_large`). **415** a body that is not JSON (multipart only where files are
  uploaded).
* **404** not found, or outside the caller's tenancy; a path under `/api/v1/` that names no endpoint is a
  JSON 404 too.
* **409** `{"detail": "...", "code": "<machine_code>"}`: the object's state forbids the transition
  (e.g. paying a paid payout), or a request with the same Idempotency-Key is still running.
* **422** `{"detail": "...", "code": "idempotency_key_reused"}`: see Idempotency.
* **414** the URL is too long (refused by the server before the API reads it).
* **429** throttled; `Retry-After` says how many seconds to wait. API calls: 600 a minute per token or
  session user; logins: from the 11th failed attempt for one e-mail within 15 minutes, or the 31st login
  from one client address within a minute (docs/proxies.md).

## Idempotency
Every `POST` under `/api/v1/` except `auth/token/` and `receipts/verify/` accepts an `Idempotency-Key` header
(at most 255 characters; keys are per user, for anonymous callers such as partner applications per client
address, and kept 24 hours). A repeat with the same key and the same body returns the
first response (status and body, with `Idempotent-Replayed: true`) and does nothing; the same key with a
different body gets 422. A response that carried a secret (a new API token, a webhook's signing secret) is
never stored or replayed: its repeat gets 409 `secret_not_replayable` and creates nothing.
"""

AUTH_SCHEME_DESCRIPTION = (
    "An API token from `POST /api/v1/auth/token/` or `POST /api/v1/tokens/`, sent as `Authorization: Token <token>`."
)

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a human-readable `detail` and, for 409 and 422, a machine-readable `code`.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        'Bad input. DRF field errors, `{"field": ["message"]}` (nested for nested objects; '
        '`non_field_errors` for the whole body), or `{"detail": "..."}` for a body that cannot be parsed.'
    ),
    "additionalProperties": {},
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next call.",
        "schema": {"type": "integer"},
    }
}
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "Makes the POST safe to retry: a repeat with the same key and body returns the first response and "
        "does nothing; the same key with another body gets 422. Per user (anonymous callers: per client address), "
        "kept 24 hours, at most 255 characters."
    ),
    "schema": {"type": "string", "maxLength": 255},
}

_ERROR_REF = {"$ref": "#/components/schemas/ApiError"}
_FIELD_ERRORS_REF = {"$ref": "#/components/schemas/ApiFieldErrors"}

METHODS = ("get", "put", "post", "patch", "delete")


def _json(ref: dict) -> dict:
    return {"application/json": {"schema": ref}}


def _is_paginated(operation: dict) -> bool:
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").startswith("#/components/schemas/Paginated")


def _error_responses(path: str, method: str, operation: dict) -> dict[str, dict]:
    """The error responses the API doc's conventions give this operation."""
    public = operation.get("security") is None or operation.get("security") == []
    has_path_params = "{" in path
    params = operation.get("parameters", [])
    has_input = bool(params) or "requestBody" in operation or has_path_params
    errors: dict[str, dict] = {}
    if has_input or method in ("post", "put", "patch"):
        errors["400"] = {
            "description": "Bad input: field errors, or a body that cannot be parsed.",
            "content": _json(_FIELD_ERRORS_REF),
        }
    if not public:
        errors["401"] = {"description": "No valid credentials.", "content": _json(_ERROR_REF)}
        errors["403"] = {
            "description": "The caller's role (or a read-only token) may not do this.",
            "content": _json(_ERROR_REF),
        }
        names_objects = has_path_params or method != "get"  # a write's body names objects by id too
        if names_objects or any(p.get("name") == "partner" and p.get("in") == "query" for p in params):
            errors["404"] = {
                "description": (
                    "Not found, or outside the caller's tenancy: the object of the path, an object the body "
                    "names by id, or a `?partner=` naming another partner."
                ),
                "content": _json(_ERROR_REF),
            }
        elif _is_paginated(operation):
            errors["404"] = {"description": "`?page=` past the last page.", "content": _json(_ERROR_REF)}
    idempotent = method == "post" and path.startswith("/api/v1/") and path not in IDEMPOTENCY_EXEMPT
    if method != "get" and not public:
        errors["409"] = {
            "description": (
                "The object's state forbids this (`{detail, code}`), or a request with the same "
                "Idempotency-Key is still running (`code: idempotency_key_in_progress`)."
            ),
            "content": _json(_ERROR_REF),
        }
    elif idempotent:
        errors["409"] = {
            "description": (
                "A request with the same Idempotency-Key is still running (`code: idempotency_key_in_progress`)."
            ),
            "content": _json(_ERROR_REF),
        }
    if idempotent:
        errors["422"] = {
            "description": "The Idempotency-Key was used before with another body (`code: idempotency_key_reused`).",
            "content": _json(_ERROR_REF),
        }
    errors["414"] = URI_TOO_LONG
    errors["429"] = {
        "description": "Throttled; wait for Retry-After seconds.",
        "headers": RETRY_AFTER,
        "content": _json(_ERROR_REF),
    }
    return errors


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The strings a DecimalField takes: at least one digit (drf-spectacular's own pattern also admits "" and
    "-"), the whole and decimal digits it allows, and a minus sign only when negative values are allowed."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole = r"\d+" if field.max_whole_digits is None else rf"\d{{1,{max(field.max_whole_digits, 1)}}}"
    if field.max_whole_digits == 0:
        whole = "0"
    places = field.decimal_places
    if not places:
        return rf"^{sign}{whole}$"
    return rf"^{sign}(?:{whole}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


class PrmAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with decimal patterns that match what the fields validate."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DecimalField)
            and isinstance(schema, dict)
            and schema.get("format") == "decimal"
            and "pattern" in schema
            and not field.localize
        ):
            schema["pattern"] = decimal_pattern(field)
        return schema


# the API doc: Formats. Periods are a month (2026-11) or a quarter (2026-Q4); prm.periods.parse_period checks them.
PERIOD_PATTERN = r"^\d{4}-(?:Q[1-4]|0[1-9]|1[0-2])$"
ID_PATTERN = r"^\d+$"
URI_TOO_LONG = {
    "description": "The URL (path and query) is too long; the server refuses it before the API reads it.",
}


def _parameter_conventions(operation: dict) -> None:
    """Path ids that are digits are integers; `period` has its pattern."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema")
        if not isinstance(schema, dict):
            continue
        if parameter.get("in") == "path" and schema.get("type") == "string" and schema.get("pattern") == ID_PATTERN:
            parameter["schema"] = {"type": "integer"}
        elif parameter.get("name") == "period" and schema.get("type") == "string" and "enum" not in schema:
            schema["pattern"] = PERIOD_PATTERN
            schema.pop("minLength", None)


def _has_binary(schema, schemas: dict, seen: frozenset = frozenset()) -> bool:
    """Whether a request schema (following $refs into components) has a file (`format: binary`) anywhere."""
    if isinstance(schema, list):
        return any(_has_binary(item, schemas, seen) for item in schema)
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return name not in seen and _has_binary(schemas.get(name, {}), schemas, seen | {name})
    if schema.get("format") == "binary":
        return True
    return any(_has_binary(value, schemas, seen) for value in schema.values() if isinstance(value, dict | list))


def _request_media_types(operation: dict, schemas: dict) -> None:
    """JSON in (the API doc: Conventions): offer a request body as `application/json` only, and as
    `multipart/form-data` only where it uploads files. A view that accepts several parsers would otherwise
    list each body three times, and generated clients then send everything as multipart."""
    content = operation.get("requestBody", {}).get("content")
    if not content or len(content) < 2 and "application/json" in content:
        return
    kept = {}
    for media_type, body in content.items():
        uploads = _has_binary(body.get("schema", {}), schemas)
        if (media_type == "application/json" and not uploads) or (media_type == "multipart/form-data" and uploads):
            kept[media_type] = body
    if "application/json" in kept and "multipart/form-data" in kept:
        json_schema = kept["application/json"].get("schema")
        multipart_schema = kept["multipart/form-data"].get("schema")
        if json_schema == multipart_schema:
            del kept["multipart/form-data"]
    if kept:
        operation["requestBody"]["content"] = kept


def postprocess_schema(result, generator, request, public):
    """drf-spectacular postprocessing hook: shared errors, Idempotency-Key, the front page and auth scheme."""
    result.setdefault("info", {})["description"] = API_DESCRIPTION
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("ApiError", ERROR_SCHEMA)
    schemas.setdefault("ApiFieldErrors", FIELD_ERRORS_SCHEMA)
    token_scheme = components.get("securitySchemes", {}).get("tokenAuth")
    if token_scheme is not None:
        token_scheme["description"] = AUTH_SCHEME_DESCRIPTION
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            _request_media_types(operation, schemas)
            _parameter_conventions(operation)
            _bounded_filters(operation)
            rules = _rules_beyond_schema(path, method, operation)
            if rules:
                operation["x-rules-beyond-schema"] = rules
            responses = operation.setdefault("responses", {})
            for code, response in _error_responses(path, method, operation).items():
                existing = responses.get(code)
                if existing is None:
                    responses[code] = response
                else:  # declared by the view with a description only: keep its words, add the body
                    for key in ("content", "headers"):
                        if key in response and key not in existing:
                            existing[key] = response[key]
            if method == "post" and path.startswith("/api/v1/") and path not in IDEMPOTENCY_EXEMPT:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_KEY_PARAMETER)
    _links(result.get("paths", {}), schemas)
    return result


# Query filters the schema can bound exactly: dates inside prm.inputs' window, periods parse_period takes, and
# page sizes from 1. A schema-valid filter is then never a 400 (schemathesis's positive_data_acceptance).
_MONTHS = [f"{m:02d}" for m in range(1, 13)]


def _alternation(values) -> str:
    return "(?:" + "|".join(values) + ")"


def _days(first: int, last: int) -> str:
    return _alternation(f"{d:02d}" for d in range(first, last + 1))


def date_range_pattern(low: date, high: date) -> str:
    """A regex of the YYYY-MM-DD dates from `low` to `high` (both included); `format: date` rules out 02-30."""
    if low.year == high.year:
        raise ValueError("the input window spans several years")
    any_day = r"(?:0[1-9]|[12]\d|3[01])"
    parts = [f"{low.year}-{low.month:02d}-{_days(low.day, 31)}"]
    if low.month < 12:
        parts.append(f"{low.year}-{_alternation(_MONTHS[low.month :])}-{any_day}")
    if high.year - low.year > 1:
        years = _alternation(str(y) for y in range(low.year + 1, high.year))
        parts.append(f"{years}-{_alternation(_MONTHS)}-{any_day}")
    if high.month > 1:
        parts.append(f"{high.year}-{_alternation(_MONTHS[: high.month - 1])}-{any_day}")
    parts.append(f"{high.year}-{high.month:02d}-{_days(1, high.day)}")
    return _alternation(parts)


def period_pattern() -> str:
    """The period keys parse_period takes today: whole years inside the window, and the edge years' keys one
    by one (which quarters of an edge year fall inside depends on the fiscal year's first month)."""
    low, high = inputs.window()
    suffixes = [*_MONTHS, "Q1", "Q2", "Q3", "Q4"]
    edge = []
    for year in (low.year - 1, low.year, high.year, high.year + 1):
        for suffix in suffixes:
            try:
                periods.parse_period(f"{year}-{suffix}")
            except ValueError:
                continue
            edge.append(f"{year}-{suffix}")
    middle = _alternation(str(y) for y in range(low.year + 1, high.year))
    return rf"^(?:{middle}-(?:Q[1-4]|0[1-9]|1[0-2])|{_alternation(edge)})$"


def _bounded_filters(operation: dict) -> None:
    """Date filters inside the input window, periods parse_period takes, `page_size` from 1; and on lists, an
    empty filter (`?status=`) is no filter (`allowEmptyValue`), except a period or a multiple choice."""
    dates = None
    parameters = operation.get("parameters", [])
    is_list = any(p.get("name") == "page" and p.get("in") == "query" for p in parameters)
    for parameter in parameters:
        schema = parameter.get("schema")
        if parameter.get("in") != "query" or not isinstance(schema, dict):
            continue
        if is_list and not parameter.get("required") and schema.get("type") != "array":
            if parameter.get("name") != "period":
                parameter["allowEmptyValue"] = True
        if schema.get("format") in ("date", "date-time") and "pattern" not in schema:
            dates = dates or date_range_pattern(*inputs.window())
            # A date-time filter is read by its date (prm.inputs.check_date): bound the date, leave the time.
            schema["pattern"] = f"^{dates}$" if schema["format"] == "date" else f"^{dates}T"
        elif parameter.get("name") == "period" and schema.get("pattern") == PERIOD_PATTERN:
            schema["pattern"] = period_pattern()
        elif parameter.get("name") == "page_size" and schema.get("type") == "integer":
            schema["minimum"] = 1


# What the schema cannot say. `x-rules-beyond-schema` names the operations where a request the schema allows
# may still be a 400 (the API doc: Errors): a write's body is checked against rules that join other data (a
# won deal's close date against its registration, amounts above zero, a list that may not be empty, an id that
# names an existing object, a unique name), and a few reads need a parameter only some roles may leave out.
RULES_BEYOND_SCHEMA = (
    "Besides its schema, the body is checked against rules that depend on other data or on each other (dates "
    "relative to the object's history, amounts above zero, non-empty lists, ids naming existing objects, unique "
    "names, UTF-8 uploads): breaking one is a 400 with field errors."
)
READS_WITH_ROLE_RULES = {
    "/api/v1/analytics/kpis/": "Internal users must give `?partner=`: without it their call is a 400.",
    "/api/v1/analytics/scorecards/": "Internal users must give `?partner=`: without it their call is a 400.",
}


def _rules_beyond_schema(path: str, method: str, operation: dict) -> str | None:
    if method in ("post", "put", "patch") and "requestBody" in operation:
        return RULES_BEYOND_SCHEMA
    if method == "get":
        return READS_WITH_ROLE_RULES.get(path)
    return None


# Links (OpenAPI 3 `links`) from the calls that name an object to the calls that act on it, so that clients and
# schemathesis's stateful run follow create -> read -> act: POST /deals/ 201 -> GET /deals/{id}/, POST
# /deals/{id}/won/...; GET /deals/ 200 -> the same, with the first listed deal; and from one call on an object
# to the others on it.
_PARAM = re.compile(r"^\{([a-z_]+)\}/")


def _has_id(response: dict, schemas: dict, *, listed: bool) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    body = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/components/schemas/") else schema
    if listed:
        items = body.get("properties", {}).get("results", {}).get("items", {})
        ref = items.get("$ref", "")
        body = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/components/schemas/") else items
    return "id" in body.get("properties", {})


def _link_targets(paths: dict, prefix: str) -> list[tuple[str, str, dict]]:
    """(parameter name, method, operation) of every operation on an object under `prefix` (`/deals/{id}/...`)."""
    targets = []
    for path, item in paths.items():
        match = _PARAM.match(path[len(prefix) :]) if path.startswith(prefix) else None
        if match is None or path[len(prefix) + match.end() :].count("{"):
            continue
        for method in METHODS:
            if method in item and "operationId" in item[method] and method != "delete":
                targets.append((match[1], method, item[method]))
    return targets


def _links(paths: dict, schemas: dict) -> None:
    for path, item in paths.items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if "{" not in path:
                status = "201" if method == "post" else "200" if method == "get" else None
                source = "$response.body#/id" if method == "post" else "$response.body#/results/0/id"
                prefix = path
            else:
                match = re.match(r"^(.*/)\{([a-z_]+)\}/", path)
                if match is None or path.count("{") > 1:
                    continue
                status = next((code for code in ("200", "201", "202") if code in operation.get("responses", {})), None)
                source, prefix = f"$request.path.{match[2]}", match[1]
            response = operation.get("responses", {}).get(status or "")
            if response is None or ("{" not in path and not _has_id(response, schemas, listed=method == "get")):
                continue
            links = {}
            for name, target_method, target in _link_targets(paths, prefix):
                if target is operation:
                    continue
                links[target["operationId"]] = {
                    "operationId": target["operationId"],
                    "parameters": {name: source},
                    "description": f"The {target_method.upper()} on the object this call named.",
                }
            if links:
                response["links"] = links

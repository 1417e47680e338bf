#!/usr/bin/python3
"""Validate a flint-backend --dump file against OpenAI's published OpenAPI document.

usage: /usr/bin/python3 validate_schema.py OPENAPI_YML DUMPFILE

Each dump line is "S <json>" (an event the backend sent) or "R <json>" (a message it
received). S lines are checked against #/components/schemas/ResponsesServerEvent, R lines
against #/components/schemas/ResponsesClientEvent. OpenAPI 3.1 schemas are JSON Schema
2020-12, so one Draft202012Validator resolves every $ref inside the whole document.

Both unions are `anyOf` with an OpenAPI `discriminator` on `type` (which JSON Schema ignores).
To keep a 100k-line dump fast, each line is first checked against the one branch whose `type`
const matches (what the discriminator means); only if that fails is the full anyOf tried, so
the verdict is exactly the anyOf verdict. Results are cached per distinct line, and text
deltas per shape (their delta text and sequence number are only type-checked).

Prints per-kind counts and the first failures; exits 1 on any failure, 2 on usage errors.
Needs python3-yaml and python3-jsonschema (Debian 12 ships jsonschema 4.10: RefResolver;
newer versions use a referencing.Registry, both are supported).
"""

import json
import sys

import yaml
import jsonschema

MAX_REPORTED = 10


def load_document(path):
    with open(path, "rb") as f:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same rules as safe_load, in C
        return yaml.load(f, Loader=loader)


def make_validator_factory(doc):
    """Returns fn(pointer) -> validator for the schema at '#/components/schemas/...'."""
    cls = jsonschema.Draft202012Validator
    try:
        import referencing  # jsonschema >= 4.18
        import referencing.jsonschema

        resource = referencing.Resource.from_contents(
            doc, default_specification=referencing.jsonschema.DRAFT202012)
        registry = referencing.Registry().with_resource("urn:flint:openapi", resource)

        def make(pointer):
            return cls({"$ref": "urn:flint:openapi" + pointer}, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver(base_uri="", referrer=doc)

        def make(pointer):
            return cls({"$ref": pointer}, resolver=resolver)
    return make


def branch_type(schemas, branch):
    """The `type` enum value a union branch accepts, following $ref/allOf; None if unknown."""
    seen = 0
    stack = [branch]
    while stack and seen < 50:
        seen += 1
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            stack.append(schemas.get(ref.rsplit("/", 1)[1]))
            continue
        t = node.get("properties", {}).get("type", {})
        if isinstance(t, dict) and isinstance(t.get("enum"), list) and len(t["enum"]) == 1:
            return t["enum"][0]
        stack.extend(node.get("allOf", []))
    return None


class UnionChecker:
    def __init__(self, doc, make, name):
        self.pointer = "#/components/schemas/" + name
        self.full = make(self.pointer)
        schemas = doc["components"]["schemas"]
        self.by_type = {}
        for i, branch in enumerate(schemas[name].get("anyOf", [])):
            t = branch_type(schemas, branch)
            if t is not None and t not in self.by_type:
                self.by_type[t] = make("%s/anyOf/%d" % (self.pointer, i))
        self.cache = {}

    @staticmethod
    def cache_key(line, obj):
        """Deltas differ only in `delta` and `sequence_number`, which the schema constrains
        by type alone (string, integer): deltas of one shape share one verdict."""
        if (isinstance(obj, dict) and obj.get("type") == "response.output_text.delta"
                and isinstance(obj.get("delta"), str)
                and type(obj.get("sequence_number")) is int):
            shape = dict(obj, delta="", sequence_number=0)
            return json.dumps(shape, sort_keys=True)
        return line

    def errors(self, line, obj):
        line = self.cache_key(line, obj)
        if line in self.cache:
            return self.cache[line]
        result = []
        fast = self.by_type.get(obj.get("type")) if isinstance(obj, dict) else None
        if fast is None or not fast.is_valid(obj):
            if not self.full.is_valid(obj):
                # Report the matching branch's errors: far more useful than anyOf's summary.
                v = fast if fast is not None else self.full
                result = sorted(v.iter_errors(obj), key=lambda e: list(e.absolute_path))
                if not result:
                    result = list(self.full.iter_errors(obj))
        self.cache[line] = result
        return result


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: validate_schema.py OPENAPI_YML DUMPFILE\n")
        return 2
    doc = load_document(argv[1])
    make = make_validator_factory(doc)
    checkers = {
        "S": UnionChecker(doc, make, "ResponsesServerEvent"),
        "R": UnionChecker(doc, make, "ResponsesClientEvent"),
    }
    counts = {"S": 0, "R": 0}
    types = {}
    failures = []
    nfail = 0
    with open(argv[2], "r", encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line:
                continue
            kind, _, body = line.partition(" ")
            if kind not in checkers:
                nfail += 1
                if len(failures) < MAX_REPORTED:
                    failures.append((lineno, "bad prefix %r" % kind[:20], []))
                continue
            counts[kind] += 1
            try:
                obj = json.loads(body)
            except ValueError as e:
                nfail += 1
                if len(failures) < MAX_REPORTED:
                    failures.append((lineno, "%s line is not JSON: %s" % (kind, e), []))
                continue
            key = (kind, obj.get("type") if isinstance(obj, dict) else None)
            types[key] = types.get(key, 0) + 1
            errs = checkers[kind].errors(body, obj)
            if errs:
                nfail += 1
                if len(failures) < MAX_REPORTED:
                    failures.append((lineno, "%s %s" % (kind, body[:160]), errs[:3]))

    print("validated %d sent events and %d received messages against %s" %
          (counts["S"], counts["R"], argv[1]))
    for (kind, t), n in sorted(types.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print("  %s %-34s %d" % (kind, t, n))
    for lineno, what, errs in failures:
        print("FAIL line %d: %s" % (lineno, what))
        for e in errs:
            path = "/".join(str(p) for p in e.absolute_path) or "(root)"
            print("    at %s: %s" % (path, e.message[:300]))
    print("%d failures" % nfail)
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Validate protocol test data against OpenAI's published OpenAPI schema (JSON Schema 2020-12).

    validate.py OPENAPI_YML              # every file in this directory
    validate.py OPENAPI_YML FILE SCHEMA  # one file against one component

Requests (*.json here) must validate as ResponsesClientEvent; server frames (events/*.json)
as ResponsesServerEvent (error_sse_*: ResponseErrorEvent; unknown_*: not checked). Malformed
frames are written inline in tests/unit/test_protocol.c.
Needs python3-jsonschema and python3-yaml (Debian packages; not run by ctest)."""
import json, os, pickle, sys

import jsonschema
import yaml


def load(yml):
    cache = "/tmp/flint-openapi-%d.pickle" % int(os.path.getmtime(yml))
    try:
        with open(cache, "rb") as f:
            return pickle.load(f)
    except OSError:
        pass
    with open(yml) as f:
        doc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with open(cache, "wb") as f:
        pickle.dump(doc, f)
    return doc


def check(doc, path, component):
    root = dict(doc)
    root["$ref"] = "#/components/schemas/" + component
    v = jsonschema.Draft202012Validator(root)
    with open(path) as f:
        inst = json.load(f)
    errs = list(v.iter_errors(inst))
    if errs:
        # anyOf errors are vague: retry against the member named like the event, if any.
        best = jsonschema.exceptions.best_match(errs)
        print("INVALID %s (%s): %s at %s" % (path, component, best.message[:300],
                                             "/".join(map(str, best.absolute_path))))
        return False
    print("ok      %s (%s)" % (path, component))
    return True


def main():
    doc = load(sys.argv[1])
    if len(sys.argv) == 4:
        return 0 if check(doc, sys.argv[2], sys.argv[3]) else 1
    here = os.path.dirname(os.path.abspath(__file__))
    ok = True
    for name in sorted(os.listdir(here)):
        if name.endswith(".json"):
            ok &= check(doc, os.path.join(here, name), "ResponsesClientEvent")
    ev = os.path.join(here, "events")
    for name in sorted(os.listdir(ev)):
        # error_sse_*: the HTTP SSE error shape (not a WebSocket event); unknown_*: types
        # outside the schema (codex.rate_limits) that a client must ignore.
        if not name.endswith(".json") or name.startswith("unknown_"):
            continue
        schema = "ResponseErrorEvent" if name.startswith("error_sse_") else "ResponsesServerEvent"
        ok &= check(doc, os.path.join(ev, name), schema)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

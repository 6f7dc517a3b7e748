"""Enablement API (the API doc: Enablement), one module per aggregate. Thin: parse, call a service or selector,
serialise.

Correct answers never leave the server: no read serializer has an `is_correct` field; the quiz authoring
serializer takes it write-only.
"""

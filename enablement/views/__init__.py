"""Enablement pages, one module per aggregate: learning, certificates, library, authoring."""

"""The kind registry lives in the neutral hezuo/kinds.py (every app registers its kinds
there); re-exported for callers that name it here."""

from hezuo.kinds import NAV_GROUPS, REGISTRY, Kind, Related, kind_for_model, load, register

__all__ = ["NAV_GROUPS", "REGISTRY", "Kind", "Related", "kind_for_model", "load", "register"]

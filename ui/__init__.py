"""The web chat over a QAPipeline (Gradio): ``build_app`` and ``launch`` (from ``ui.app``).

Gradio is imported only when one of them is used, so ``ui.render`` stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "launch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")

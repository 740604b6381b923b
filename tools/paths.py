"""Where the project's files are, defined once for the tools and the tests (standard library only)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"
PROFILES = {"default": ROOT / "endpoints.yml", "production": ROOT / "endpoints.production.yml"}

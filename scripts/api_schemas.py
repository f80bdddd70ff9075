"""Write the committed copies of the API's JSON Schemas (schema/api-<name>.schema.json).

Run after changing src/torchscape/site/api_schema.py; tests/test_reuse.py checks they are in sync.
"""

from __future__ import annotations

from pathlib import Path

from torchscape.site.api_schema import NAMES, dumps

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def main() -> None:
    for name in NAMES:
        path = SCHEMA_DIR / f"api-{name}.schema.json"
        path.write_text(dumps(name), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

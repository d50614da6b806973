"""JSON responses rendered with orjson (FastAPI's own ORJSONResponse is deprecated), and the
API docs page."""

from __future__ import annotations

import html
from typing import Any

import orjson
from starlette.responses import HTMLResponse, Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content  # already serialised, e.g. a cached page
        return orjson.dumps(content)


# The docs page's assets: swagger-ui-dist, pinned to one version, each with the SRI hash of the
# file in that version's npm tarball (the CDN serves those files unchanged), so the browser
# runs them only if they are exactly those bytes. To upgrade: `npm pack swagger-ui-dist@X`,
# then `openssl dgst -sha384 -binary package/<file> | openssl base64 -A` for each file.
SWAGGER_UI_VERSION = "5.35.0"
_SWAGGER_UI_BASE = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}"
_SWAGGER_UI_JS_SRI = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
_SWAGGER_UI_CSS_SRI = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"


def swagger_ui_page(openapi_url: str, title: str) -> HTMLResponse:
    """The interactive docs page. FastAPI's get_swagger_ui_html takes asset URLs but no
    integrity attributes, hence this page of our own (same Swagger UI settings)."""
    config = (
        orjson.dumps(
            {
                "url": openapi_url,
                "dom_id": "#swagger-ui",
                "layout": "BaseLayout",
                "deepLinking": True,
                "showExtensions": True,
                "showCommonExtensions": True,
                "validatorUrl": None,  # no calls to a third-party validator
            }
        )
        .decode()
        .replace("<", "\\u003c")
    )  # nothing in it can close the script element
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{_SWAGGER_UI_BASE}/swagger-ui.css"
      integrity="{_SWAGGER_UI_CSS_SRI}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{_SWAGGER_UI_BASE}/swagger-ui-bundle.js"
        integrity="{_SWAGGER_UI_JS_SRI}" crossorigin="anonymous"></script>
<script>
const ui = SwaggerUIBundle(Object.assign({config}, {{
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
}}));
</script>
</body>
</html>
"""
    return HTMLResponse(page)

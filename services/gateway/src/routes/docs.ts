import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '@skico/contracts';
import express, { type RequestHandler } from 'express';

const require = createRequire(import.meta.url);
const assets = dirname(require.resolve('swagger-ui-dist/package.json'));

// Self-contained: every asset is served from this gateway, nothing from a CDN.
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Skico API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
});
`;

/** GET /openapi.json: the contract's OpenAPI document, built once. */
export function openApiDocument(): RequestHandler {
  // Relative server URL: "try it" calls the gateway the page came from, whatever its host and port.
  const document = JSON.stringify(buildOpenApiDocument({ serverUrl: '/' }));
  return (_req, res) => {
    res.type('application/json').send(document);
  };
}

/** GET /docs: the interactive docs (Swagger UI). */
export const docsPage: RequestHandler = (_req, res) => {
  res.type('text/html').send(page);
};

/** GET /docs/init.js: the page's script, which points Swagger UI at /openapi.json. */
export const docsInit: RequestHandler = (_req, res) => {
  res.type('text/javascript').send(init);
};

/** /docs/assets: Swagger UI's files, from the installed package. */
export const docsAssets = () => express.static(assets, { index: false, maxAge: '1h' });

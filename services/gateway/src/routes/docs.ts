import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '@skico/contracts';
import express, { Router } from 'express';

const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

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

/** /openapi.json and the interactive docs at /docs. */
export function docsRouter(): Router {
  // Relative server URL: "try it" calls the gateway the page came from, whatever its host and port.
  const document = JSON.stringify(buildOpenApiDocument({ serverUrl: '/' }));
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('text/html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(init);
  });
  router.use('/docs/assets', express.static(assets, { index: false, maxAge: '1h' }));
  return router;
}

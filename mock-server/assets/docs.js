// Swagger UI for the server's own description. "Try it out" calls this server (the spec's
// server URL is the relative /api/v1), and the Authorize dialog comes pre-filled with the demo
// client so the client-credentials flow needs one click.
"use strict";

window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  // No standalone preset (it is not shipped in the package): the base layout has no top bar.
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: "BaseLayout",
  deepLinking: true,
  displayRequestDuration: true,
  // Keep the token across reloads of the page.
  persistAuthorization: true,
  oauth2RedirectUrl: new URL("oauth2-redirect.html", window.location.href).href,
});

window.ui.initOAuth({
  clientId: "demo-client",
  clientSecret: "demo-secret",
  scopes: ["people:read", "people:write"],
  appName: "People API demo",
});

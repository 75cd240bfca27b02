// Swagger UI for the server's own description. "Try it out" calls this server (the spec's
// server URL is the relative /api/v1), and the Authorize dialog comes pre-filled with the demo
// client so the client-credentials flow needs one click.
"use strict";

// The contract's long description is folded under the title, so the operations come first.
function FoldedDescription() {
  return {
    wrapComponents: {
      info: (Original, system) => (props) => {
        const h = system.React.createElement;
        const description = props.info && props.info.get("description");
        if (!description) return h(Original, props);
        const Markdown = system.getComponent("Markdown", true);
        return h(
          "div",
          null,
          h(Original, { ...props, info: props.info.delete("description") }),
          h(
            "details",
            { className: "contract-prose" },
            h("summary", null, "The contract in full: authentication, errors, limits, paging"),
            h(Markdown, { source: description }),
          ),
        );
      },
    },
  };
}

// Every HEAD operation repeats a GET without its body: listed under a tag of their own, they
// do not double the list of each resource.
const HEAD_TAG = "HEAD: headers only";
function groupHeadOperations(res) {
  if (res.url.endsWith("/openapi.json") && res.body && res.body.paths) {
    for (const item of Object.values(res.body.paths)) {
      if (item.head) item.head.tags = [HEAD_TAG];
    }
    res.text = JSON.stringify(res.body);
    res.data = res.text;
  }
  return res;
}

window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  // No standalone preset (it is not shipped in the package): the base layout has no top bar.
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl, FoldedDescription],
  responseInterceptor: groupHeadOperations,
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

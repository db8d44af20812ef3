import { secureHeaders } from "hono/secure-headers";

/**
 * Security headers on every response the Worker writes (the API, the console
 * API, errors). Static assets (console, docs, widget.js) get theirs from
 * src/router/public/_headers, which the assets layer serves before the Worker.
 * A JSON API renders nothing: its policy allows nothing and no one may frame it.
 */
export const workerSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  // The widget's calls are CORS requests, which Cross-Origin-Resource-Policy does not touch.
  crossOriginResourcePolicy: "same-origin",
});

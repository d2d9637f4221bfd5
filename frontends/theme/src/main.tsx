import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App, makeQueryClient, preloadPage } from "./app/App";
import { locateSite } from "./shared/locate";
import "./styles.css";

const located = locateSite(window.location);
if (located.kind === "query") {
  // One rewrite to the path form, so links inside the site need no query string.
  window.history.replaceState(null, "", located.rewriteTo + window.location.hash);
}

// The page's code travels while the site's config does.
preloadPage(
  located.kind === "path"
    ? window.location.pathname.slice(located.basename.length)
    : located.kind === "query"
      ? new URL(located.rewriteTo, window.location.origin).pathname.replace(/^\/s\/[^/]+/, "")
      : window.location.pathname,
);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App located={located} queryClient={makeQueryClient()} />
    </StrictMode>,
  );
}

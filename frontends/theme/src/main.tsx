import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App, makeQueryClient } from "./app/App";
import { locateSite } from "./shared/locate";
import "./styles.css";

const located = locateSite(window.location);
if (located.kind === "query") {
  // One rewrite to the path form, so links inside the site need no query string.
  window.history.replaceState(null, "", located.rewriteTo + window.location.hash);
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App located={located} queryClient={makeQueryClient()} />
    </StrictMode>,
  );
}

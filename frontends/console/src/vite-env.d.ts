/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's origin (e.g. https://api.example.com); empty for the page's own origin. */
  readonly VITE_API_BASE_URL?: string;
  /** Where "contact sales" leads: an https: page or a mailto: address. */
  readonly VITE_SALES_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

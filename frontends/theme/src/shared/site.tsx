/** The site being shown (tenant slug and public config), for every feature to read. */
import { createContext, useContext } from "react";

import type { Schemas } from "./api";

export type SiteConfig = Schemas["SiteRead"];

export interface SiteInfo {
  slug: string;
  config: SiteConfig;
}

export const SiteContext = createContext<SiteInfo | null>(null);

export function useSite(): SiteInfo {
  const site = useContext(SiteContext);
  if (!site) throw new Error("useSite() outside a loaded site");
  return site;
}

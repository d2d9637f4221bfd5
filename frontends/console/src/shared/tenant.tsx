/**
 * The tenant the console is looking at, and the signed-in person's role in it. Every
 * feature reads it from here rather than from the URL, so screens stay route-agnostic.
 */
import { createContext, useContext, type ReactNode } from "react";

import { isRole, type Role } from "./roles";
import type { Me } from "./session";

export interface TenantContextValue {
  slug: string;
  name: string;
  role: Role | null;
  /** An author whose tenant lets them moderate comments on their own posts. */
  moderates: boolean;
  me: Me;
  /** The console path of a screen of this tenant, e.g. path("posts/123"). */
  path: (rest: string) => string;
}

const Context = createContext<TenantContextValue | null>(null);

/** The role of `me` in `slug`: their membership, else "operator" for platform staff. */
export function roleIn(me: Me, slug: string): Role | null {
  const membership = me.memberships.find((m) => m.tenant === slug);
  if (membership && isRole(membership.role)) {
    // Operators keep their platform rights even where they are also readers.
    if (me.is_operator && membership.role === "reader") return "operator";
    return membership.role;
  }
  return me.is_operator ? "operator" : null;
}

export function TenantProvider({ value, children }: { value: TenantContextValue; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useTenant(): TenantContextValue {
  const value = useContext(Context);
  if (!value) throw new Error("useTenant outside a tenant's screens");
  return value;
}

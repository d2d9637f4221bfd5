/**
 * Where "contact sales" leads. The platform sets it when it builds the console
 * (VITE_SALES_URL: an https: page or a mailto: address); without it, an e-mail to the
 * sales address of the demo domain. A mailto: link gets a subject naming the tenant and
 * its plan, so the message arrives with what sales need to answer.
 */
export const DEFAULT_SALES_URL = "mailto:sales@causerie.test";

export function salesHref(configured: string | undefined, subject: string): string {
  const chosen = (configured ?? "").trim();
  const url = /^(https:\/\/|mailto:)/i.test(chosen) ? chosen : DEFAULT_SALES_URL;
  if (!url.toLowerCase().startsWith("mailto:") || /[?&]subject=/i.test(url)) return url;
  return `${url}${url.includes("?") ? "&" : "?"}subject=${encodeURIComponent(subject)}`;
}

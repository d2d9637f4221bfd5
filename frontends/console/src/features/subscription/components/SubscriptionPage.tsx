/** Plan, status, usage against every quota, the plan catalogue and the history. */
import { Badge } from "../../../shared/components/Badge";
import { Page } from "../../../shared/components/Page";
import { ErrorNotice, Loading, QueryState } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { isMessageKey, useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useHistory, usePlans, useSubscription, useUsage } from "../api/subscription";
import { salesHref } from "../sales";

const QUOTAS = ["blogs", "members", "posts_per_blog", "custom_domains", "api_requests_per_minute"] as const;
// The custom_domain feature is not a column of its own: the custom_domains quota beside
// it already says how many a plan allows (0: none), so the table names them once.
const FEATURES = ["ratings", "insights", "webhooks", "white_label"] as const;

export function SubscriptionPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const subscription = useSubscription(slug);
  const usage = useUsage(slug);
  const plans = usePlans();
  const history = useHistory(slug);
  const quotaName = (q: string) => (isMessageKey(`quota.${q}`) ? f.t(`quota.${q}` as MessageKey) : q);
  const limitText = (limit: number | null | undefined) => (limit == null ? f.t("subscription.unlimited") : f.number(limit));
  const featureValue = (v: unknown) => {
    if (typeof v === "boolean") return v ? f.t("subscription.yes") : f.t("subscription.no");
    const level = `level.${String(v)}`;
    return isMessageKey(level) ? f.t(level) : String(v);
  };
  const planName = (id: string | null | undefined) => (id ? plans.data?.find((p) => p.id === id)?.name ?? id : "—");

  return (
    <Page title={f.t("subscription.title")}>
      <QueryState query={subscription}>
        {(s) => (
          <section className="card" aria-labelledby="sub-plan">
            <h2 id="sub-plan">{f.t("subscription.plan")}</h2>
            <dl className="figures-grid" data-testid="subscription">
              <div>
                <dt>{f.t("subscription.plan")}</dt>
                <dd>{planName(s.plan)}</dd>
              </div>
              <div>
                <dt>{f.t("subscription.status")}</dt>
                <dd>
                  <Badge tone={s.status === "active" || s.status === "trialing" ? "success" : "danger"}>{f.t(`sub.${s.status}` as MessageKey)}</Badge>
                </dd>
              </div>
              <div>
                <dt>{f.t("subscription.periodEnd")}</dt>
                <dd>{s.current_period_end ? f.date(s.current_period_end) : "—"}</dd>
              </div>
            </dl>
            {s.status === "past_due" ? <p className="notice notice--warning">{f.t("subscription.pastDue")}</p> : null}
            {!s.writable ? <p className="notice notice--error">{f.t("subscription.readonly")}</p> : null}
            {!s.site_online ? <p className="notice notice--error">{f.t("subscription.offline")}</p> : null}
            <p className="hint">
              {f.t("subscription.changeNote")}{" "}
              <a href={salesHref(import.meta.env.VITE_SALES_URL, f.t("subscription.contactSubject", { tenant: `${slug} (${planName(s.plan)})` }))} data-testid="contact-sales">
                {f.t("subscription.contactSales")}
              </a>
            </p>
          </section>
        )}
      </QueryState>

      <section className="card" aria-labelledby="sub-usage">
        <h2 id="sub-usage">{f.t("subscription.usage")}</h2>
        {usage.isPending ? (
          <Loading />
        ) : usage.error || !usage.data ? (
          <ErrorNotice error={usage.error} onRetry={() => void usage.refetch()} />
        ) : (
          <table className="table table--cards" data-testid="usage-table">
            <thead>
              <tr>
                <th scope="col">{f.t("subscription.quota")}</th>
                <th scope="col">{f.t("subscription.used")}</th>
                <th scope="col">{f.t("subscription.limit")}</th>
                <th scope="col"><span className="visually-hidden">%</span></th>
              </tr>
            </thead>
            <tbody>
              {usage.data.quotas.map((q) => {
                const share = q.limit ? Math.min(1, q.used / q.limit) : q.limit === 0 ? 1 : 0;
                return (
                  <tr key={q.quota}>
                    <th scope="row">{quotaName(q.quota)}</th>
                    <td data-label={f.t("subscription.used")}>{f.number(q.used)}</td>
                    <td data-label={f.t("subscription.limit")}>{limitText(q.limit)}</td>
                    <td>
                      {q.limit != null ? (
                        <meter min={0} max={1} low={0.7} high={0.9} optimum={0} value={share} aria-label={f.t("subscription.usageOf", { used: f.number(q.used), limit: limitText(q.limit) })}>
                          {f.number(share * 100)} %
                        </meter>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="sub-plans">
        <h2 id="sub-plans">{f.t("subscription.plans")}</h2>
        <QueryState query={plans}>
          {(p) => (
            <TableScroll label={f.t("subscription.plans")}>
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th scope="col">{f.t("subscription.plan")}</th>
                    {QUOTAS.map((q) => (
                      <th key={q} scope="col">{quotaName(q)}</th>
                    ))}
                    {FEATURES.map((feature) => (
                      <th key={feature} scope="col">{f.t(`feature.${feature}` as MessageKey)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.map((plan) => (
                    <tr key={plan.id} className={plan.id === subscription.data?.plan ? "table__row--current" : undefined}>
                      <th scope="row">
                        {plan.name}
                        {plan.id === subscription.data?.plan ? ` (${f.t("subscription.current")})` : ""}
                      </th>
                      {QUOTAS.map((q) => (
                        <td key={q}>{limitText(plan.quotas[q])}</td>
                      ))}
                      {FEATURES.map((feature) => (
                        <td key={feature}>{featureValue(plan.features[feature])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </QueryState>
      </section>

      <section className="card" aria-labelledby="sub-history">
        <h2 id="sub-history">{f.t("subscription.history")}</h2>
        <QueryState query={history} isEmpty={(h) => !h.items.length}>
          {(h) => (
            <ul className="plain-list">
              {h.items.map((e) => (
                <li key={e.id}>
                  {f.dateTime(e.created_at)} — {planName(e.from_plan)} → {planName(e.to_plan)} · {e.from_status ? f.t(`sub.${e.from_status}` as MessageKey) : "—"} → {f.t(`sub.${e.to_status}` as MessageKey)}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>
    </Page>
  );
}

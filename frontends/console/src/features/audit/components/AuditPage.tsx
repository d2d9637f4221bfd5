/**
 * Who did what, on what, when and in which request, as sentences with the names the API
 * resolved; filters (person, action, resource, days) are kept in the address.
 */
import { FilterSelect, useAddressFilters } from "../../../shared/components/FilterSelect";
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useAuditLog, usePeople, type AuditFilters } from "../api/audit";
import { ACTION_FAMILIES, RESOURCES, sentence } from "../sentences";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function AuditPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const { params, setFilter } = useAddressFilters({});
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return DAY.test(value) ? value : undefined;
  };
  const filters: AuditFilters = {
    actor: params.get("actor") || undefined,
    action: params.get("action") || undefined,
    target_type: params.get("target_type") || undefined,
    from: day("from"),
    to: day("to"),
  };
  const log = useAuditLog(slug, filters);
  const people = usePeople(slug);
  return (
    <Page title={f.t("audit.title")} wide>
      <form className="filters" aria-label={f.t("audit.filters")} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="audit-person"
          label={f.t("audit.filterPerson")}
          anyLabel={f.t("audit.anyone")}
          value={filters.actor}
          options={(people.data?.items ?? []).map((m) => ({ value: m.user_id, label: m.display_name }))}
          onChange={(value) => setFilter("actor", value)}
        />
        <FilterSelect
          id="audit-action"
          label={f.t("audit.filterAction")}
          anyLabel={f.t("audit.anything")}
          value={filters.action}
          options={ACTION_FAMILIES.map((family) => ({ value: `${family}.`, label: f.t(`audit.family.${family}` as MessageKey) }))}
          onChange={(value) => setFilter("action", value)}
        />
        <FilterSelect
          id="audit-resource"
          label={f.t("audit.filterResource")}
          anyLabel={f.t("audit.anything")}
          value={filters.target_type}
          options={RESOURCES.map((r) => ({ value: r, label: f.t(`audit.resource.${r}` as MessageKey) }))}
          onChange={(value) => setFilter("target_type", value)}
        />
        <div className="field field--inline">
          <label htmlFor="audit-from">{f.t("audit.from")}</label>
          <input id="audit-from" type="date" value={filters.from ?? ""} onChange={(e) => setFilter("from", e.target.value)} />
        </div>
        <div className="field field--inline">
          <label htmlFor="audit-to">{f.t("audit.to")}</label>
          <input id="audit-to" type="date" value={filters.to ?? ""} onChange={(e) => setFilter("to", e.target.value)} />
        </div>
      </form>
      {log.isPending ? (
        <Loading />
      ) : log.error ? (
        <ErrorNotice error={log.error} onRetry={() => void log.refetch()} />
      ) : !log.items.length ? (
        <Empty>{f.t("audit.empty")}</Empty>
      ) : (
        <table className="table table--compact table--cards" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{f.t("audit.sentence")}</th>
              <th scope="col">{f.t("audit.when")}</th>
              <th scope="col">{f.t("audit.request")}</th>
            </tr>
          </thead>
          <tbody>
            {log.items.map((e) => (
              <tr key={e.id}>
                <th scope="row" className="audit__sentence">{sentence(e, f.t)}</th>
                <td data-label={f.t("audit.when")}>
                  <time dateTime={e.created_at}>{f.dateTime(e.created_at)}</time>
                </td>
                <td data-label={f.t("audit.request")}>
                  {e.request_id ? <code className="audit__request">{e.request_id}</code> : <span className="hint">{f.t("audit.noRequest")}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage ? <MoreButton onClick={() => void log.fetchNextPage()} busy={log.isFetchingNextPage} /> : null}
    </Page>
  );
}

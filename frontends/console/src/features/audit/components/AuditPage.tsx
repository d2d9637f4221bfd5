/** Who did what, on which resource, when and in which request. Details shown as text. */
import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { TableScroll } from "../../../shared/components/TableScroll";
import { useI18n } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import { useAuditLog } from "../api/audit";

export function AuditPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const log = useAuditLog(slug);
  return (
    <Page title={f.t("audit.title")} wide>
      {log.isPending ? (
        <Loading />
      ) : log.error ? (
        <ErrorNotice error={log.error} onRetry={() => void log.refetch()} />
      ) : !log.items.length ? (
        <Empty>{f.t("audit.empty")}</Empty>
      ) : (
        <TableScroll label={f.t("audit.title")}>
          <table className="table table--compact" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{f.t("audit.when")}</th>
                <th scope="col">{f.t("audit.who")}</th>
                <th scope="col">{f.t("audit.what")}</th>
                <th scope="col">{f.t("audit.target")}</th>
                <th scope="col">{f.t("audit.details")}</th>
                <th scope="col">{f.t("audit.request")}</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((e) => (
                <tr key={e.id}>
                  <td><time dateTime={e.created_at}>{f.dateTime(e.created_at)}</time></td>
                  <td><code>{e.actor_user_id ?? (e.actor_key_id ? f.t("audit.key", { id: e.actor_key_id.slice(0, 8) }) : f.t("audit.system"))}</code></td>
                  <th scope="row">{e.action}</th>
                  <td>{e.target_type}{e.target_id ? ` ${e.target_id.slice(0, 8)}` : ""}</td>
                  <td><code className="audit__details">{Object.keys(e.details).length ? JSON.stringify(e.details) : ""}</code></td>
                  <td><code>{e.request_id ?? ""}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {log.hasNextPage ? <MoreButton onClick={() => void log.fetchNextPage()} busy={log.isFetchingNextPage} /> : null}
    </Page>
  );
}

/**
 * Webhooks under Settings: the tenant's endpoints (create, edit, enable or disable,
 * rotate the secret, delete, send a test event), the secret shown once, and for the
 * chosen endpoint its recent deliveries, one delivery's request and answer, and resend.
 */
import { useState, type FormEvent } from "react";

import { Badge } from "../../../shared/components/Badge";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { useTenant } from "../../../shared/tenant";
import {
  EVENT_TYPES,
  type EventTypeName,
  useCreateEndpoint,
  useDeleteEndpoint,
  useDeliveries,
  useDelivery,
  useEndpoints,
  useResend,
  useRotateSecret,
  useSendTest,
  useUpdateEndpoint,
  type Endpoint,
  type EndpointFields,
} from "../api/webhooks";

// Long URLs and bodies wrap instead of widening a phone's screen.
const WRAP = { overflowWrap: "anywhere" } as const;
const PRE = { whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: "24rem", overflowY: "auto" } as const;
const TONES: Record<string, string> = { succeeded: "success", failed: "danger", pending: "warning", cancelled: "neutral" };

export function WebhooksPage() {
  const f = useI18n();
  const { slug } = useTenant();
  const endpoints = useEndpoints(slug);
  const create = useCreateEndpoint(slug);
  const update = useUpdateEndpoint(slug);
  const remove = useDeleteEndpoint(slug);
  const rotate = useRotateSecret(slug);
  const test = useSendTest(slug);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [editing, setEditing] = useState<Endpoint | null>(null);
  const showSecret = (e: { url: string; secret: string }) => setSecret({ url: e.url, secret: e.secret });
  const failure = update.error ?? remove.error ?? rotate.error ?? test.error;

  return (
    <Page title={f.t("webhooks.title")}>
      <p className="hint">{f.t("webhooks.help")}</p>
      {secret ? (
        <div className="notice notice--success" role="status" data-testid="webhook-secret">
          <p>{f.t("webhooks.secret", { url: secret.url })}</p>
          <p>
            <input className="copy-field" readOnly value={secret.secret} aria-label={f.t("webhooks.secretLabel")} onFocus={(e) => e.target.select()} />{" "}
            <button type="button" className="button button--small button--secondary" onClick={() => void navigator.clipboard?.writeText(secret.secret)}>
              {f.t("action.copy")}
            </button>{" "}
            <button type="button" className="button button--small button--link" onClick={() => setSecret(null)}>
              {f.t("action.close")}
            </button>
          </p>
        </div>
      ) : null}
      {failure ? <ErrorNotice error={failure} /> : null}
      {test.isSuccess ? <p role="status" className="hint">{f.t("webhooks.testSent")}</p> : null}
      {endpoints.isPending ? (
        <Loading />
      ) : endpoints.error ? (
        <ErrorNotice error={endpoints.error} onRetry={() => void endpoints.refetch()} />
      ) : !endpoints.data?.length ? (
        <Empty>{f.t("webhooks.empty")}</Empty>
      ) : (
        <table className="table table--cards" data-testid="webhooks-table">
          <thead>
            <tr>
              <th scope="col">{f.t("webhooks.url")}</th>
              <th scope="col">{f.t("webhooks.events")}</th>
              <th scope="col">{f.t("webhooks.state")}</th>
              <th scope="col"><span className="visually-hidden">{f.t("webhooks.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {endpoints.data.map((e) => (
              <tr key={e.id}>
                <th scope="row" style={WRAP}>
                  {e.url}
                  {e.description ? <div className="hint">{e.description}</div> : null}
                </th>
                <td data-label={f.t("webhooks.events")}>
                  <code translate="no">{e.event_types.join(", ")}</code>
                </td>
                <td data-label={f.t("webhooks.state")}>
                  <Badge tone={e.enabled ? "success" : "neutral"}>{f.t(e.enabled ? "webhooks.enabled" : "webhooks.disabled")}</Badge>
                  {e.disabled_reason ? <div className="hint">{e.disabled_reason}</div> : null}
                </td>
                <td>
                  <div className="button-row">
                    <button type="button" className="button button--small" onClick={() => setChosen(e.id)} aria-label={`${f.t("webhooks.deliveries")} — ${e.url}`}>
                      {f.t("webhooks.deliveries")}
                    </button>
                    <button type="button" className="button button--small button--secondary" onClick={() => setEditing(e)} aria-label={`${f.t("action.edit")} — ${e.url}`}>
                      {f.t("action.edit")}
                    </button>
                    <button type="button" className="button button--small button--secondary" disabled={update.isPending} onClick={() => update.mutate({ id: e.id, enabled: !e.enabled })}>
                      {f.t(e.enabled ? "webhooks.disable" : "webhooks.enable")}
                    </button>
                    <button type="button" className="button button--small button--secondary" disabled={test.isPending} onClick={() => test.mutate(e.id, { onSuccess: () => setChosen(e.id) })}>
                      {f.t("webhooks.sendTest")}
                    </button>
                    <button type="button" className="button button--small button--secondary" disabled={rotate.isPending} onClick={() => rotate.mutate(e.id, { onSuccess: showSecret })}>
                      {f.t("webhooks.rotate")}
                    </button>
                    <button type="button" className="button button--small button--danger" disabled={remove.isPending} onClick={() => { if (window.confirm(f.t("webhooks.confirmDelete"))) remove.mutate(e.id); }}>
                      {f.t("action.delete")}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <EndpointForm
          key={editing.id}
          heading={f.t("webhooks.edit")}
          initial={editing}
          busy={update.isPending}
          error={update.error}
          onCancel={() => setEditing(null)}
          onSubmit={(fields) => update.mutate({ id: editing.id, ...fields }, { onSuccess: () => setEditing(null) })}
        />
      ) : null}
      {chosen ? <Deliveries endpointId={chosen} /> : null}
      <EndpointForm
        heading={f.t("webhooks.create")}
        busy={create.isPending}
        error={create.error}
        onSubmit={(fields, reset) => create.mutate(fields, { onSuccess: (made) => { showSecret(made); reset(); } })}
      />
    </Page>
  );
}

function EndpointForm({
  heading,
  initial,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  heading: string;
  initial?: Endpoint;
  busy: boolean;
  error: unknown;
  onSubmit: (fields: EndpointFields, reset: () => void) => void;
  onCancel?: () => void;
}) {
  const f = useI18n();
  const id = initial ? `edit-${initial.id}` : "new-webhook";
  const [url, setUrl] = useState(initial?.url ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [types, setTypes] = useState<EventTypeName[]>(initial?.event_types ?? ["comment.created", "post.published"]);
  const toggle = (t: EventTypeName) => setTypes((now) => (now.includes(t) ? now.filter((x) => x !== t) : [...now, t]));

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({ url: url.trim(), description: description.trim(), event_types: types }, () => {
      setUrl("");
      setDescription("");
    });
  }

  return (
    <form className="form card" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <div className="field">
        <label htmlFor={`${id}-url`}>{f.t("webhooks.url")}</label>
        <input id={`${id}-url`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={2000} placeholder="https://" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{f.t("webhooks.description")}</label>
        <input id={`${id}-description`} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <fieldset className="field">
        <legend>{f.t("webhooks.events")}</legend>
        {EVENT_TYPES.map((t) => (
          <label key={t} className="checkbox">
            <input type="checkbox" checked={types.includes(t)} onChange={() => toggle(t)} /> <code translate="no">{t}</code>
          </label>
        ))}
      </fieldset>
      {error ? <ErrorNotice error={error} /> : null}
      <button type="submit" className="button" disabled={busy || !url.trim() || types.length === 0}>
        {initial ? f.t("action.save") : f.t("webhooks.create")}
      </button>{" "}
      {onCancel ? (
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {f.t("action.cancel")}
        </button>
      ) : null}
    </form>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const f = useI18n();
  const { slug } = useTenant();
  const deliveries = useDeliveries(slug, endpointId);
  const resend = useResend(slug, endpointId);
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">{f.t("webhooks.recent")}</h2>
      <button type="button" className="button button--small button--secondary" onClick={() => void deliveries.refetch()}>
        {f.t("webhooks.refresh")}
      </button>
      {resend.error ? <ErrorNotice error={resend.error} /> : null}
      {deliveries.isPending ? (
        <Loading />
      ) : deliveries.error ? (
        <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : !deliveries.data?.items.length ? (
        <Empty>{f.t("webhooks.noDeliveries")}</Empty>
      ) : (
        <table className="table table--cards" data-testid="deliveries-table">
          <thead>
            <tr>
              <th scope="col">{f.t("webhooks.event")}</th>
              <th scope="col">{f.t("webhooks.status")}</th>
              <th scope="col">{f.t("webhooks.code")}</th>
              <th scope="col">{f.t("webhooks.duration")}</th>
              <th scope="col">{f.t("webhooks.attempt")}</th>
              <th scope="col">{f.t("webhooks.when")}</th>
              <th scope="col"><span className="visually-hidden">{f.t("webhooks.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.items.map((d) => (
              <tr key={d.id}>
                <th scope="row"><code translate="no">{d.event_type}</code></th>
                <td data-label={f.t("webhooks.status")}>
                  <Badge tone={TONES[d.status] ?? "neutral"}>{f.t(`webhooks.status.${d.status}` as MessageKey)}</Badge>
                </td>
                <td data-label={f.t("webhooks.code")}>{d.response_status ?? "—"}</td>
                <td data-label={f.t("webhooks.duration")}>{d.duration_ms === null ? "—" : f.t("webhooks.ms", { ms: d.duration_ms })}</td>
                <td data-label={f.t("webhooks.attempt")}>{d.attempt}</td>
                <td data-label={f.t("webhooks.when")}>{f.dateTime(d.attempted_at ?? d.due_at)}</td>
                <td>
                  <div className="button-row">
                    <button type="button" className="button button--small button--secondary" onClick={() => setOpen(d.id)}>
                      {f.t("webhooks.view")}
                    </button>
                    <button type="button" className="button button--small" disabled={resend.isPending} onClick={() => resend.mutate(d.id)}>
                      {f.t("webhooks.resend")}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open ? <DeliveryView endpointId={endpointId} deliveryId={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

function DeliveryView({ endpointId, deliveryId, onClose }: { endpointId: string; deliveryId: string; onClose: () => void }) {
  const f = useI18n();
  const { slug } = useTenant();
  const delivery = useDelivery(slug, endpointId, deliveryId);
  if (delivery.isPending) return <Loading />;
  if (delivery.error) return <ErrorNotice error={delivery.error} onRetry={() => void delivery.refetch()} />;
  const d = delivery.data;
  return (
    <div className="card" data-testid="delivery-detail">
      <h3>{f.t("webhooks.request")}</h3>
      {d.error ? <p className="hint">{d.error}</p> : null}
      <pre style={PRE}>
        {Object.entries(d.request_headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n")}
        {"\n\n"}
        {d.request_body}
      </pre>
      <h3>{f.t("webhooks.response")}</h3>
      <pre style={PRE}>{d.response_body ?? "—"}</pre>
      <button type="button" className="button button--small button--link" onClick={onClose}>
        {f.t("action.close")}
      </button>
    </div>
  );
}

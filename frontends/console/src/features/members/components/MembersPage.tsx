/** Members and roles; invitations answer a link to hand over (no mail is sent). */
import { useState, type FormEvent } from "react";

import { MoreButton } from "../../../shared/components/MoreButton";
import { Page } from "../../../shared/components/Page";
import { Empty, ErrorNotice, Loading, StatusLine } from "../../../shared/components/states";
import { useI18n, type MessageKey } from "../../../shared/i18n";
import { assignableRoles, type Role } from "../../../shared/roles";
import { useTenant } from "../../../shared/tenant";
import { useChangeRole, useInvite, useMembers, useRemoveMember, type Invitation } from "../api/members";

type TenantRole = Exclude<Role, "operator">;

export function MembersPage() {
  const f = useI18n();
  const { slug, role, me } = useTenant();
  const members = useMembers(slug);
  const invite = useInvite(slug);
  const change = useChangeRole(slug);
  const remove = useRemoveMember(slug);
  const roles = assignableRoles(role).filter((r): r is TenantRole => r !== "operator");
  const [email, setEmail] = useState("");
  const [inviteRole, setInviteRole] = useState<TenantRole>("author");
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [done, setDone] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    setInvitation(null);
    invite.mutate({ email: email.trim(), role: inviteRole }, { onSuccess: (inv) => { setInvitation(inv); setEmail(""); } });
  }

  const roleName = (r: string) => f.t(`role.${r}` as MessageKey);
  const mayManage = (target: string) => role === "owner" || role === "operator" || target !== "owner";

  return (
    <Page title={f.t("members.title")}>
      <StatusLine testId="members-done">{done}</StatusLine>
      {change.error ? <ErrorNotice error={change.error} /> : null}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      {members.isPending ? (
        <Loading />
      ) : members.error ? (
        <ErrorNotice error={members.error} onRetry={() => void members.refetch()} />
      ) : !members.items.length ? (
        <Empty>{f.t("members.empty")}</Empty>
      ) : (
        <table className="table table--cards" data-testid="members-table">
          <thead>
            <tr>
              <th scope="col">{f.t("members.name")}</th>
              <th scope="col">{f.t("members.email")}</th>
              <th scope="col">{f.t("members.role")}</th>
              <th scope="col">{f.t("members.joined")}</th>
              <th scope="col"><span className="visually-hidden">{f.t("action.remove")}</span></th>
            </tr>
          </thead>
          <tbody>
            {members.items.map((m) => {
              const editable = mayManage(m.role) && m.user_id !== me.id;
              return (
                <tr key={m.user_id}>
                  <th scope="row">{m.display_name}</th>
                  <td data-label={f.t("members.email")}>{m.email}</td>
                  <td data-label={f.t("members.role")}>
                    {editable ? (
                      <select
                        aria-label={f.t("members.changeRole", { name: m.display_name })}
                        value={m.role}
                        disabled={change.isPending}
                        onChange={(e) => {
                          const next = e.target.value as TenantRole;
                          change.mutate(
                            { userId: m.user_id, role: next },
                            { onSuccess: () => setDone(f.t("members.roleChanged", { name: m.display_name, role: roleName(next) })) },
                          );
                        }}
                      >
                        {(roles.includes(m.role as TenantRole) ? roles : [m.role as TenantRole, ...roles]).map((r) => (
                          <option key={r} value={r}>
                            {roleName(r)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      roleName(m.role)
                    )}
                  </td>
                  <td data-label={f.t("members.joined")}>{f.date(m.joined_at)}</td>
                  <td>
                    {editable ? (
                      <button
                        type="button"
                        className="button button--small button--danger"
                        disabled={remove.isPending}
                        aria-label={`${f.t("action.remove")} — ${m.display_name}`}
                        onClick={() => {
                          if (!window.confirm(f.t("confirm.remove", { name: m.display_name }))) return;
                          remove.mutate(m.user_id, { onSuccess: () => setDone(f.t("members.removed", { name: m.display_name })) });
                        }}
                      >
                        {f.t("action.remove")}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {members.hasNextPage ? <MoreButton onClick={() => void members.fetchNextPage()} busy={members.isFetchingNextPage} /> : null}

      <form className="form card" onSubmit={submit} aria-labelledby="invite-heading">
        <h2 id="invite-heading">{f.t("members.invite")}</h2>
        <div className="field">
          <label htmlFor="invite-email">{f.t("members.email")}</label>
          <input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </div>
        <div className="field field--inline">
          <label htmlFor="invite-role">{f.t("members.role")}</label>
          <select id="invite-role" value={inviteRole} onChange={(e) => setInviteRole(e.target.value as TenantRole)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </div>
        {invite.error ? <ErrorNotice error={invite.error} /> : null}
        <button type="submit" className="button" disabled={invite.isPending || !email.trim()}>
          {f.t("members.send")}
        </button>
        {invitation ? (
          <div className="notice notice--success" role="status" data-testid="invitation">
            <p>{f.t("members.link", { email: invitation.email, when: f.dateTime(invitation.expires_at) })}</p>
            <p>
              <input className="copy-field" readOnly value={invitation.accept_url} aria-label={invitation.email} onFocus={(e) => e.target.select()} />{" "}
              <button type="button" className="button button--small button--secondary" onClick={() => void navigator.clipboard?.writeText(invitation.accept_url)}>
                {f.t("action.copy")}
              </button>
            </p>
          </div>
        ) : null}
      </form>
    </Page>
  );
}

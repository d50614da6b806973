import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api';
import {
  INVITABLE_ROLES,
  type InvitableRole,
  type InvitationCreated,
  ROLES,
  type Role,
} from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { type Errors, LIMITS, validateInvite } from '../lib/validation';
import {
  Empty,
  ErrorView,
  Field,
  FormError,
  Loading,
  PageHeading,
  SelectField,
  submitIfValid,
} from '../ui/components';
import { projectKeys, useInvitations, useMembers } from './hooks';
import { useProjectContext } from './ProjectLayout';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function MembersPage() {
  const { project, can } = useProjectContext();
  const { user } = useAuth();
  const members = useMembers(project.id);
  const queryClient = useQueryClient();
  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: projectKeys.members(project.id) });
  const path = (userId: string) => ({
    params: { path: { project_id: project.id, user_id: userId } },
  });
  const changeRole = useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(
        await api.PATCH('/api/projects/{project_id}/members/{user_id}', {
          ...path(userId),
          body: { role },
        }),
      ),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: async (userId: string) =>
      unwrap(await api.DELETE('/api/projects/{project_id}/members/{user_id}', path(userId))),
    onSettled: invalidate,
  });
  // Removing someone takes a second click, like deleting a task or a project.
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);

  return (
    <section>
      <PageHeading>Members</PageHeading>
      {!can.manageMembers && (
        <p className="muted">Only owners can invite people or change roles.</p>
      )}
      <FormError error={changeRole.error ?? remove.error} />
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.isError ? (
        <ErrorView error={members.error} onRetry={() => members.refetch()} />
      ) : members.data.length === 0 ? (
        <Empty title="No members." />
      ) : (
        <table className="table stack-table">
          <caption className="visually-hidden">Project members and their roles</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {can.manageMembers && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.user_id}>
                <td className="stack-title">
                  {member.display_name}
                  {member.user_id === user?.id && <span className="muted"> (you)</span>}
                </td>
                <td>{member.email}</td>
                <td className="stack-half">
                  {can.manageMembers ? (
                    <select
                      aria-label={`Role of ${member.display_name}`}
                      value={member.role}
                      disabled={changeRole.isPending}
                      onChange={(e) =>
                        changeRole.mutate({ userId: member.user_id, role: e.target.value as Role })
                      }
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span className={`badge badge-${member.role}`}>{member.role}</span>
                  )}
                </td>
                {can.manageMembers && (
                  <td className="stack-half">
                    {confirmRemove === member.user_id ? (
                      <div className="button-row">
                        <button
                          type="button"
                          className="button-danger"
                          disabled={remove.isPending}
                          onClick={() => remove.mutate(member.user_id)}
                        >
                          {remove.isPending ? 'Removing…' : `Yes, remove ${member.display_name}`}
                        </button>
                        <button
                          type="button"
                          className="button-secondary"
                          onClick={() => setConfirmRemove(null)}
                        >
                          Cancel
                        </button>
                      </div>
                    ) : (
                      <button
                        type="button"
                        className="button-secondary"
                        onClick={() => setConfirmRemove(member.user_id)}
                        aria-label={`Remove ${member.display_name}…`}
                      >
                        Remove…
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can.manageMembers && <PendingInvitations projectId={project.id} />}
      {can.manageMembers && <InviteForm projectId={project.id} />}
      <LeaveProject projectId={project.id} projectName={project.name} />
    </section>
  );
}

function PendingInvitations({ projectId }: { projectId: string }) {
  const invitations = useInvitations(projectId, true);
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: async (invitationId: string) =>
      unwrap(
        await api.DELETE('/api/projects/{project_id}/invitations/{invitation_id}', {
          params: { path: { project_id: projectId, invitation_id: invitationId } },
        }),
      ),
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: projectKeys.invitations(projectId) }),
  });
  return (
    <section aria-labelledby="pending-heading">
      <h2 id="pending-heading">Pending invitations</h2>
      <FormError error={revoke.error} />
      {invitations.isPending ? (
        <Loading label="Loading invitations…" />
      ) : invitations.isError ? (
        <ErrorView error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : invitations.data.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <table className="table stack-table">
          <caption className="visually-hidden">Invitations not yet accepted</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {invitations.data.map((invitation) => (
              <tr key={invitation.id}>
                <td className="stack-title">{invitation.email}</td>
                <td>
                  <span className={`badge badge-${invitation.role}`}>{invitation.role}</span>
                </td>
                <td data-label="Invited by">{invitation.invited_by_name ?? '—'}</td>
                <td data-label="Expires">{dateFormat.format(new Date(invitation.expires_at))}</td>
                <td>
                  <button
                    type="button"
                    className="button-secondary"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate(invitation.id)}
                    aria-label={`Revoke the invitation to ${invitation.email}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InviteForm({ projectId }: { projectId: string }) {
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InvitableRole>('member');
  const [errors, setErrors] = useState<Errors<'email'>>({});
  const invite = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/projects/{project_id}/invitations', {
          params: { path: { project_id: projectId } },
          body: { email: email.trim(), role },
        }),
      ),
    onSuccess: () => {
      setEmail('');
      return queryClient.invalidateQueries({ queryKey: projectKeys.invitations(projectId) });
    },
  });
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateInvite({ email }), setErrors, () =>
      invite.mutate(),
    );
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <p className="muted">
        They get a link to accept, and join once they log in with this email (signing up first if
        they have no account). The link works once and expires after a week.
      </p>
      <FormError error={invite.error} />
      {invite.isSuccess && <InvitationLink created={invite.data} />}
      <Field
        label="Email of the person to invite"
        type="email"
        value={email}
        maxLength={LIMITS.email.max}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <SelectField
        label="Role"
        value={role}
        onChange={(e) => setRole(e.target.value as InvitableRole)}
      >
        {INVITABLE_ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </SelectField>
      <button type="submit" disabled={invite.isPending}>
        {invite.isPending ? 'Inviting…' : 'Invite'}
      </button>
    </form>
  );
}

/** The copy-link box: until invitations go out by e-mail, the owner shares the link. */
function InvitationLink({ created }: { created: InvitationCreated }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const url = new URL(created.link, window.location.origin).toString();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  const { invitation } = created;
  return (
    <div className="notice invitation-link">
      <p role="status">
        Invitation created for {invitation.email} as a {invitation.role}. Send them this link; it
        works once and expires on {dateFormat.format(new Date(invitation.expires_at))}.
      </p>
      <label htmlFor={id}>Invitation link</label>
      <div className="button-row">
        <input id={id} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button-secondary" onClick={copy}>
          Copy link
        </button>
      </div>
      {copied && (
        <p role="status">
          {copied === 'yes' ? 'Link copied.' : 'Copying failed: select the link and copy it.'}
        </p>
      )}
    </div>
  );
}

function LeaveProject({ projectId, projectName }: { projectId: string; projectName: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const leave = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/projects/{project_id}/leave', {
          params: { path: { project_id: projectId } },
        }),
      ),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: projectKeys.one(projectId) });
      // Refetch the (inactive) list before going there, so the project never shows again.
      await queryClient.invalidateQueries({
        queryKey: projectKeys.all,
        exact: true,
        refetchType: 'all',
      });
      navigate('/', { replace: true });
    },
  });
  return (
    <section aria-labelledby="leave-heading">
      <h2 id="leave-heading">Leave this project</h2>
      <p className="muted">
        You lose access at once; an owner can invite you again. A project's last owner cannot leave
        it.
      </p>
      <FormError error={leave.error} />
      {confirming ? (
        <div className="button-row">
          <button
            type="button"
            className="button-danger"
            disabled={leave.isPending}
            onClick={() => leave.mutate()}
          >
            {leave.isPending ? 'Leaving…' : `Yes, leave “${projectName}”`}
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setConfirming(false);
              leave.reset();
            }}
          >
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button-secondary" onClick={() => setConfirming(true)}>
          Leave project…
        </button>
      )}
    </section>
  );
}

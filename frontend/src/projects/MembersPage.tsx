import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { api, unwrap } from '../api';
import { ROLES, type Role } from '../api/types';
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
import { projectKeys, useMembers } from './hooks';
import { useProjectContext } from './ProjectLayout';

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
        <table className="table">
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
                <td>
                  {member.display_name}
                  {member.user_id === user?.id && <span className="muted"> (you)</span>}
                </td>
                <td>{member.email}</td>
                <td>
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
                  <td>
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
      {can.manageMembers && <InviteForm projectId={project.id} onDone={invalidate} />}
    </section>
  );
}

function InviteForm({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [errors, setErrors] = useState<Errors<'email'>>({});
  const invite = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/projects/{project_id}/members', {
          params: { path: { project_id: projectId } },
          body: { email: email.trim(), role },
        }),
      ),
    onSuccess: () => {
      setEmail('');
      onDone();
    },
  });
  const submit = (event: FormEvent) =>
    submitIfValid(event, formRef.current, validateInvite({ email }), setErrors, () =>
      invite.mutate(),
    );
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <p className="muted">They need an account already; they get access at once.</p>
      <FormError error={invite.error} />
      {invite.isSuccess && (
        <p className="notice" role="status">
          {invite.data.display_name} is now a {invite.data.role}.
        </p>
      )}
      <Field
        label="Email of the person to invite"
        type="email"
        value={email}
        maxLength={LIMITS.email.max}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
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

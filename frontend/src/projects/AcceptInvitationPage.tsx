import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api';
import type { InvitationPreview } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorView, FormError, Loading, PageHeading } from '../ui/components';
import { invitationKeys, projectKeys, useInvitationPreview } from './hooks';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * /invitations/:token, the link an owner shares (docs/decisions/0083). A signed-in page: someone
 * logged out is sent to log in (or sign up) and comes back here (ui/AppLayout). Joining needs
 * the account whose e-mail was invited; the API checks it, and this page says so first.
 */
export function AcceptInvitationPage() {
  const { token = '' } = useParams();
  const preview = useInvitationPreview(token);
  return (
    <section>
      <PageHeading>Invitation</PageHeading>
      {preview.isPending ? (
        <Loading label="Opening the invitation…" />
      ) : preview.isError ? (
        <>
          <ErrorView error={preview.error} title="This invitation cannot be used" />
          <p>
            <Link to="/">Go to your projects</Link>
          </p>
        </>
      ) : (
        <Offer token={token} offer={preview.data} />
      )}
    </section>
  );
}

function Offer({ token, offer }: { token: string; offer: InvitationPreview }) {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const accept = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/invitations/accept', { body: { token } })),
    onSuccess: async (project) => {
      queryClient.setQueryData(projectKeys.one(project.id), project);
      queryClient.removeQueries({ queryKey: invitationKeys.preview(token) });
      // Refetch the (inactive) list before going on, so the new project shows there too.
      await queryClient.invalidateQueries({
        queryKey: projectKeys.all,
        exact: true,
        refetchType: 'all',
      });
      navigate(`/projects/${project.id}`, { replace: true });
    },
  });
  const otherAccount = user !== undefined && user.email.toLowerCase() !== offer.email;
  const logInAsInvitee = async () => {
    await signOut();
    navigate('/login', {
      replace: true,
      state: {
        from: location.pathname,
        notice: `Log in as ${offer.email} to accept the invitation.`,
      },
    });
  };

  return (
    <>
      <p>
        <strong>{offer.invited_by_name ?? 'An owner'}</strong> invited you to join{' '}
        <strong>{offer.project_name}</strong> as a {offer.role}.
      </p>
      <p className="muted">
        This invitation is for {offer.email}. It works once and expires on{' '}
        {dateFormat.format(new Date(offer.expires_at))}.
      </p>
      {otherAccount ? (
        <>
          <p role="alert">
            You are logged in as {user.email}. To accept, log out, then log in (or sign up) as{' '}
            {offer.email}.
          </p>
          <button type="button" onClick={logInAsInvitee}>
            Log out
          </button>
        </>
      ) : (
        <>
          <FormError error={accept.error} />
          <div className="button-row">
            <button type="button" disabled={accept.isPending} onClick={() => accept.mutate()}>
              {accept.isPending ? 'Joining…' : `Join ${offer.project_name}`}
            </button>
            <Link className="button button-secondary" to="/">
              Not now
            </Link>
          </div>
        </>
      )}
    </>
  );
}

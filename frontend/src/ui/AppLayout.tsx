import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { PageHeading } from './components';
import { ShortcutsHelp } from './ShortcutsHelp';
import { ToastProvider } from './toasts';

/** Signed-in pages: header, navigation, and a redirect to /login without a session. */
export function AppLayout() {
  const { signedIn, status, user, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (status === 'checking') {
    // The session cookie is being exchanged for an access token (one request at start).
    return (
      <main id="main" aria-busy="true">
        <p className="muted" role="status">
          Loading…
        </p>
      </main>
    );
  }
  if (!signedIn) {
    // An invitation link opened logged out: say why, and come back to it after logging in or
    // signing up (auth/pages.tsx keeps `from` across the two).
    const notice = location.pathname.startsWith('/invitations/')
      ? 'Log in to accept the invitation, or create an account with the email it was sent to.'
      : undefined;
    return (
      <Navigate to="/login" replace state={{ from: location.pathname + location.search, notice }} />
    );
  }
  return (
    <ToastProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Task tracker
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Projects
          </NavLink>
          <NavLink to="/account">Account</NavLink>
        </nav>
        <div className="user">
          {user && <span className="muted user-name">{user.display_name}</span>}
          <button
            type="button"
            className="button-secondary"
            onClick={async () => {
              await signOut();
              navigate('/login', { replace: true, state: { notice: 'You have logged out.' } });
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <ShortcutsHelp />
    </ToastProvider>
  );
}

export function NotFoundPage() {
  return (
    <main id="main">
      <PageHeading>Page not found</PageHeading>
      <p>
        There is nothing at this address. <Link to="/">Go to your projects</Link>.
      </p>
    </main>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useDeferredValue,
  useEffect,
  useMemo,
  useSyncExternalStore,
} from 'react';
import { api, BROWSER_HEADERS, session, unwrap } from '../api';
import type { SessionStatus } from '../api/session';
import type { User } from '../api/types';

interface AuthState {
  signedIn: boolean;
  /** 'checking' while the first refresh (the session cookie) has not answered. */
  status: SessionStatus;
  user: User | undefined;
  /** Shown on the login page when the session ended by itself (status 'ended'). */
  endedReason: string | null;
  signIn: (tokens: { access_token: string; expires_in: number }) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const current = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.status,
  );
  // The first answer (the silent refresh at start) mounts the signed-in pages in a render that
  // yields to the browser: an update from useSyncExternalStore renders in one task. Later
  // changes (log in, log out, a refused refresh) render at once, as before.
  const first = useDeferredValue(current);
  const status = first === 'checking' ? first : current;
  const signedIn = status === 'signed-in';
  const endedReason = status === 'ended' ? 'Your session has ended. Please log in again.' : null;

  useEffect(() => {
    // Read here, not in the first render: that render is a transition, and the silent refresh
    // can answer between it and this effect.
    let wasSignedIn = session.signedIn;
    return session.subscribe(() => {
      // Another account may sign in next in this tab: nothing of this one's stays cached.
      if (wasSignedIn && !session.signedIn) queryClient.clear();
      wasSignedIn = session.signedIn;
    });
  }, [queryClient]);

  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => unwrap(await api.GET('/api/auth/me')),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });

  const signIn = useCallback<AuthState['signIn']>((tokens) => session.set(tokens), []);

  const signOut = useCallback(async () => {
    // Ends the session of the cookie (every tab's: the others find out on their next
    // request) and clears the cookie. Best effort: this tab forgets its token whatever the
    // answer.
    await api.POST('/api/auth/logout', { params: { header: BROWSER_HEADERS } }).catch(() => {});
    session.clear();
  }, []);

  const value = useMemo<AuthState>(
    () => ({ signedIn, status, user: me.data, endedReason, signIn, signOut }),
    [signedIn, status, me.data, endedReason, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

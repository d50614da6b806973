import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { api, session, unwrap } from '../api';
import type { User } from '../api/types';

interface AuthState {
  signedIn: boolean;
  user: User | undefined;
  /** Set when the session ended by itself (refresh refused), shown on the login page. */
  endedReason: string | null;
  signIn: (tokens: { access_token: string; refresh_token: string; expires_in: number }) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const signedIn = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.signedIn,
  );
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const leaving = useRef(false);

  useEffect(
    () =>
      session.subscribe(() => {
        if (session.signedIn) return;
        if (!leaving.current) setEndedReason('Your session has ended. Please log in again.');
        leaving.current = false;
        queryClient.clear();
      }),
    [queryClient],
  );

  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => unwrap(await api.GET('/api/auth/me')),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });

  const signIn = useCallback<AuthState['signIn']>((tokens) => {
    setEndedReason(null);
    session.set(tokens);
  }, []);

  const signOut = useCallback(async () => {
    const refreshToken = session.refreshToken;
    leaving.current = true;
    if (refreshToken) {
      // Best effort: the tokens are forgotten here whatever the answer.
      await api.POST('/api/auth/logout', { body: { refresh_token: refreshToken } }).catch(() => {});
    }
    session.clear();
  }, []);

  const value = useMemo<AuthState>(
    () => ({ signedIn, user: me.data, endedReason, signIn, signOut }),
    [signedIn, me.data, endedReason, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

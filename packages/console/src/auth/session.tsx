import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiRequestError, api, setCsrfToken } from '../api/client';
import type { Me, User } from '../api/types';

export type SessionState =
  | { readonly status: 'loading' }
  /** Not signed in. `problem` is set when the server failed for another reason than 401. */
  | { readonly status: 'anonymous'; readonly problem?: ApiRequestError }
  | { readonly status: 'ready'; readonly me: Me };

export interface Session {
  readonly state: SessionState;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Reads `/api/auth/me` again (after renaming a project, accepting an invitation…). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

async function fetchMe(): Promise<SessionState> {
  try {
    const me = await api<Me>('GET', '/api/auth/me');
    setCsrfToken(me.csrfToken);
    return { status: 'ready', me };
  } catch (err) {
    setCsrfToken(null);
    if (err instanceof ApiRequestError) {
      return err.status === 401 ? { status: 'anonymous' } : { status: 'anonymous', problem: err };
    }
    throw err;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const refresh = useCallback(async () => {
    setState(await fetchMe());
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) => {
    const res = await api<{ user: User; csrfToken: string }>('POST', '/api/auth/login', {
      email,
      password,
    });
    setCsrfToken(res.csrfToken);
    setState(await fetchMe());
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
    }
  }, []);

  return (
    <SessionContext.Provider value={{ state, login, logout, refresh }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside <SessionProvider>');
  return v;
}

/** The signed-in person's data; only for components under the authenticated layout. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'ready') throw new Error('useMe without a session');
  return state.me;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, type Session, setUnauthorizedHandler, tokenStore, type Role } from './api';

interface AuthValue {
  session: Session | null;
  /** True while a stored token is being checked at start. */
  restoring: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
  /** Whether the signed-in role includes `role` (viewer < operator < admin). */
  can: (role: Role) => boolean;
  /**
   * Whether the token is a province's (hub-interface.md, "v1 additions"): it sees only its provinces,
   * and the Center's screens (queues, audit, roll-out, onboarding) are not offered to it.
   */
  province: boolean;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
const AuthContext = createContext<AuthValue | null>(null);

/**
 * The token lives in sessionStorage: it survives a reload but not the tab, and is never written
 * to a cookie (the API accepts only the Authorization header). whoami checks it and tells the role.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => tokenStore.get() !== null);

  const signOut = useCallback(() => {
    const token = tokenStore.get();
    tokenStore.clear();
    setSession(null);
    // The queue board's sessions end with the sign-out: the server forgets them (it needs the token
    // to know whose) and clears this browser's cookie. Best effort: a failure leaves the session to
    // its expiry, and the token is gone from this tab either way.
    if (token) {
      void fetch('/v1/admin/session', {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined);
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      tokenStore.clear();
      setSession(null);
    });
    const stored = tokenStore.get();
    if (!stored) return;
    api<Session>('/v1/admin/whoami', { token: stored })
      .then((who) => setSession(asSession(who)))
      .catch(() => tokenStore.clear())
      .finally(() => setRestoring(false));
  }, []);

  const signIn = useCallback(async (token: string) => {
    const who = await api<Session>('/v1/admin/whoami', { token });
    tokenStore.set(token);
    setSession(asSession(who));
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      session,
      restoring,
      signIn,
      signOut,
      can: (role) => (session ? RANK[session.role] >= RANK[role] : false),
      province: session !== null && session.provinces !== null,
    }),
    [session, restoring, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** whoami's answer, with a missing `provinces` read as the whole country (a hub older than v1 additions). */
function asSession(who: Session): Session {
  return { name: who.name, role: who.role, provinces: Array.isArray(who.provinces) ? who.provinces : null };
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

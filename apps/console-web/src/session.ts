import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { SessionView } from './api/types';

export const SessionContext = createContext<SessionView | undefined>(undefined);

/** The signed-in user's session (inside the shell it is always there). */
export function useSession(): SessionView {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

/** A new session (log-in, another organisation): nothing cached from before it is kept. */
export function signedIn(client: QueryClient, session: SessionView): void {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  client.setQueryData(['session'], session);
}

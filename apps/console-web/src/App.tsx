import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, onSessionEnded } from './api/http';
import { session as sessionApi } from './api/endpoints';
import { ErrorState, Loading } from './components/states';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/login/LoginPage';
import { SessionContext, signedIn } from './session';

/** Signed in: the console; not: the log-in screen; the console unreachable: what happened and a retry. */
export function App() {
  const client = useQueryClient();
  const current = useQuery({ queryKey: ['session'], queryFn: sessionApi.current, retry: false, staleTime: 60_000 });

  useEffect(() => onSessionEnded(() => void client.resetQueries({ queryKey: ['session'] })), [client]);

  if (current.isPending) return <main className="center"><Loading label="Opening Millrace…" /></main>;
  if (current.error) {
    const e = current.error;
    if (e instanceof ApiError && e.status === 401) {
      return <LoginPage expired={e.code === 'session_expired'} onLoggedIn={(s) => signedIn(client, s)} />;
    }
    return <main className="center"><ErrorState error={e} onRetry={() => void current.refetch()} /></main>;
  }
  return (
    <SessionContext.Provider value={current.data}>
      <Shell />
    </SessionContext.Provider>
  );
}

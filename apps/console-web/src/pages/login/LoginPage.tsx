import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { session as sessionApi } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { SessionView } from '../../api/types';

/** What a failed log-in means, in the person's words. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 401) return 'Wrong e-mail or password.';
  if (error.code === 'account_locked') return `${error.message}.`;
  if (error.status === 429) return `Too many attempts: wait ${error.retryAfterSeconds ?? 60} seconds and try again.`;
  if (error.unavailable) return `${error.message} (${error.status === 0 ? 'no answer' : error.status}).`;
  return error.message;
}

export function LoginPage({ onLoggedIn, expired }: { onLoggedIn: (s: SessionView) => void; expired?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const logIn = useMutation({ mutationFn: () => sessionApi.logIn(email, password), onSuccess: onLoggedIn });
  return (
    <main className="center login">
      <form
        className="card login-card"
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          logIn.mutate();
        }}
      >
        <h1 id="login-title">Log in to Millrace</h1>
        {expired ? <p className="muted" role="status">Your session has ended. Log in again.</p> : null}
        <label htmlFor="login-email">Email</label>
        <input id="login-email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {logIn.error ? <p role="alert" className="error">{explain(logIn.error)}</p> : null}
        <button type="submit" className="primary" disabled={logIn.isPending}>{logIn.isPending ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}

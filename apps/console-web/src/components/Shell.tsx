import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { session as sessionApi } from '../api/endpoints';
import { navigate, useLocation } from '../router';
import { signedIn, useSession } from '../session';
import { GettingStartedPage } from '../pages/start/GettingStartedPage';
import { GraphsPage } from '../pages/graphs/GraphsPage';
import { SearchPage } from '../pages/search/SearchPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { TailPage } from '../pages/tail/TailPage';
import { ViewsPage } from '../pages/views/ViewsPage';
import { ErrorState } from './states';

const NAV = [
  { path: '/search', label: 'Search' },
  { path: '/tail', label: 'Live tail' },
  { path: '/graphs', label: 'Graphs' },
  { path: '/views', label: 'Saved views' },
  { path: '/settings', label: 'Settings' },
  { path: '/start', label: 'Getting started' },
];

/** Internal links that navigate without reloading the page. */
export function Link({ to, children, className, ...rest }: { to: string; children: React.ReactNode; className?: string } & React.AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      className={className}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

function OrgSwitcher() {
  const session = useSession();
  const client = useQueryClient();
  const orgs = useQuery({ queryKey: ['organisations', session.user.id], queryFn: sessionApi.organisations, staleTime: 60_000 });
  const change = useMutation({
    mutationFn: sessionApi.switchOrg,
    onSuccess: (next) => {
      signedIn(client, next);
      navigate('/search');
    },
  });
  const list = orgs.data ?? [{ org: session.org, name: session.org, role: session.role }];
  return (
    <div className="org-switcher">
      <label htmlFor="org-switcher">Organisation</label>
      <select id="org-switcher" value={session.org} disabled={list.length < 2 || change.isPending} onChange={(e) => change.mutate(e.target.value)}>
        {list.map((o) => <option key={o.org} value={o.org}>{o.name === o.org ? o.org : `${o.name} (${o.org})`} — {o.role}</option>)}
      </select>
      {change.error ? <span role="alert" className="error small">{change.error.message}</span> : null}
    </div>
  );
}

export function Shell() {
  const session = useSession();
  const client = useQueryClient();
  const { path } = useLocation();
  const logOut = useMutation({
    mutationFn: sessionApi.logOut,
    onSettled: () => {
      navigate('/login', { replace: true });
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      void client.resetQueries({ queryKey: ['session'] });
    },
  });
  const page = path === '/' || path === '/login' ? '/search' : path;
  if (path === '/' || path === '/login') queueMicrotask(() => navigate('/search', { replace: true }));
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand" aria-label="Millrace">Millrace</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <Link to={n.path} aria-current={page.startsWith(n.path) ? 'page' : undefined}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <OrgSwitcher />
          <span className="muted small" title={`role ${session.role}`}>{session.user.email} · {session.role}</span>
          <button type="button" onClick={() => logOut.mutate()} disabled={logOut.isPending}>Log out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={page} />
      </main>
    </div>
  );
}

function Page({ path }: { path: string }) {
  if (path.startsWith('/search')) return <SearchPage />;
  if (path.startsWith('/tail')) return <TailPage />;
  if (path.startsWith('/graphs')) return <GraphsPage />;
  if (path.startsWith('/views')) return <ViewsPage />;
  if (path.startsWith('/settings')) return <SettingsPage />;
  if (path.startsWith('/start')) return <GettingStartedPage />;
  return <ErrorState title="Not found" error={new Error(`There is no page ${path}.`)} onRetry={() => navigate('/search')} />;
}

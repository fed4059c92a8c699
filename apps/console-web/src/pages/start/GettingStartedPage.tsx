import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { session as sessionApi } from '../../api/endpoints';
import type { CreatedKey } from '../../api/types';
import { CopyButton } from '../../components/CopyButton';
import { Link } from '../../components/Shell';
import { ErrorState, Loading } from '../../components/states';
import { useSession } from '../../session';
import { can } from '../../utils/permissions';
import { KeysSection, SecretOnce } from '../settings/sections/KeysSection';
import { searchHref } from '../search/utils/searchState';
import { buildSnippets } from './utils/snippets';

/** Where to send logs from, with snippets for the common shippers and a key made right here. */
export function GettingStartedPage() {
  const session = useSession();
  const settings = useQuery({ queryKey: ['console-settings'], queryFn: sessionApi.settings, staleTime: Infinity });
  const [key, setKey] = useState<CreatedKey | undefined>();
  const ingestUrl = settings.data?.ingestUrl ?? `${window.location.protocol}//${window.location.hostname}:17080`;
  const snippets = buildSnippets({ ingestUrl, syslog: settings.data?.syslog }, key?.secret);
  return (
    <div className="page">
      <h1>Getting started</h1>
      <p>Send logs to <code>{ingestUrl}</code>{settings.data?.syslog ? <> or, over syslog, to <code>{settings.data.syslog.host}</code> (TCP {settings.data.syslog.tcpPort ?? '—'}, TLS {settings.data.syslog.tlsPort ?? '—'})</> : null}, then find them in <Link to={searchHref({ from: '-15m' })}>Search</Link> or watch them arrive in <Link to="/tail">Live tail</Link>.</p>
      {settings.isPending ? <Loading /> : null}
      {settings.error ? <ErrorState error={settings.error} onRetry={() => void settings.refetch()} /> : null}
      <h2>1. An ingestion key</h2>
      {can(session.role, 'keys:manage') ? (
        key ? (
          <>
            <SecretOnce created={key} onDone={() => undefined} />
            <p role="status">The snippets below now use the key <strong>{key.name}</strong> (<code>{key.prefix}…</code>).</p>
          </>
        ) : <KeysSection onCreated={(k) => { if (k.kind === 'ingest') setKey(k); }} />
      ) : (
        <p role="note" className="muted">Ask an owner or admin of your organisation for an ingestion key; the snippets show where it goes.</p>
      )}
      <h2>2. Your shipper</h2>
      {snippets.map((s) => (
        <section key={s.id} className="snippet" aria-labelledby={`snippet-${s.id}`}>
          <h3 id={`snippet-${s.id}`}>{s.title}</h3>
          <p className="muted small">{s.what}</p>
          <pre><code>{s.text}</code></pre>
          <CopyButton text={s.text} label={`Copy the ${s.title} snippet`} />
        </section>
      ))}
    </div>
  );
}

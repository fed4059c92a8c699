import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { alerts, drains, parsingRules, redaction, routingRules } from '../../../api/endpoints';
import type { ConfigObject } from '../../../api/types';
import { ErrorState, Loading } from '../../../components/states';
import { Time } from '../../../components/Time';
import { formatCount } from '../../../utils/time';
import { ConfigCollection } from './ConfigCollection';
import { DryRun } from './DryRun';
import { JsonForm } from './JsonForm';

const text = (v: unknown) => (v === undefined || v === null || v === '' ? <span className="muted">—</span> : <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>);
const when = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? <Time ms={typeof v === 'number' ? v : Date.parse(v)} /> : <span className="muted">never</span>);

const PARSING_TEMPLATE = {
  name: 'checkout timings', app: 'checkout-*',
  pattern: { kind: 'grok', source: '%{WORD:method} %{URIPATH:path} took %{NUMBER:duration_ms}ms' },
  fieldTypes: { duration_ms: 'number' },
};

export function ParsingSection({ canEdit }: { canEdit: boolean }) {
  return (
    <>
      <ConfigCollection
        title="Parsing rules" noun="parsing rule" queryKey="parsing-rules" api={parsingRules} canEdit={canEdit} template={PARSING_TEMPLATE}
        description={<>Rules turn your own line formats into fields: a <code>regex</code> with named groups or a <code>grok</code> pattern, for an <code>app</code> (glob) or a query. Tried in order; the first match wins.</>}
        columns={[
          { label: 'App', render: (o) => text(o.app) },
          { label: 'Pattern', render: (o) => text((o.pattern as { source?: string } | undefined)?.source) },
          { label: 'State', render: (o) => (o.disabledReason ? <span className="error">disabled: {String(o.disabledReason)}</span> : o.enabled === false ? 'off' : 'on') },
        ]}
      />
      <DryRun label="Dry run: try a rule on sample lines" initialRule={PARSING_TEMPLATE} run={(rule, lines) => parsingRules.dryRun(rule, lines.map((line) => ({ line, app: (rule as { app?: string }).app?.replace(/\*.*$/, 'x') ?? undefined })))} />
    </>
  );
}

export function RedactionSection({ canEdit }: { canEdit: boolean }) {
  const client = useQueryClient();
  const current = useQuery({ queryKey: ['redaction'], queryFn: redaction.get });
  const [editing, setEditing] = useState(false);
  const save = useMutation({ mutationFn: (v: unknown) => redaction.put(v), onSuccess: () => { setEditing(false); void client.invalidateQueries({ queryKey: ['redaction'] }); } });
  return (
    <section className="settings-section" aria-labelledby="redaction-title">
      <h2 id="redaction-title">Redaction</h2>
      <p className="muted">Personal data is replaced by <code>[REDACTED:…]</code> before anything is stored: e-mail addresses, card numbers, IP addresses, and up to 20 patterns of your own.</p>
      {current.isPending ? <Loading /> : null}
      {current.error ? <ErrorState error={current.error} onRetry={() => void current.refetch()} /> : null}
      {current.data && !editing ? (
        <>
          <table className="data">
            <caption className="sr-only">Redaction settings</caption>
            <tbody>
              {['email', 'creditCard', 'ipv4', 'ipv6'].map((k) => <tr key={k}><th scope="row">{k}</th><td>{current.data[k] ? 'redacted' : 'kept'}</td></tr>)}
              <tr><th scope="row">custom</th><td>{((current.data.custom as unknown[]) ?? []).length} patterns {text(current.data.custom)}</td></tr>
            </tbody>
          </table>
          {canEdit ? <div><button type="button" onClick={() => setEditing(true)}>Edit redaction</button></div> : null}
        </>
      ) : null}
      {current.data && editing ? (
        <JsonForm label="Redaction settings" initial={JSON.stringify({ email: true, creditCard: true, ipv4: false, ipv6: false, custom: [], ...current.data }, null, 2)} onSave={(v) => save.mutate(v)} onCancel={() => setEditing(false)} saving={save.isPending} error={save.error} />
      ) : null}
      <DryRun label="Dry run: redact sample lines" initialRule={current.data ?? { email: true, creditCard: true, ipv4: false, ipv6: false, custom: [] }} run={(settings, lines) => redaction.dryRun(settings, lines)} />
    </section>
  );
}

export function RoutingSection({ canEdit }: { canEdit: boolean }) {
  return (
    <ConfigCollection
      title="Routing rules" noun="routing rule" queryKey="routing-rules" api={routingRules} canEdit={canEdit}
      template={{ kind: 'exclude', name: 'no health checks', query: 'app:web "GET /health"', action: 'drop' }}
      description={<>Exclusion (<code>"action": "drop"</code> drops matching lines; <code>"noIndex"</code> keeps them out of search but not out of tail, alerts, archives and drains) and sampling (<code>{'{"kind": "sample", "rate": 10}'}</code> keeps one in 10).</>}
      columns={[
        { label: 'Kind', render: (o) => String(o.kind ?? '') },
        { label: 'Query', render: (o) => text(o.query) },
        { label: 'Effect', render: (o) => (o.kind === 'sample' ? `keep 1 in ${String(o.rate)}` : String(o.action ?? '')) },
      ]}
    />
  );
}

function DrainStatus({ drain }: { drain: ConfigObject }) {
  const detail = useQuery({ queryKey: ['drain', drain.id], queryFn: () => drains.get(drain.id), refetchInterval: 5000 });
  if (detail.isPending) return <Loading label="Reading the delivery status…" />;
  if (detail.error) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const s = (detail.data.status ?? {}) as Record<string, unknown>;
  return (
    <table className="data" aria-label={`Delivery status of ${String(drain.name)}`}>
      <tbody>
        <tr><th scope="row">delivered</th><td className="num">{formatCount(Number(s.delivered ?? 0))} lines</td></tr>
        <tr><th scope="row">failed attempts</th><td className="num">{formatCount(Number(s.failed ?? 0))}</td></tr>
        <tr><th scope="row">dropped</th><td className="num">{formatCount(Number(s.dropped ?? 0))} lines</td></tr>
        <tr><th scope="row">buffered</th><td className="num">{formatCount(Number(s.buffered ?? 0))} lines</td></tr>
        <tr><th scope="row">last success</th><td>{when(s.lastSuccessAt)}</td></tr>
        <tr><th scope="row">last error</th><td>{s.lastError ? <span className="error">{String(s.lastError)}</span> : <span className="muted">none</span>} {s.lastErrorAt ? when(s.lastErrorAt) : null}</td></tr>
      </tbody>
    </table>
  );
}

export function DrainsSection({ canEdit }: { canEdit: boolean }) {
  return (
    <ConfigCollection
      title="Drains" noun="drain" queryKey="drains" api={drains} canEdit={canEdit}
      template={{ name: 'papertrail', url: 'syslog+tls://logs.example.com:6514', query: 'level:error OR level:fatal' }}
      description={<>Push matching lines to an endpoint of yours: <code>https://</code> (Logplex frames, or <code>"format": "json"</code>) or <code>syslog+tls://</code>. Open a drain for its delivery status; drops are also reported in your own logs (<code>app:millrace tag:drain-error</code>).</>}
      columns={[{ label: 'URL', render: (o) => text(o.url) }, { label: 'Query', render: (o) => text(o.query) }]}
      details={(o) => <DrainStatus drain={o} />}
    />
  );
}

function AlertHistory({ alert }: { alert: ConfigObject }) {
  const history = useQuery({ queryKey: ['alert-history', alert.id], queryFn: () => alerts.history(alert.id) });
  if (history.isPending) return <Loading label="Loading the history…" />;
  if (history.error) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  const h = history.data as { evaluations?: Array<Record<string, unknown>>; notifications?: Array<Record<string, unknown>> };
  const events = h.evaluations ?? [];
  const notifications = h.notifications ?? [];
  return (
    <div>
      <h3>History</h3>
      {events.length === 0 ? <p className="muted">No evaluation has fired or resolved yet.</p> : (
        <table className="data"><tbody>{events.slice(0, 50).map((e, i) => <tr key={i}><td>{when(e.at)}</td><td>{String(e.outcome ?? '')}</td><td>{e.group ? text(e.group) : null}</td><td className="num">{e.count !== null && e.count !== undefined ? `${String(e.count)} lines` : text(e.value)}</td></tr>)}</tbody></table>
      )}
      {notifications.length > 0 ? (
        <>
          <h3>Notifications</h3>
          <table className="data"><tbody>{notifications.slice(0, 50).map((n, i) => <tr key={i}><td>{when(n.createdAt)}</td><td>{String((n.channel as { type?: string } | null)?.type ?? '')} {String(n.event ?? '')}</td><td>{String(n.status ?? '')}{n.lastError ? <span className="error small"> {String(n.lastError)}</span> : null}</td><td className="num">{String(n.attempts ?? '')} attempts</td></tr>)}</tbody></table>
        </>
      ) : null}
    </div>
  );
}

function AlertTest({ alert }: { alert: ConfigObject }) {
  const test = useMutation({ mutationFn: () => alerts.test(alert.id) });
  return (
    <>
      <button type="button" onClick={() => test.mutate()} aria-label={`Test run of alert ${String(alert.name)}`} disabled={test.isPending}>Test run</button>
      {test.error ? <span role="alert" className="error small">{test.error.message}</span> : null}
      {test.data !== undefined ? <pre className="small" role="status" aria-label="Test run result">{JSON.stringify(test.data, null, 1).slice(0, 600)}</pre> : null}
    </>
  );
}

export function AlertsSection({ canEdit }: { canEdit: boolean }) {
  return (
    <ConfigCollection
      title="Alerts" noun="alert" queryKey="alerts" api={alerts} canEdit={canEdit}
      template={{ name: 'checkout errors', kind: 'presence', query: 'app:checkout level:error', count: 5, windowSeconds: 60, trigger: 'immediate', throttleSeconds: 600, channels: [{ type: 'webhook', url: 'https://ops.example.com/hooks/millrace' }] }}
      description={<>Presence (at least N lines in a window), absence (fewer than N: a heartbeat that stopped) and thresholds (count, average or percentiles of a field). Open an alert for its history; <strong>Test run</strong> replays the recent past.</>}
      columns={[
        { label: 'Kind', render: (o) => String(o.kind ?? '') },
        { label: 'Query', render: (o) => text(o.query) },
        { label: 'State', render: (o) => String(o.state ?? (o.enabled === false ? 'disabled' : 'enabled')) },
      ]}
      rowActions={(o) => <AlertTest alert={o} />}
      details={(o) => <AlertHistory alert={o} />}
    />
  );
}

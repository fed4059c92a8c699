import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { org, usage } from '../../../api/endpoints';
import { ErrorState, Loading } from '../../../components/states';
import { formatBytes, formatCount } from '../../../utils/time';
import { quotaUse, utcDay } from '../utils/usage';

type Tally = Record<string, number>;

/** The organisation, its retention and quota, and a day's volume by app against the quota. */
export function UsageSection({ canChangeSettings }: { canChangeSettings: boolean }) {
  const id = useId();
  const client = useQueryClient();
  const [day, setDay] = useState(utcDay(Date.now()));
  const current = useQuery({ queryKey: ['org'], queryFn: org.get });
  const volume = useQuery({ queryKey: ['usage', day], queryFn: () => usage.day(day) });
  const [quotaGiB, setQuotaGiB] = useState('');
  const [rate, setRate] = useState('');
  const [retention, setRetention] = useState('');
  const save = useMutation({
    mutationFn: () => org.update({
      ...(quotaGiB !== '' ? { dailyQuotaBytes: Math.round(Number(quotaGiB) * 1024 ** 3) } : {}),
      ...(rate !== '' ? { ingestRateLimit: Number(rate) } : {}),
      ...(retention ? { retentionClass: retention } : {}),
    }),
    onSuccess: () => { setQuotaGiB(''); setRate(''); setRetention(''); void client.invalidateQueries({ queryKey: ['org'] }); void client.invalidateQueries({ queryKey: ['usage'] }); },
  });
  const quota = (volume.data?.quota ?? {}) as { usedBytes?: number; limitBytes?: number; exceeded?: boolean };
  const use = quotaUse(quota.usedBytes ?? 0, quota.limitBytes ?? current.data?.settings.dailyQuotaBytes ?? 0);
  const apps = (volume.data?.apps ?? []) as unknown as Array<Tally & { app: string }>;
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Organisation and usage</h2>
      {current.isPending ? <Loading /> : null}
      {current.error ? <ErrorState error={current.error} onRetry={() => void current.refetch()} /> : null}
      {current.data ? (
        <table className="data">
          <caption className="sr-only">Organisation settings</caption>
          <tbody>
            <tr><th scope="row">Organisation</th><td>{current.data.name} (<code>{current.data.id}</code>)</td></tr>
            <tr><th scope="row">Retention</th><td>{current.data.settings.retentionClass.replace(/^r/, '')} days</td></tr>
            <tr><th scope="row">Daily quota</th><td>{current.data.settings.dailyQuotaBytes ? formatBytes(current.data.settings.dailyQuotaBytes) : 'unlimited'}</td></tr>
            <tr><th scope="row">Ingest rate limit</th><td>{current.data.settings.ingestRateLimit ? `${formatCount(current.data.settings.ingestRateLimit)} lines/s` : 'unlimited'}</td></tr>
          </tbody>
        </table>
      ) : null}
      {canChangeSettings ? (
        <form className="form-grid card" aria-label="Change organisation settings" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
          <label htmlFor={`${id}-retention`}>Retention</label>
          <select id={`${id}-retention`} value={retention} onChange={(e) => setRetention(e.target.value)}>
            <option value="">(unchanged)</option>
            {['r3', 'r7', 'r14', 'r30', 'r90', 'r365'].map((r) => <option key={r} value={r}>{r.slice(1)} days</option>)}
          </select>
          <label htmlFor={`${id}-quota`}>Daily quota (GiB, 0 = unlimited)</label>
          <input id={`${id}-quota`} type="number" min={0} step="0.1" value={quotaGiB} onChange={(e) => setQuotaGiB(e.target.value)} />
          <label htmlFor={`${id}-rate`}>Ingest rate limit (lines/s, 0 = unlimited)</label>
          <input id={`${id}-rate`} type="number" min={0} step={1} value={rate} onChange={(e) => setRate(e.target.value)} />
          <span />
          <div><button type="submit" className="primary" disabled={save.isPending || (quotaGiB === '' && rate === '' && !retention)}>Save settings</button></div>
          {save.error ? <p role="alert" className="error">{save.error.message}</p> : null}
        </form>
      ) : null}

      <h3>Volume by app</h3>
      <div className="toolbar">
        <label htmlFor={`${id}-day`}>Day (UTC)</label>
        <input id={`${id}-day`} type="date" value={day} max={utcDay(Date.now())} onChange={(e) => e.target.value && setDay(e.target.value)} />
      </div>
      {volume.isPending ? <Loading /> : null}
      {volume.error ? <ErrorState error={volume.error} onRetry={() => void volume.refetch()} /> : null}
      {volume.data ? (
        <>
          <p role="status" className={quota.exceeded ? 'error' : undefined}>
            {formatBytes(quota.usedBytes ?? 0)} kept · {use.text}{quota.exceeded ? ': new lines are refused until the quota resets at midnight UTC' : ''}
          </p>
          {use.fraction !== undefined ? <progress max={1} value={Math.min(1, use.fraction)} aria-label="Daily quota used" /> : null}
          <table className="data">
            <caption className="sr-only">Volume by app</caption>
            <thead><tr><th scope="col">App</th><th scope="col">Received</th><th scope="col">Kept</th><th scope="col">Kept bytes</th><th scope="col">Excluded</th><th scope="col">Sampled out</th><th scope="col">Not indexed</th><th scope="col">Over quota</th></tr></thead>
            <tbody>
              {apps.length === 0 ? <tr><td colSpan={8} className="muted">Nothing received this day.</td></tr> : null}
              {apps.map((a) => (
                <tr key={a.app}>
                  <td>{a.app || '(no app)'}</td>
                  <td className="num">{formatCount(a.received ?? 0)}</td><td className="num">{formatCount(a.kept ?? 0)}</td><td className="num">{formatBytes(a.keptBytes ?? 0)}</td>
                  <td className="num">{formatCount(a.excluded ?? 0)}</td><td className="num">{formatCount(a.sampled ?? 0)}</td><td className="num">{formatCount(a.noIndex ?? 0)}</td><td className="num">{formatCount(a.overQuota ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

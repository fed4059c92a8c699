import { parseQuotaState } from './admission.service';

describe('parseQuotaState', () => {
  const state = { tenant: 't', exceeded: true, usedBytes: 5, limitBytes: 4, resetAt: 99 };
  const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  it('reads a plain state, a NestJS emit envelope and a NestJS reply', () => {
    expect(parseQuotaState(bytes(state))).toEqual(state);
    expect(parseQuotaState(bytes({ pattern: 'usage.quota.state', data: state }))).toEqual(state);
    expect(parseQuotaState(bytes({ response: state, isDisposed: true, id: '1' }))).toEqual(state);
  });
  it('ignores anything else', () => {
    expect(parseQuotaState(new TextEncoder().encode('nope'))).toBeUndefined();
    expect(parseQuotaState(bytes({ tenant: 't' }))).toBeUndefined();
    expect(parseQuotaState(bytes(null))).toBeUndefined();
  });
});

import { z } from 'zod';
import { checkQuery, INVALID_VALUE, RequestValidationError, validate, VALIDATION_FAILED } from './validation';

function refusal(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as RequestValidationError).getResponse() as { code: string; message: string; details: unknown };
  }
  throw new Error('not refused');
}

describe('the validation pipe', () => {
  const schema = z.object({ name: z.string().min(1), kind: z.enum(['a', 'b']), lines: z.array(z.object({ app: z.string().max(3) })) }).strict();

  it('names the path of every invalid field, never the value', () => {
    const body = refusal(() => validate(schema, { kind: 'secret-value', lines: [{ app: 'toolong' }], extra: 1 }, 'body'));
    expect(body.code).toBe(VALIDATION_FAILED);
    expect(body.details).toEqual([
      { path: 'name', location: 'body', message: 'is required' },
      { path: 'kind', location: 'body', message: 'must be one of a, b' },
      { path: 'lines.0.app', location: 'body', message: expect.any(String) },
      { path: 'extra', location: 'body', message: 'is not a known field' },
    ]);
    expect(body.message).not.toContain('secret-value');
  });

  it('says query parameter for the query string', () => {
    const body = refusal(() => validate(z.object({ limit: z.coerce.number().max(10) }), { limit: '99' }, 'query'));
    expect(body.message).toMatch(/^invalid request: query parameter limit /);
  });

  it('reports refinements (checks no schema document can state) as invalid_value', () => {
    const body = refusal(() => validate(z.object({ tz: z.string().refine(() => false, 'is not a time zone') }), { tz: 'Mars/Base' }, 'body'));
    expect(body.code).toBe(INVALID_VALUE);
  });

  it('checks a query-language string with the position of the problem', () => {
    const body = refusal(() => checkQuery('level:(error', { path: 'q', location: 'query' }));
    expect(body.code).toBe(INVALID_VALUE);
    expect(body.details).toEqual([expect.objectContaining({ path: 'q', location: 'query', position: expect.any(Number) })]);
  });
});

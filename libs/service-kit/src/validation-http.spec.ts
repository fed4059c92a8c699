import 'reflect-metadata';
import { Controller, Module, Post } from '@nestjs/common';
import { z } from 'zod';
import { createTestApp } from './test-app';
import { ValidBody, ValidHeaders, ValidParams, ValidQuery } from './validation';

const body = z.object({ name: z.string().min(1) }).strict();
const query = z.object({ limit: z.coerce.number().int().max(10).optional() }).strict();
const params = z.object({ id: z.string().uuid() });
const headers = z.object({ 'x-resume': z.string().regex(/^\d+$/).optional() }).passthrough();

@Controller('things')
class ThingsController {
  @Post(':id')
  create(
    @ValidParams(params) p: z.infer<typeof params>, @ValidQuery(query) q: z.infer<typeof query>,
    @ValidHeaders(headers) h: z.infer<typeof headers>, @ValidBody(body) b: z.infer<typeof body>,
  ) {
    return { id: p.id, limit: q.limit ?? null, resume: h['x-resume'] ?? null, name: b.name };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('the validation decorators on a real Nest application', () => {
  const id = '0b7f3d5e-6c1a-4f0e-9a9b-2f7d1c3e4a5b';

  it('hands the handler the parsed values (empty query values count as absent)', async () => {
    const app = await createTestApp(ThingsModule);
    try {
      const reply = await app.inject({ method: 'POST', url: `/things/${id}?limit=`, headers: { 'x-resume': '42' }, payload: { name: 'a' } });
      expect([reply.statusCode, reply.json()]).toEqual([201, { id, limit: null, resume: '42', name: 'a' }]);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['path', `/things/nope?limit=1`, {}, { name: 'a' }, { path: 'id', location: 'path' }],
    ['query', `/things/${id}?limit=99`, {}, { name: 'a' }, { path: 'limit', location: 'query' }],
    ['unknown query parameter', `/things/${id}?other=1`, {}, { name: 'a' }, { path: 'other', location: 'query' }],
    ['header', `/things/${id}`, { 'x-resume': 'soon' }, { name: 'a' }, { path: 'x-resume', location: 'header' }],
    ['body', `/things/${id}`, {}, { name: '', extra: 1 }, { path: 'name', location: 'body' }],
  ])('refuses a bad %s with the common error body naming it', async (_what, url, h, payload, field) => {
    const app = await createTestApp(ThingsModule);
    try {
      const reply = await app.inject({ method: 'POST', url, headers: h as Record<string, string>, payload });
      expect(reply.statusCode).toBe(400);
      const error = reply.json().error;
      expect(error).toMatchObject({ status: 400, code: 'validation_failed', requestId: expect.any(String) });
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining(field)]));
    } finally {
      await app.close();
    }
  });
});

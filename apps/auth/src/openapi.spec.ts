import { describeAuth } from './openapi';

describe('the auth OpenAPI document', () => {
  it('documents every route with its schemas (a route without @Endpoint or read without a validation pipe is listed here)', () => {
    const { document, problems } = describeAuth();
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/sessions', '/v1/keys', '/v1/keys/{id}/rotate', '/v1/members/{userId}']));
  });
});

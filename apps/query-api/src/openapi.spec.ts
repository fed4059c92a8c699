import { describeQueryApi } from './openapi';

describe('the query API OpenAPI document', () => {
  it('documents every route with its schemas (a route without @Endpoint or read without a validation pipe is listed here)', () => {
    const { document, problems } = describeQueryApi();
    expect(problems).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/search', '/v1/tail', '/v1/tail/ws', '/v1/export', '/v1/alerts/{id}']));
  });
});

import { archiveInputSchema, insideRoot, storedDestination } from './destination-schema';

const s3 = { type: 's3', region: 'eu-west-1', bucket: 'acme-logs', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };

describe('archive destination input', () => {
  it('takes an S3 destination with defaults, and stores it without its secret', () => {
    const input = archiveInputSchema.parse({ destination: { ...s3, prefix: '/millrace/prod/' } });
    expect(input).toMatchObject({ enabled: true, destination: { prefix: 'millrace/prod', forcePathStyle: false } });
    const stored = storedDestination(input.destination);
    expect(stored).toEqual({ type: 's3', region: 'eu-west-1', bucket: 'acme-logs', prefix: 'millrace/prod', forcePathStyle: false, accessKeyId: 'AKIAEXAMPLE' });
    expect(JSON.stringify(stored)).not.toContain('secret');
  });

  it('refuses bad buckets, prefixes, endpoints and encryption settings', () => {
    const bad = [
      { ...s3, bucket: 'Bad_Bucket' },
      { ...s3, prefix: 'a/../b' },
      { ...s3, prefix: 'a//b' },
      { ...s3, prefix: 'x/tenant=other' },
      { ...s3, endpoint: 'ftp://store.example.com' },
      { ...s3, endpoint: 'https://user:pw@store.example.com' },
      { ...s3, endpoint: 'https://store.example.com/path' },
      { ...s3, serverSideEncryption: 'AES128' },
      { ...s3, serverSideEncryption: 'AES256', kmsKeyId: 'k' },
      { ...s3, unknown: true },
      { type: 'filesystem', path: '' },
      { type: 'filesystem', path: '../../etc' },
      { type: 'filesystem', path: '/etc' },
      { type: 'gcs', bucket: 'x' },
    ];
    for (const destination of bad) expect(archiveInputSchema.safeParse({ destination }).success).toBe(false);
    expect(archiveInputSchema.safeParse({ destination: { ...s3, serverSideEncryption: 'aws:kms', kmsKeyId: 'alias/logs' } }).success).toBe(true);
    expect(archiveInputSchema.safeParse({ destination: { type: 'filesystem', path: 'acme/archive' } }).success).toBe(true);
  });

  it('keeps filesystem paths inside the root', () => {
    expect(insideRoot('/srv/archives', 'acme/x')).toBe('/srv/archives/acme/x');
    expect(insideRoot('/srv/archives', '../x')).toBeUndefined();
    expect(insideRoot('/srv/archives', '/etc')).toBeUndefined();
  });
});

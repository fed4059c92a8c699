import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface TestS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Whether this test run started the server (and so stops it at the end). */
  started: boolean;
  client: S3Client;
}

function cli(command: 'up' | 'down'): Record<string, string | boolean> {
  // The real S3-compatible server of the test profile (versitygw), installed on first use by the project's script.
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'stack', 's3.mjs'), command, '--profile', 'test'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export function startS3(): TestS3 {
  const s = cli('up');
  const settings = {
    endpoint: String(s.S3_ENDPOINT), region: String(s.S3_REGION), accessKeyId: String(s.S3_ACCESS_KEY_ID), secretAccessKey: String(s.S3_SECRET_ACCESS_KEY),
  };
  return {
    ...settings,
    started: s.started === true,
    client: new S3Client({
      endpoint: settings.endpoint, region: settings.region, forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

export function stopS3(): void {
  cli('down');
}

export async function createBucket(s3: TestS3, bucket: string): Promise<void> {
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
}

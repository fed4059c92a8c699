import {
  GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { S3Destination } from '@millrace/archive-contract';
import type { OutboundPolicy } from '@millrace/outbound-policy';
import { StoreError, type ArchiveStore, type ObjectInfo, type Verification } from './store';

/** Error names meaning the configuration is wrong: retrying cannot help until it changes. */
const PERMANENT = new Set([
  'AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'InvalidAccessKeyId', 'SignatureDoesNotMatch',
  'NoSuchBucket', 'InvalidBucketName', 'AuthorizationHeaderMalformed', 'PermanentRedirect', 'InvalidArgument',
  'KMS.NotFoundException', 'KMS.DisabledException', 'InvalidObjectState',
]);

export interface S3StoreOptions {
  timeoutMs: number;
  /** Every connection to the store is checked by it, on the resolved address (ARCHIVE_ALLOW_PRIVATE_ENDPOINTS). */
  policy: OutboundPolicy;
}

/**
 * Any S3-compatible store. Uploads carry their SHA-256 (`ChecksumSHA256`): the store refuses a
 * body that arrived altered (BadDigest). Verification then asks the store for the checksum of
 * what it stored (HEAD with checksum mode) and compares; a store that does not keep checksums is
 * verified by reading the object back and hashing it.
 */
export class S3Store implements ArchiveStore {
  readonly description: string;
  private readonly client: S3Client;

  constructor(
    private readonly destination: S3Destination,
    secretAccessKey: string,
    options: S3StoreOptions,
  ) {
    this.description = `s3://${destination.bucket}/${destination.prefix}${destination.endpoint ? ` at ${destination.endpoint}` : ` (${destination.region})`}`;
    this.client = new S3Client({
      region: destination.region,
      endpoint: destination.endpoint,
      forcePathStyle: destination.forcePathStyle,
      credentials: { accessKeyId: destination.accessKeyId, secretAccessKey },
      // Our own retries are the JetStream redeliveries; the SDK tries twice at most.
      maxAttempts: 2,
      // The SDK's Node handler connects through the policy's agents (it never follows redirects).
      requestHandler: {
        connectionTimeout: Math.min(5000, options.timeoutMs),
        requestTimeout: options.timeoutMs,
        httpAgent: options.policy.httpAgent({ keepAlive: true, maxSockets: 50 }),
        httpsAgent: options.policy.httpsAgent({ keepAlive: true, maxSockets: 50 }),
      },
      // We send the SHA-256 ourselves; no additional CRC trailers (not every S3-compatible store reads them).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putVerified(key: string, body: Buffer, contentType: string, sha256Hex: string): Promise<Verification> {
    const checksum = Buffer.from(sha256Hex, 'hex').toString('base64');
    const input: PutObjectCommandInput = {
      Bucket: this.destination.bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentLength: body.byteLength,
      ChecksumSHA256: checksum,
      ...(this.destination.serverSideEncryption ? { ServerSideEncryption: this.destination.serverSideEncryption } : {}),
      ...(this.destination.serverSideEncryption === 'aws:kms' && this.destination.kmsKeyId ? { SSEKMSKeyId: this.destination.kmsKeyId } : {}),
    };
    await this.call(`upload of ${key}`, () => this.client.send(new PutObjectCommand(input)));
    const head = await this.call(`verification of ${key}`, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.destination.bucket, Key: key, ChecksumMode: 'ENABLED' })),
    );
    if (head.ContentLength !== undefined && head.ContentLength !== body.byteLength) {
      throw new StoreError(`${key}: the store holds ${head.ContentLength} bytes, ${body.byteLength} were sent`, false, 'mismatch');
    }
    if (head.ChecksumSHA256) {
      if (head.ChecksumSHA256 !== checksum) throw new StoreError(`${key}: the stored object's SHA-256 differs from the uploaded one`, false, 'mismatch');
      return 'checksum';
    }
    const stored = await this.get(key, body.byteLength + 1);
    if (createHash('sha256').update(stored).digest('hex') !== sha256Hex) {
      throw new StoreError(`${key}: the object read back differs from the uploaded one`, false, 'mismatch');
    }
    return 'readback';
  }

  async get(key: string, maxBytes: number): Promise<Buffer> {
    const res = await this.call(`download of ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.destination.bucket, Key: key })));
    if (res.ContentLength !== undefined && res.ContentLength > maxBytes) {
      await res.Body?.transformToByteArray().catch(() => undefined);
      throw new StoreError(`${key}: ${res.ContentLength} bytes, more than the ${maxBytes} allowed`, true, 'too_large');
    }
    if (!res.Body) return Buffer.alloc(0);
    const bytes = await res.Body.transformToByteArray().catch((error: unknown) => {
      throw classify(error, `download of ${key}`);
    });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo[]> {
    let token: string | undefined;
    do {
      const page = await this.call(`listing of ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.destination.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 })),
      );
      yield (page.Contents ?? []).filter((o) => o.Key).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    await this.call(`bucket ${this.destination.bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: this.destination.bucket })));
  }

  close(): void {
    this.client.destroy();
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classify(error, what);
    }
  }
}

function classify(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const e = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.Code ?? e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchKey' || (name === 'NotFound' && !/bucket/i.test(what))) {
    return new StoreError(`${what}: not found`, true, 'not_found', { cause: error });
  }
  const permanent = PERMANENT.has(name) || status === 403 || (name === 'NotFound' && /bucket/i.test(what));
  const detail = `${name}${status ? ` (${status})` : ''}${e.message && e.message !== name ? `: ${e.message}` : ''}`;
  return new StoreError(`${what} failed: ${detail}`.slice(0, 500), permanent, permanent ? 'refused' : 'unavailable', { cause: error });
}

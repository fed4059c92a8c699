import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

/** An Ed25519 key pair that signs session access tokens; the private half is encrypted at rest. */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: JWK;

  /** The PKCS#8 private key sealed by @millrace/sealing (`s2.<key id>.…`); older rows `v1.…` are no longer used. */
  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted!: string;

  /** Which AUTH_ENCRYPTION_KEY encrypted it (a fingerprint, not the key). */
  @Column({ name: 'encryption_key_id', type: 'text' })
  encryptionKeyId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}

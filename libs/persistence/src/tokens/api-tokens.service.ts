import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@txng/common';
import { type DataSource, IsNull } from 'typeorm';
import { ApiTokenEntity, type Role } from '../entities/api-token.entity';
import { type ProvinceScope } from '../scope/province-scope';

export interface Principal {
  /** `token:<id>` or `bootstrap-admin`: what the audit log records as the actor. */
  actor: string;
  name: string;
  role: Role;
  /** The provinces it may see; null for the whole country. */
  provinces: ProvinceScope;
}

const hash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Operator tokens. A token is 32 random bytes shown once; only its SHA-256 is stored (a slow hash
 * adds nothing for high-entropy secrets and would cost every request).
 */
@Injectable()
export class ApiTokensService {
  private readonly bootstrapHash: Buffer | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.bootstrapHash = config.adminToken ? Buffer.from(hash(config.adminToken), 'hex') : null;
  }

  /** `provinces` limits the token to those provinces (viewer or operator only; the caller checks the codes). */
  async create(
    name: string,
    role: Role,
    createdBy: string,
    provinces: ProvinceScope = null,
  ): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `txng_${randomBytes(32).toString('base64url')}`;
    await this.dataSource.getRepository(ApiTokenEntity).insert({
      id,
      name,
      role,
      provinces: provinces === null ? null : [...provinces],
      tokenHash: hash(token),
      createdBy,
    });
    return { id, token };
  }

  async list(): Promise<ApiTokenEntity[]> {
    return this.dataSource.getRepository(ApiTokenEntity).find({ order: { createdAt: 'DESC' } });
  }

  /** True when a live token was revoked now. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiTokenEntity)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /**
   * A live token of the whole country (no `provinces`) by id, with its stored hash: what a queue-board
   * session bound to that token checks it is still bound to (apps/gateway/src/admin-ui/bull-board.ts).
   */
  async liveNationalToken(id: string): Promise<{ name: string; role: Role; tokenHash: string } | null> {
    const rows: Array<{ name: string; role: Role; token_hash: string }> = await this.dataSource.query(
      'SELECT name, role, token_hash FROM api_token WHERE id = $1 AND revoked_at IS NULL AND provinces IS NULL',
      [id],
    );
    return rows[0] ? { name: rows[0].name, role: rows[0].role, tokenHash: rows[0].token_hash } : null;
  }

  async authenticate(token: string): Promise<Principal | null> {
    const digest = hash(token);
    if (this.bootstrapHash && timingSafeEqual(this.bootstrapHash, Buffer.from(digest, 'hex'))) {
      return { actor: 'bootstrap-admin', name: 'HUB_ADMIN_TOKEN', role: 'admin', provinces: null };
    }
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const row = await repo.findOne({ where: { tokenHash: digest, revokedAt: IsNull() } });
    if (!row) return null;
    // Best effort, and at most once a minute per token: a request is not worth a write each time,
    // and a failed timestamp update must not refuse a valid token.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      void repo.update({ id: row.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return { actor: `token:${row.id}`, name: row.name, role: row.role, provinces: row.provinces };
  }
}

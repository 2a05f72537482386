import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { contentHash, isCurrentProvinceCode, RECORD_KINDS } from '@txng/national-model';
import { timingSafeEqual } from 'node:crypto';
import { SimHttpError } from '../http/sim-http.error';
import { SimContext } from '../state/sim-context';

/** Test and demo controls; not part of the portal contract. */
@Controller('__sim')
export class SimAdminController {
  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  @Get('faults')
  faults(@Headers('x-sim-admin') admin: string | undefined): Record<string, unknown> {
    this.guard(admin);
    return this.sim.faults.view();
  }

  @Post('faults')
  @HttpCode(200)
  setFaults(
    @Headers('x-sim-admin') admin: string | undefined,
    @Body() patch: unknown,
  ): Record<string, unknown> {
    this.guard(admin);
    const result = this.sim.faults.apply(patch);
    if (!result.ok) throw new SimHttpError(400, { error: 'invalid_faults', details: result.problems });
    const revoked = result.revokeTokens ? this.sim.tokens.revokeAll() : 0;
    return { ...this.sim.faults.view(), tokensRevoked: revoked };
  }

  @Post('reset')
  @HttpCode(200)
  reset(@Headers('x-sim-admin') admin: string | undefined): Record<string, unknown> {
    this.guard(admin);
    this.sim.reset();
    return { reset: true };
  }

  @Get('stats')
  stats(@Headers('x-sim-admin') admin: string | undefined): Record<string, unknown> {
    this.guard(admin);
    return this.sim.stats.view(this.sim.records.size, this.sim.records.accepted.versions);
  }

  /**
   * Every version accepted from a batch, per key, in the order accepted (with the batch, province,
   * time and data of each): what a test reads to check that each version arrived exactly once and
   * in version order. `?provinceCode=` keeps the keys whose latest version that province's batch
   * brought.
   */
  @Get('accepted')
  accepted(
    @Headers('x-sim-admin') admin: string | undefined,
    @Query('provinceCode') provinceCode: string | undefined,
  ): Record<string, unknown> {
    this.guard(admin);
    if (provinceCode !== undefined && !/^\d{2}$/.test(provinceCode))
      throw new SimHttpError(400, { error: 'invalid_request', message: 'provinceCode is two digits' });
    const records = this.sim.records.accepted.list(provinceCode);
    return {
      keys: records.length,
      versions: records.reduce((n, r) => n + r.versions.length, 0),
      records,
    };
  }

  /** One key's accepted versions; 404 `record_not_found` when no batch brought any. */
  @Get('accepted/:kind/:key')
  acceptedKey(
    @Headers('x-sim-admin') admin: string | undefined,
    @Param('kind') kind: string,
    @Param('key') key: string,
  ): Record<string, unknown> {
    this.guard(admin);
    const log = this.sim.records.accepted.get(kind, key);
    if (!log) throw new SimHttpError(404, { error: 'record_not_found' });
    return { ...log };
  }

  /**
   * Plants or alters what the portal holds for a key, bypassing every check (reconciliation tests
   * and demos): `{version, data, provinceCode}`. The key keeps its portal id.
   */
  @Put('records/:kind/:key')
  @HttpCode(200)
  putRecord(
    @Headers('x-sim-admin') admin: string | undefined,
    @Param('kind') kind: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    this.guard(admin);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const problems: string[] = [];
    if (!(RECORD_KINDS as readonly string[]).includes(kind))
      problems.push(`kind must be one of ${RECORD_KINDS.join(', ')}`);
    if (!Number.isInteger(b.version) || (b.version as number) < 1)
      problems.push('version must be a whole number >= 1');
    if (typeof b.data !== 'object' || b.data === null || Array.isArray(b.data))
      problems.push('data must be an object');
    if (typeof b.provinceCode !== 'string' || !isCurrentProvinceCode(b.provinceCode))
      problems.push('provinceCode must be a current province code');
    if (problems.length > 0) throw new SimHttpError(400, { error: 'invalid_request', details: problems });
    const stored = this.sim.records.put({
      kind: kind as (typeof RECORD_KINDS)[number],
      key,
      version: b.version as number,
      contentHash: contentHash(b.data),
      provinceCode: b.provinceCode as string,
      data: b.data,
    });
    return { kind, key, version: stored.version, portalId: stored.portalId, contentHash: stored.contentHash };
  }

  /** Drops a key from the portal, as if it had lost it (reconciliation tests and demos). */
  @Delete('records/:kind/:key')
  @HttpCode(200)
  deleteRecord(
    @Headers('x-sim-admin') admin: string | undefined,
    @Param('kind') kind: string,
    @Param('key') key: string,
  ): Record<string, unknown> {
    this.guard(admin);
    if (!this.sim.records.delete(kind, key)) throw new SimHttpError(404, { error: 'record_not_found' });
    return { deleted: true, kind, key };
  }

  private guard(given: string | undefined): void {
    const expected = Buffer.from(this.sim.config.adminKey);
    const actual = Buffer.from(given ?? '');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new SimHttpError(403, {
        error: 'forbidden',
        message: 'send the x-sim-admin header with PORTAL_SIM_ADMIN_KEY',
      });
    }
  }
}

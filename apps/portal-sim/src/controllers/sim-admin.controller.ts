import { Body, Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
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
    return this.sim.stats.view(this.sim.records.size);
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

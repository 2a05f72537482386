import { Controller, Get, Inject, Param } from '@nestjs/common';
import { SimHttpError } from '../http/sim-http.error';
import { SimContext } from '../state/sim-context';

/** Read back one record, or a province's counts and digest for reconciliation. */
@Controller('api/v1')
export class ReadBackController {
  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  // Express decodes the URL-encoded key (`%2F`, `%3F`…) before it reaches `key`.
  @Get('records/:kind/:key')
  record(@Param('kind') kind: string, @Param('key') key: string): Record<string, unknown> {
    const held = this.sim.records.get(kind, key);
    if (!held) throw new SimHttpError(404, { error: 'record_not_found' });
    return {
      kind: held.kind,
      key: held.key,
      version: held.version,
      portalId: held.portalId,
      contentHash: held.contentHash,
      provinceCode: held.provinceCode,
    };
  }

  @Get('provinces/:code/summary')
  summary(@Param('code') code: string): Record<string, unknown> {
    if (!/^\d{2}$/.test(code))
      throw new SimHttpError(400, { error: 'invalid_request', message: 'the province code is two digits' });
    return { provinceCode: code, ...this.sim.records.summary(code) };
  }
}

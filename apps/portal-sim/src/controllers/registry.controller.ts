import { Controller, Get, Inject, Param } from '@nestjs/common';
import { SimHttpError } from '../http/sim-http.error';
import { SimContext } from '../state/sim-context';

/** The GS1 company prefix registry: longest registered prefix the digits start with. */
@Controller('api/v1/registry/prefixes')
export class RegistryController {
  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  @Get(':digits')
  lookup(@Param('digits') digits: string): Record<string, unknown> {
    if (!/^\d{7,12}$/.test(digits)) {
      throw new SimHttpError(400, {
        error: 'invalid_request',
        message: 'digits must be 7 to 12 digits (a GTIN-13 without its check digit, or a leading part of it)',
      });
    }
    const entry = this.sim.registry.lookup(digits);
    if (!entry) throw new SimHttpError(404, { error: 'prefix_not_registered' });
    return { prefix: entry.prefix, owner: entry.owner, status: entry.status };
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { REDIS_CLIENT } from '@txng/common';
import { PORTAL_CLIENTS, type PortalClient, type PortalClients } from '@txng/portal-client';
import type Redis from 'ioredis';
import { Public, RequireRole } from '../auth/roles.decorator';

/** How long one answer of GET /health/portal is reused (every caller, concurrent ones included). */
export const PORTAL_PROBE_CACHE_MS = 5000;

type PortalAnswer = { production: PortalProbe; sandbox: PortalProbe | null };

@ApiTags('health')
@Controller('health')
export class HealthController {
  private cached: { at: number; answer: Promise<PortalAnswer> } | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(PORTAL_CLIENTS) private readonly portals: PortalClients,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'The process is up (no dependency is checked).' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 otherwise.' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          await withTimeout(this.redis.ping(), 2000);
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
    ]);
  }

  @Get('portal')
  @RequireRole('viewer')
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Whether the National Portal (and the sandbox, when configured) answers with our credentials. Informational: ' +
      'always 200, and not part of readiness — the hub keeps receiving while the portal is away. ' +
      'A probe makes one request to each portal, so it needs a viewer token, and its answer is reused for 5 s.',
  })
  portal(): Promise<PortalAnswer> {
    // Callers within a few seconds share one probe (also while it runs), so however often this is
    // called, the portal sees at most one request per portal every PORTAL_PROBE_CACHE_MS.
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= PORTAL_PROBE_CACHE_MS) {
      const answer = Promise.all([
        probePortal(this.portals.production),
        this.portals.sandbox ? probePortal(this.portals.sandbox) : Promise.resolve(null),
      ]).then(([production, sandbox]) => ({ production, sandbox }));
      this.cached = { at: now, answer };
    }
    return this.cached.answer;
  }
}

/** What `GET /health/portal` says of one portal endpoint. */
export interface PortalProbe {
  reachable: boolean;
  breaker: string;
  ms: number;
  error?: string;
}

/** One authenticated read (a province summary) within 5 s: the portal answers and takes our credentials. */
export async function probePortal(client: PortalClient): Promise<PortalProbe> {
  const started = Date.now();
  try {
    await withTimeout(client.getProvinceSummary('01'), 5000);
    return { reachable: true, breaker: client.breakerState, ms: Date.now() - started };
  } catch (error) {
    return {
      reachable: false,
      breaker: client.breakerState,
      ms: Date.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { badRequest, notFound } from '@txng/common';
import { isCurrentProvinceCode } from '@txng/national-model';
import { inScope, type Principal } from '@txng/persistence';
import { PORTAL_CLIENTS, type PortalClients, type PortalTarget } from '@txng/portal-client';
import {
  OperationsService,
  type ReconciliationComparison,
  ReconciliationOperations,
  ReconciliationService,
  type ReconciliationView,
} from '@txng/jobs';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { ReconciliationDto, ReconciliationStartedDto } from './dto/reconciliation.dto';

/**
 * A fresh comparison is kept this long per province and target, so refreshing viewers cannot load
 * the portal; a run ending meanwhile makes it stale at once.
 */
const COMPARISON_TTL_MS = 5000;

/**
 * The hub's counts and digest of a province beside the portal's (docs/sync.md, "Reconciliation").
 * GET compares them now (one portal summary call, cached for a few seconds; no read-back, no
 * repair) and shows the stored runs; POST asks for a full reconciliation (read-back and repair) as
 * an operation a job does (ReconciliationOperations), and answers at once.
 */
@ApiTags('admin: reconciliation')
@ApiBearerAuth()
@ProvinceScoped()
@Controller('v1/admin/provinces/:code/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly runs: ReconciliationOperations,
    private readonly operations: OperationsService,
    @Inject(PORTAL_CLIENTS) private readonly clients: PortalClients,
  ) {}

  private readonly comparisons = new Map<
    string,
    { at: number; latestRun: string; value: Promise<ReconciliationComparison> }
  >();

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary:
      "The hub's counts and digest beside the portal's, compared now (cached 5 s), with the latest reconciliation run and the nine before it.",
  })
  @ApiQuery({ name: 'target', required: false, enum: ['production', 'sandbox'] })
  @ApiOkResponse({ type: ReconciliationDto })
  async latest(
    @Param('code') code: string,
    @CurrentPrincipal() who: Principal,
    @Query('target') target?: string,
  ): Promise<
    ReconciliationComparison & {
      provinceCode: string;
      target: PortalTarget;
      latest: ReconciliationView | null;
      previous: ReconciliationView[];
    }
  > {
    const t = this.check(code, target, who);
    const runs = await this.reconciliation.latest(code, t, 10);
    // A run that ended (or began) since the cached look is news: the comparison is made again.
    const comparison = await this.compare(code, t, runs[0] ? `${runs[0].id}:${runs[0].finishedAt}` : '');
    return { provinceCode: code, target: t, ...comparison, latest: runs[0] ?? null, previous: runs.slice(1) };
  }

  private compare(code: string, target: PortalTarget, latestRun: string): Promise<ReconciliationComparison> {
    const id = `${code}:${target}`;
    const cached = this.comparisons.get(id);
    if (cached && cached.latestRun === latestRun && Date.now() - cached.at < COMPARISON_TTL_MS)
      return cached.value;
    const value = this.reconciliation.compare(code, target);
    this.comparisons.set(id, { at: Date.now(), latestRun, value });
    value.catch(() => this.comparisons.delete(id)); // a database error is not kept
    return value;
  }

  @Post()
  @HttpCode(202)
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Reconcile a province with the portal: compare digests, read back, repair — as an operation, done by a job. Answers 202 at once with the operation and links: GET /v1/admin/operations/{id} shows its progress (keys read back, then keys repaired), POST …/cancel stops it between two keys, and when it ends its result is there and the run is the latest of GET …/reconciliation. 409 names the operation when one of the province and target is already queued or running. Audited (reconciliation.run).',
  })
  @ApiQuery({ name: 'target', required: false, enum: ['production', 'sandbox'] })
  @ApiAcceptedResponse({ type: ReconciliationStartedDto })
  async runNow(
    @Param('code') code: string,
    @CurrentPrincipal() who: Principal,
    @Query('target') target?: string,
  ): Promise<ReconciliationStartedDto> {
    const t = this.check(code, target, who);
    this.comparisons.delete(`${code}:${t}`); // the next GET compares afresh
    const operationId = await this.runs.ask(code, t, who.actor);
    const operation = await this.operations.get(operationId, who.provinces);
    if (!operation) throw notFound(`Operation ${operationId}`);
    return {
      ...operation,
      links: {
        operation: `/v1/admin/operations/${operationId}`,
        reconciliation: `/v1/admin/provinces/${code}/reconciliation?target=${t}`,
      },
    };
  }

  private check(code: string, target: string | undefined, who: Principal): PortalTarget {
    if (!/^\d{2}$/.test(code) || !isCurrentProvinceCode(code)) {
      throw badRequest(`"${code}" is not one of the 34 current province codes.`, [
        { path: 'code', message: 'a current two-digit province code' },
      ]);
    }
    // Every query below is of this one province: outside the token's provinces it is not there.
    if (!inScope(who.provinces, code)) throw notFound(`Province ${code}`);
    const t = target ?? 'production';
    if (t !== 'production' && t !== 'sandbox') {
      throw badRequest('target must be production or sandbox.', [
        { path: 'target', message: 'production|sandbox' },
      ]);
    }
    if (!this.clients[t]) throw badRequest(`No ${t} portal is configured (PORTAL_SANDBOX_BASE_URL).`);
    return t;
  }
}

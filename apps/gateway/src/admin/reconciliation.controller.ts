import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AppError, badRequest, ErrorCode, notFound } from '@txng/common';
import { isCurrentProvinceCode } from '@txng/national-model';
import { AuditService, inScope, type Principal } from '@txng/persistence';
import { PORTAL_CLIENTS, type PortalClients, type PortalTarget } from '@txng/portal-client';
import {
  OperationsService,
  type ReconciliationComparison,
  ReconciliationService,
  type ReconciliationView,
} from '@txng/jobs';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';

/** A fresh comparison is kept this long per province and target, so refreshing viewers cannot load the portal. */
const COMPARISON_TTL_MS = 5000;

/**
 * The hub's counts and digest of a province beside the portal's (docs/sync.md, "Reconciliation").
 * GET compares them now (one portal summary call, cached for a few seconds; no read-back, no
 * repair) and shows the stored runs; POST runs a full reconciliation (read-back and repair) now.
 */
@ApiTags('admin: reconciliation')
@ApiBearerAuth()
@ProvinceScoped()
@Controller('v1/admin/provinces/:code/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    @Inject(PORTAL_CLIENTS) private readonly clients: PortalClients,
  ) {}

  private readonly comparisons = new Map<string, { at: number; value: Promise<ReconciliationComparison> }>();

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary:
      "The hub's counts and digest beside the portal's, compared now (cached 5 s), with the latest reconciliation run and the nine before it.",
  })
  @ApiQuery({ name: 'target', required: false, enum: ['production', 'sandbox'] })
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
    const [comparison, runs] = await Promise.all([
      this.compare(code, t),
      this.reconciliation.latest(code, t, 10),
    ]);
    return { provinceCode: code, target: t, ...comparison, latest: runs[0] ?? null, previous: runs.slice(1) };
  }

  private compare(code: string, target: PortalTarget): Promise<ReconciliationComparison> {
    const id = `${code}:${target}`;
    const cached = this.comparisons.get(id);
    if (cached && Date.now() - cached.at < COMPARISON_TTL_MS) return cached.value;
    const value = this.reconciliation.compare(code, target);
    this.comparisons.set(id, { at: Date.now(), value });
    value.catch(() => this.comparisons.delete(id)); // a database error is not kept
    return value;
  }

  @Post()
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Reconcile a province with the portal now: compare digests, read back, repair. Audited. The run is an operation (operationId): GET /v1/admin/operations/{id} shows its progress while this request waits, and POST …/cancel stops it between two keys (the answer is then the run so far, its error saying it was cancelled).',
  })
  @ApiQuery({ name: 'target', required: false, enum: ['production', 'sandbox'] })
  async runNow(
    @Param('code') code: string,
    @CurrentPrincipal() who: Principal,
    @Query('target') target?: string,
  ): Promise<ReconciliationView> {
    const t = this.check(code, target, who);
    this.comparisons.delete(`${code}:${t}`); // the next GET compares after this run's repairs
    const operationId = randomUUID();
    await this.operations.create({
      id: operationId,
      kind: 'reconciliation',
      actor: who.actor,
      provinceCode: code,
      params: { target: t },
    });
    let run: ReconciliationView | null;
    try {
      run = await this.reconciliation.run(
        code,
        t,
        'operator',
        who.actor,
        this.operations.tracker(operationId),
      );
    } catch (error) {
      // The failed run is stored too; the audit log says who asked for it.
      await this.audit.record({
        actor: who.actor,
        action: 'reconciliation.run',
        target: `province:${code}`,
        details: { target: t, operationId, error: (error as Error).message },
      });
      throw error;
    }
    if (!run) {
      throw new AppError(
        ErrorCode.Conflict,
        `A reconciliation of province ${code} (${t}) is already running; read its result with GET when it ends.`,
        { status: 409 },
      );
    }
    await this.audit.record({
      actor: who.actor,
      action: 'reconciliation.run',
      target: `province:${code}`,
      details: {
        target: t,
        runId: run.id,
        operationId,
        agreed: run.agreed,
        differing: run.differing.length,
        repaired: run.repaired,
      },
    });
    return run;
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

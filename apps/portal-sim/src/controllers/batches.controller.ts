import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { canonicalJson } from '@txng/national-model';
import { type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { checkBatchEnvelope, IDEMPOTENCY_KEY } from '../batch/batch-envelope';
import { processBatch } from '../batch/batch-processor';
import { type GateLocals } from '../http/sim-gate.middleware';
import { SimHttpError } from '../http/sim-http.error';
import { SimContext } from '../state/sim-context';

@Controller('api/v1/batches')
export class BatchesController {
  private readonly log = new Logger('portal-sim');

  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  @Post()
  @HttpCode(200)
  push(@Req() req: Request, @Res({ passthrough: true }) res: Response): unknown {
    const key = req.header('idempotency-key');
    if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
      throw new SimHttpError(400, {
        error: 'invalid_batch',
        details: [
          {
            path: 'header:Idempotency-Key',
            message: 'Idempotency-Key is required: 1-128 characters of [A-Za-z0-9._:-]',
          },
        ],
      });
    }
    // Bodies are compared by their canonical JSON, so key order and whitespace do not make a retry "different".
    const bodyHash = createHash('sha256')
      .update(canonicalJson(req.body ?? null))
      .digest('hex');
    const saved = this.sim.idempotency.get(key);
    if (saved) {
      if (saved.bodyHash !== bodyHash) {
        throw new SimHttpError(409, {
          error: 'idempotency_key_reused',
          message: 'this Idempotency-Key was used with another body within 24 h',
        });
      }
      this.sim.stats.replays += 1;
      res.status(saved.status).set('Idempotent-Replayed', 'true');
      return this.answer(res, saved.body);
    }

    const check = checkBatchEnvelope(req.body);
    if (!check.ok) {
      if (check.status === 413)
        throw new SimHttpError(413, { error: 'payload_too_large', details: check.details });
      throw new SimHttpError(400, { error: 'invalid_batch', details: check.details });
    }
    const response = processBatch(check.batch, this.sim.nextBatchId(), {
      records: this.sim.records,
      registry: this.sim.registry,
      now: () => this.sim.now(),
      injectedRejection: (k) => this.sim.faults.rejectionOf(k),
    });
    this.sim.idempotency.save(key, bodyHash, 200, response);
    this.sim.stats.batchesStored += 1;
    for (const r of response.results) this.sim.stats.result(r.status);
    this.log.log(
      {
        batchId: response.batchId,
        provinceCode: check.batch.provinceCode,
        records: response.results.length,
        clientId: (res.locals as GateLocals).clientId,
      },
      'batch processed',
    );
    return this.answer(res, response);
  }

  /** "Store then drop": the batch is stored above, then the caller never hears about it. */
  private answer(res: Response, body: unknown): unknown {
    const locals = res.locals as GateLocals;
    if (locals.dropAfterStore) {
      locals.dropped = true;
      res.socket?.destroy();
      return undefined;
    }
    return body;
  }
}

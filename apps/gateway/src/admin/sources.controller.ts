import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CallbacksService,
  type DeliveryView,
  PollRunner,
  previewLimitRefusal,
  SourcesService,
  type SourceView,
  type SourceWithSecret,
  type StageAction,
  type TestConnectionResult,
  validationPolicy,
} from '@txng/connectors';
import { AppError, badRequest } from '@txng/common';
import {
  MappingUnavailableError,
  previewMapping,
  type PreviewRequest,
  type PreviewResult,
  tryMapping,
} from '@txng/mapping';
import {
  AuditService,
  type Principal,
  type Role,
  type SourceEntity,
  TrialPayloadsRead,
} from '@txng/persistence';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type Request } from 'express';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { readRawBody } from '../webhooks/raw-body';
import { DeliveryDto, DeliveryPageDto } from './dto/delivery.dto';
import { MappingTrialDto, PreviewAnswerDto } from './dto/mapping-preview.dto';
import {
  SourcePageDto,
  SourceViewDto,
  SourceWithSecretsDto,
  TestConnectionResultDto,
} from './dto/source.dto';

/**
 * A stage change of a source (hub-interface.md, "Sources"): POST /{key}/{action}, the least role it
 * needs, whether a province token may ask it of its own sources, and the source it leaves as answer.
 */
function StageRoute(action: StageAction, role: Role, options: { provinceScoped?: boolean } = {}) {
  return applyDecorators(
    Post(`:key/${action}`),
    RequireRole(role),
    ...(options.provinceScoped ? [ProvinceScoped()] : []),
    HttpCode(200),
    ApiOkResponse({ type: SourceViewDto }),
  );
}

@ApiTags('admin: sources')
@ApiBearerAuth()
@Controller('v1/admin/sources')
export class SourcesController {
  private readonly trialPayloads: TrialPayloadsRead;

  constructor(
    private readonly sources: SourcesService,
    private readonly poller: PollRunner,
    private readonly callbacks: CallbacksService,
    private readonly audit: AuditService,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.trialPayloads = new TrialPayloadsRead(dataSource);
  }

  @Post()
  @RequireRole('admin')
  @ApiCreatedResponse({ type: SourceWithSecretsDto })
  @ApiOperation({ summary: 'Define a provincial source; a webhook source answers its secret once.' })
  @ApiBody({ schema: { type: 'object' } })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<SourceView & { webhookSecret?: string; callbackSecret?: string }> {
    return flatten(await this.sources.create(body, who.actor));
  }

  @Get()
  @RequireRole('viewer')
  @ProvinceScoped()
  @ApiOkResponse({ type: SourcePageDto })
  async list(@CurrentPrincipal() who: Principal): Promise<{ items: SourceView[]; nextCursor: null }> {
    return { items: await this.sources.list(who.provinces), nextCursor: null };
  }

  @Get(':key')
  @RequireRole('viewer')
  @ProvinceScoped()
  @ApiOkResponse({ type: SourceViewDto })
  async get(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<SourceView> {
    return this.sources.view(key, who.provinces);
  }

  @Patch(':key')
  @RequireRole('admin')
  @ApiBody({ schema: { type: 'object' } })
  @ApiOkResponse({ type: SourceWithSecretsDto })
  async patch(
    @Param('key') key: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<SourceView & { callbackSecret?: string }> {
    return flatten(await this.sources.patch(key, body, who.actor));
  }

  @Delete(':key')
  @RequireRole('admin')
  @HttpCode(204)
  async remove(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<void> {
    await this.sources.remove(key, who.actor);
  }

  @Post(':key/preview')
  @RequireRole('viewer')
  @ProvinceScoped()
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewAnswerDto })
  @ApiOperation({
    summary:
      "A sample payload in the source's format in; national records and every finding out. Stores nothing.",
  })
  async preview(
    @Param('key') key: string,
    @Req() req: Request,
    @CurrentPrincipal() who: Principal,
  ): Promise<PreviewResult> {
    const source = await this.source(key, who);
    const mapping = await this.sources.mapping(key, source.mappingVersion);
    const body = await readRawBody(req, source.maxBodyBytes);
    return refuseOverLimit(
      await preview({
        format: source.format,
        mapping: mapping ? { language: mapping.language, expression: mapping.expression } : undefined,
        body,
        policy: validationPolicy(source),
      }),
    );
  }

  @Post(':key/preview-draft')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewAnswerDto })
  @ApiOperation({
    summary:
      'Preview an unsaved mapping: {"expression","sample"} in; the records and findings it would make out. Stores nothing.',
  })
  @ApiBody({
    schema: { type: 'object', properties: { expression: { type: 'string' }, sample: { type: 'string' } } },
  })
  async previewDraft(
    @Param('key') key: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<PreviewResult> {
    const draft = readDraft(body);
    const source = await this.source(key, who);
    const bytes = Buffer.byteLength(draft.sample, 'utf8');
    if (bytes > source.maxBodyBytes) {
      throw badRequest(`The sample is ${bytes} bytes; this source accepts at most ${source.maxBodyBytes}.`);
    }
    return refuseOverLimit(
      await preview({
        format: source.format,
        mapping: draft.expression.trim() ? { language: 'jsonata', expression: draft.expression } : undefined,
        body: Buffer.from(draft.sample, 'utf8'),
        policy: validationPolicy(source),
      }),
    );
  }

  @Post(':key/try-mapping')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: MappingTrialDto })
  @ApiOperation({
    summary:
      "Try an unsaved mapping on the source's newest stored payloads (bodies still kept) against the mapping in " +
      'force: {"expression","receipts"?} in (receipts 1-500, default 200; at most 20 MiB of bodies and 20 s of ' +
      'mapping); records that would change, appear, disappear, be fixed or broken, findings by code, quarantined ' +
      'records it fixes, the receipts affected and the payload fields it never reads. Runs in the mapping sandbox; ' +
      'stores nothing.',
  })
  @ApiBody({
    schema: { type: 'object', properties: { expression: { type: 'string' }, receipts: { type: 'integer' } } },
  })
  async tryMapping(
    @Param('key') key: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<MappingTrialDto> {
    const request = readTrial(body);
    const source = await this.source(key, who);
    const live = await this.sources.mapping(key, source.mappingVersion);
    const recent = await this.trialPayloads.recent(key, {
      limit: request.receipts,
      maxBytes: TRIAL_LIMITS.bytes,
    });
    const result = await inSandbox(() =>
      tryMapping({
        format: source.format,
        live: live ? { language: live.language, expression: live.expression } : undefined,
        draft: request.expression.trim()
          ? { language: 'jsonata', expression: request.expression }
          : undefined,
        payloads: recent.payloads,
        policy: validationPolicy(source),
        budgetMs: TRIAL_LIMITS.ms,
      }),
    );
    return {
      liveVersion: live?.version ?? null,
      limits: { receipts: request.receipts, bytes: TRIAL_LIMITS.bytes, ms: TRIAL_LIMITS.ms },
      read: {
        receipts: recent.payloads.length,
        bytes: recent.bytes,
        purged: recent.purged,
        stoppedBy: recent.cutByBytes ? 'bytes' : result.stoppedByTime ? 'time' : null,
      },
      ...result,
    };
  }

  @Post(':key/test-connection')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Poll sources: one real fetch of the first page, audited; answers status, timing and item count, never the page. Nothing is stored.',
  })
  @ApiOkResponse({ type: TestConnectionResultDto })
  async testConnection(
    @Param('key') key: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<TestConnectionResult> {
    const source = await this.source(key, who);
    if (source.kind !== 'poll') {
      throw badRequest(
        `Source "${key}" is a webhook source; the province calls the hub, so there is nothing to test from here.`,
      );
    }
    return this.poller.testConnection(source, who.actor);
  }

  @StageRoute('start-testing', 'admin')
  startTesting(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<SourceView> {
    return this.stage(key, 'start-testing', who);
  }

  @StageRoute('activate', 'admin')
  activate(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<SourceView> {
    return this.stage(key, 'activate', who);
  }

  @StageRoute('pause', 'operator', { provinceScoped: true })
  pause(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<SourceView> {
    return this.stage(key, 'pause', who);
  }

  @StageRoute('resume', 'operator', { provinceScoped: true })
  resume(@Param('key') key: string, @CurrentPrincipal() who: Principal): Promise<SourceView> {
    return this.stage(key, 'resume', who);
  }

  @Post(':key/rotate-secret')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: SourceWithSecretsDto })
  @ApiOperation({ summary: 'A new webhook secret, shown once; the previous one stays valid for 24 hours.' })
  async rotateSecret(
    @Param('key') key: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<SourceView & { webhookSecret?: string }> {
    return flatten(await this.sources.rotateSecret(key, who.actor));
  }

  @Post(':key/rotate-callback-secret')
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: SourceWithSecretsDto })
  @ApiOperation({
    summary: 'A new callback secret, shown once; the previous one keeps signing beside it for 24 hours.',
  })
  async rotateCallbackSecret(
    @Param('key') key: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<SourceView & { callbackSecret?: string }> {
    return flatten(await this.sources.rotateCallbackSecret(key, who.actor));
  }

  // A province reads and redelivers its own sources' callbacks (they go to its own system, and a
  // delivery carries no payload here); another province's source is a 404, as everywhere.
  @Get(':key/deliveries')
  @RequireRole('viewer')
  @ProvinceScoped()
  @ApiOperation({ summary: 'Callback deliveries of the source, newest first, each with every attempt.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  async deliveries(
    @CurrentPrincipal() who: Principal,
    @Param('key') key: string,
    @Query('cursor') cursor?: string,
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.source(key, who);
    return this.callbacks.list(key, cursor ?? null);
  }

  @Post(':key/deliveries/:id/redeliver')
  @RequireRole('operator')
  @ProvinceScoped()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again now; its retry schedule starts over.' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  async redeliver(
    @Param('key') key: string,
    @Param('id') id: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<DeliveryView> {
    await this.source(key, who);
    const view = await this.callbacks.redeliver(key, id);
    await this.audit.record({
      actor: who.actor,
      action: 'callback.redeliver',
      target: key,
      details: { delivery: id },
    });
    return view;
  }

  /** The source within the token's provinces, else 404: another province's source is unknown to it. */
  private source(key: string, who: Principal): Promise<SourceEntity> {
    return this.sources.get(key, who.provinces);
  }

  private stage(key: string, action: StageAction, who: Principal): Promise<SourceView> {
    return this.sources.transition(key, action, who.actor, who.provinces);
  }
}

function flatten(result: SourceWithSecret): SourceView & { webhookSecret?: string; callbackSecret?: string } {
  return {
    ...result.source,
    ...(result.webhookSecret ? { webhookSecret: result.webhookSecret } : {}),
    ...(result.callbackSecret ? { callbackSecret: result.callbackSecret } : {}),
  };
}

/** How much one mapping trial may read and run: receipts, bytes of bodies, milliseconds of mapping. */
export const TRIAL_LIMITS = { receipts: 500, defaultReceipts: 200, bytes: 20 * 1024 * 1024, ms: 20_000 };

function readTrial(body: unknown): { expression: string; receipts: number } {
  const value = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value.expression !== 'string') problems.push('expression: must be a string (it may be empty)');
  else if (value.expression.length > DRAFT_EXPRESSION_MAX)
    problems.push(`expression: at most ${DRAFT_EXPRESSION_MAX} characters`);
  const receipts = value.receipts === undefined ? TRIAL_LIMITS.defaultReceipts : value.receipts;
  if (
    typeof receipts !== 'number' ||
    !Number.isInteger(receipts) ||
    receipts < 1 ||
    receipts > TRIAL_LIMITS.receipts
  )
    problems.push(`receipts: a whole number from 1 to ${TRIAL_LIMITS.receipts}`);
  if (problems.length > 0) throw badRequest('The mapping trial body is not valid.', problems);
  return { expression: value.expression as string, receipts: receipts as number };
}

/** Longest JSONata expression a draft preview takes (stored mappings have their own limit in SourcesService). */
const DRAFT_EXPRESSION_MAX = 100_000;

function readDraft(body: unknown): { expression: string; sample: string } {
  const value = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof value.expression !== 'string') problems.push('expression: must be a string (it may be empty)');
  else if (value.expression.length > DRAFT_EXPRESSION_MAX)
    problems.push(`expression: at most ${DRAFT_EXPRESSION_MAX} characters`);
  if (typeof value.sample !== 'string') problems.push("sample: must be a string in the source's format");
  if (problems.length > 0) throw badRequest('The draft preview body is not valid.', problems);
  return { expression: value.expression as string, sample: value.sample as string };
}

/**
 * A sample over the parsers' limits is answered as intake would answer it (400), like a sample over
 * the size limit (413): a syntax mistake is a finding to fix in place, a limit is a refusal.
 */
function refuseOverLimit(result: PreviewResult): PreviewResult {
  const refusal = previewLimitRefusal(result.findings);
  if (refusal) throw refusal;
  return result;
}

/**
 * Runs a preview or a trial in the mapping sandbox, with a saturated sandbox answered 503 +
 * Retry-After (the request is fine; the hub is busy). A mapping that runs away is not an error of the
 * request: it is the outer finding MAPPING_TIMEOUT or MAPPING_OUT_OF_MEMORY of a 200, as every mapping
 * error is (hub-interface.md).
 */
async function inSandbox<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MappingUnavailableError) {
      throw new AppError(error.code.toLowerCase(), `The mapping could not be run now: ${error.message}.`, {
        status: 503,
        headers: { 'Retry-After': '1' },
      });
    }
    throw error;
  }
}

const preview = (request: PreviewRequest): Promise<PreviewResult> => inSandbox(() => previewMapping(request));

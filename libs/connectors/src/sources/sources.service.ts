import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode, notFound, OutboundGuard, SecretBox } from '@txng/common';
import { compileMapping, MappingCompileError } from '@txng/mapping';
import { isCurrentProvinceCode } from '@txng/national-model';
import {
  type MappingVersionEntity,
  type PollSettings,
  type SourceEntity,
  type SourceStage,
  NATIONAL,
  type ProvinceScope,
} from '@txng/persistence';
import {
  checkSourceDefinition,
  checkSourcePatch,
  type MappingInput,
  type PollInput,
  type SourceDefinition,
} from './source-definition.schema';
import {
  activeCallbackSecrets,
  activeWebhookSecrets,
  newWebhookSecret,
  type SourceSecrets,
  splitPollAuth,
} from './source-secrets';
import { SOURCE_ADMIN_STORE, type SourceAdminStore, type SourceAdminTx } from './source-admin-store.port';
import { SourceCache } from './source-cache';
import { type SourceView, toSourceView } from './source-view';

export const SECRET_BOX = Symbol('SECRET_BOX');

const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;
/** A source's byte budget unless its definition says otherwise (docs/ingest.md): 100 MiB a minute. */
export const DEFAULT_BYTES_PER_MINUTE = 100 * 1024 * 1024;
const MAPPINGLESS_FORMATS = new Set(['epcis-json', 'epcis-xml']);
/** Mapping versions a process keeps (see `SourcesService.mapping`). */
const MAPPING_CACHE_SIZE = 256;

/** Stage changes the Center's connection process allows (hub-interface.md, "Sources"). */
const TRANSITIONS: Record<string, { from: SourceStage[]; to: (s: SourceEntity) => SourceStage }> = {
  'start-testing': { from: ['draft'], to: () => 'testing' },
  activate: { from: ['draft', 'testing'], to: () => 'active' },
  pause: { from: ['testing', 'active'], to: () => 'paused' },
  resume: { from: ['paused'], to: (s) => s.stageBeforePause ?? 'testing' },
};
export type StageAction = keyof typeof TRANSITIONS;

export interface SourceWithSecret {
  source: SourceView;
  webhookSecret?: string;
  /** Shown once: when a callback is first set, and when its secret is rotated. */
  callbackSecret?: string;
}

const invalid = (message: string, details: unknown[] = []): AppError =>
  new AppError(ErrorCode.ValidationFailed, message, { status: 400, details });

/**
 * Onboarding a provincial system: definitions, mapping versions, stages and secrets. Every change is
 * audited in the same transaction as the change itself.
 */
@Injectable()
export class SourcesService {
  /** Mapping versions found, by `source#version`, oldest first (see `mapping`). */
  private readonly mappings = new Map<string, MappingVersionEntity>();
  /**
   * Secrets opened, by the definition they were opened from: a definition served from memory
   * (SourceCache) is opened once, not at every webhook. A changed source is a new object.
   */
  private readonly opened = new WeakMap<SourceEntity, SourceSecrets>();

  constructor(
    @Inject(SOURCE_ADMIN_STORE) private readonly store: SourceAdminStore,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    private readonly guard: OutboundGuard,
    private readonly cache: SourceCache,
  ) {}

  async create(input: unknown, actor: string): Promise<SourceWithSecret> {
    const problems = checkSourceDefinition(input);
    if (problems.length > 0) throw invalid('The source definition is not valid.', problems);
    const def = input as SourceDefinition;
    this.checkSemantics(def);
    if (def.mapping) compileOrRefuse(def.mapping);

    const secrets: SourceSecrets = {};
    let webhookSecret: string | undefined;
    if (def.kind === 'webhook') {
      webhookSecret = newWebhookSecret();
      secrets.webhookSecrets = [
        { secret: webhookSecret, createdAt: new Date().toISOString(), expiresAt: null },
      ];
    }
    let callbackSecret: string | undefined;
    if (def.callback) {
      callbackSecret = newWebhookSecret();
      secrets.callbackSecrets = [
        { secret: callbackSecret, createdAt: new Date().toISOString(), expiresAt: null },
      ];
    }
    let poll: PollSettings | null = null;
    if (def.poll) {
      const split = this.splitPoll(def.poll);
      poll = split.poll;
      secrets.pollAuth = split.secret;
    }

    await this.store.transaction(async (tx) => {
      const exists = await tx.findAny(def.key);
      if (exists) {
        throw new AppError(
          ErrorCode.Conflict,
          `A source with key "${def.key}" already exists${exists.deletedAt ? ' (deleted; keys are never reused)' : ''}.`,
          { status: 409 },
        );
      }
      await tx.insert({
        key: def.key,
        provinceCode: def.provinceCode,
        name: def.name.normalize('NFC').trim(),
        kind: def.kind,
        format: def.format,
        stage: 'draft',
        mappingVersion: def.mapping ? 1 : null,
        poll,
        secretsEnc: this.box.sealJson(secrets),
        maxBodyBytes: def.maxBodyBytes ?? 10 * 1024 * 1024,
        rateLimitPerMinute: def.rateLimitPerMinute ?? 600,
        rateLimitBytesPerMinute: def.rateLimitBytesPerMinute ?? DEFAULT_BYTES_PER_MINUTE,
        policy: def.policy ?? {},
        health: 'healthy',
        consecutiveFailures: 0,
        callback: def.callback ?? null,
        callbackSince: def.callback ? new Date() : null,
        expectedIntervalMinutes: def.expectedIntervalMinutes ?? null,
      });
      if (def.mapping) await this.insertMappingVersion(tx, def.key, 1, def.mapping, actor);
      await tx.audit({
        actor,
        action: 'source.create',
        target: def.key,
        details: { kind: def.kind, format: def.format, provinceCode: def.provinceCode },
      });
    });
    await this.cache.changed(def.key);
    return { source: await this.view(def.key), webhookSecret, callbackSecret };
  }

  /** Live sources, of the scope's provinces only. */
  async list(scope: ProvinceScope = NATIONAL): Promise<SourceView[]> {
    return (await this.store.list(scope)).map((s) => toSourceView(s.source, s.mapping));
  }

  async view(key: string, scope: ProvinceScope = NATIONAL): Promise<SourceView> {
    const source = await this.get(key, scope);
    return toSourceView(source, await this.mapping(key, source.mappingVersion));
  }

  /** A live (not deleted) source of the scope's provinces, or 404 (another province's is unknown). */
  async get(key: string, scope: ProvinceScope = NATIONAL): Promise<SourceEntity> {
    const source = await this.store.find(key, scope);
    if (!source) throw notFound(`Source "${key}"`);
    return source;
  }

  /**
   * A mapping version. Versions are never edited in place (a change is a new version), so one found
   * is kept in a small per-process cache: intake and the ingest worker ask for it once per body. A
   * version not found is not cached (it may be restored).
   */
  async mapping(key: string, version: number | null): Promise<MappingVersionEntity | null> {
    if (version === null) return null;
    const id = `${key}#${version}`;
    const cached = this.mappings.get(id);
    if (cached) return cached;
    const found = await this.store.mapping(key, version);
    if (found) {
      if (this.mappings.size >= MAPPING_CACHE_SIZE) this.mappings.delete(this.mappings.keys().next().value!);
      this.mappings.set(id, found);
    }
    return found;
  }

  async patch(key: string, input: unknown, actor: string): Promise<SourceWithSecret> {
    const problems = checkSourcePatch(input);
    if (problems.length > 0) throw invalid('The change is not valid.', problems);
    const patch = input as Partial<SourceDefinition>;
    for (const fixed of ['key', 'kind', 'provinceCode'] as const) {
      if (patch[fixed] !== undefined) {
        throw invalid(`"${fixed}" cannot change once a source exists; create a new source instead.`, [
          { path: `/${fixed}`, message: 'is fixed' },
        ]);
      }
    }
    if (patch.mapping) compileOrRefuse(patch.mapping);
    if (patch.poll) this.checkPollUrls(patch.poll);
    if (patch.callback) this.checkCallbackUrl(patch.callback.url);

    let callbackSecret: string | undefined;
    await this.store.transaction(async (tx) => {
      const source = await this.lockSource(tx, key);
      const changes: Partial<SourceEntity> = { updatedAt: new Date() };
      const changed: string[] = [];
      const simple = {
        name: patch.name?.normalize('NFC').trim(),
        format: patch.format,
        maxBodyBytes: patch.maxBodyBytes,
        rateLimitPerMinute: patch.rateLimitPerMinute,
        rateLimitBytesPerMinute: patch.rateLimitBytesPerMinute,
        policy: patch.policy,
        expectedIntervalMinutes: patch.expectedIntervalMinutes,
      };
      for (const [field, value] of Object.entries(simple)) {
        if (value === undefined) continue;
        Object.assign(changes, { [field]: value });
        changed.push(field);
      }
      if (patch.poll !== undefined) {
        if (source.kind !== 'poll') throw invalid('Only poll sources have poll settings.');
        const split = this.splitPoll(patch.poll);
        const secrets = this.secretsOf(source);
        secrets.pollAuth = split.secret;
        changes.poll = split.poll;
        changes.secretsEnc = this.box.sealJson(secrets);
        changed.push('poll');
      }
      if (patch.callback !== undefined) {
        changes.callback = patch.callback;
        changes.callbackSince = patch.callback ? (source.callbackSince ?? new Date()) : null;
        const secrets = this.secretsOf(source);
        if (patch.callback && activeCallbackSecrets(secrets, new Date()).length === 0) {
          // The first callback of this source: its secret is made now and shown in this answer only.
          callbackSecret = newWebhookSecret();
          secrets.callbackSecrets = [
            { secret: callbackSecret, createdAt: new Date().toISOString(), expiresAt: null },
          ];
          changes.secretsEnc = this.box.sealJson(secrets);
        }
        changed.push('callback');
      }
      if (patch.mapping !== undefined) {
        const version = (source.mappingVersion ?? 0) + 1;
        await this.insertMappingVersion(tx, key, version, patch.mapping, actor);
        changes.mappingVersion = version;
        changed.push(`mapping (version ${version})`);
      }
      const format = changes.format ?? source.format;
      if (!MAPPINGLESS_FORMATS.has(format) && (changes.mappingVersion ?? source.mappingVersion) === null) {
        throw invalid(`A source of format "${format}" needs a mapping.`);
      }
      await tx.update(key, changes);
      await tx.audit({ actor, action: 'source.update', target: key, details: { changed } });
    });
    await this.cache.changed(key);
    return { source: await this.view(key), callbackSecret };
  }

  /** Soft delete: the key stays reserved and every receipt and record it brought is kept. */
  async remove(key: string, actor: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.lockSource(tx, key);
      await tx.update(key, { deletedAt: new Date(), updatedAt: new Date() });
      await tx.audit({ actor, action: 'source.delete', target: key });
    });
    await this.cache.changed(key);
  }

  async transition(
    key: string,
    action: StageAction,
    actor: string,
    scope: ProvinceScope = NATIONAL,
  ): Promise<SourceView> {
    const rule = TRANSITIONS[action];
    await this.store.transaction(async (tx) => {
      const source = await this.lockSource(tx, key, scope);
      if (!rule.from.includes(source.stage)) {
        throw new AppError(
          ErrorCode.Conflict,
          `Cannot ${action} source "${key}" while it is ${source.stage} (allowed from: ${rule.from.join(', ')}).`,
          { status: 409 },
        );
      }
      if (
        action !== 'pause' &&
        source.stage !== 'paused' &&
        !MAPPINGLESS_FORMATS.has(source.format) &&
        source.mappingVersion === null
      ) {
        throw new AppError(
          ErrorCode.Conflict,
          `Source "${key}" has no mapping yet; add one before it receives data.`,
          { status: 409 },
        );
      }
      const to = rule.to(source);
      await tx.update(key, {
        stage: to,
        stageBeforePause: action === 'pause' ? (source.stage as 'testing' | 'active') : null,
        // SOURCE_STALE counts silence from here when nothing has come yet.
        ...(to === 'active' && source.stage !== 'active' ? { activatedAt: new Date() } : {}),
        // A source an operator resumes gets a clean slate: it is polled again straight away.
        ...(action === 'resume'
          ? { health: 'healthy' as const, consecutiveFailures: 0, nextPollAfter: null }
          : {}),
        updatedAt: new Date(),
      });
      await tx.audit({ actor, action: `source.${action}`, target: key, details: { from: source.stage, to } });
    });
    await this.cache.changed(key);
    return this.view(key);
  }

  /** A new webhook secret; the old ones stay valid for the grace period so a province can switch. */
  async rotateSecret(
    key: string,
    actor: string,
    graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS,
  ): Promise<SourceWithSecret> {
    const webhookSecret = newWebhookSecret();
    await this.store.transaction(async (tx) => {
      const source = await this.lockSource(tx, key);
      if (source.kind !== 'webhook') throw invalid('Only webhook sources have a signing secret.');
      const now = new Date();
      const secrets = this.secretsOf(source);
      const graceEnd = new Date(now.getTime() + graceSeconds * 1000).toISOString();
      const kept = (secrets.webhookSecrets ?? [])
        .filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now)
        .map((s) => ({
          ...s,
          expiresAt: s.expiresAt === null || s.expiresAt > graceEnd ? graceEnd : s.expiresAt,
        }));
      secrets.webhookSecrets = [
        ...kept,
        { secret: webhookSecret, createdAt: now.toISOString(), expiresAt: null },
      ];
      await tx.update(key, { secretsEnc: this.box.sealJson(secrets), updatedAt: now });
      await tx.audit({
        actor,
        action: 'source.rotate-secret',
        target: key,
        details: { previousValidUntil: graceEnd },
      });
    });
    await this.cache.changed(key);
    return { source: await this.view(key), webhookSecret };
  }

  /**
   * A new callback secret; the old one keeps signing beside it (two signatures per delivery) for the
   * grace period, so the province can switch its verification without missing a delivery.
   */
  async rotateCallbackSecret(
    key: string,
    actor: string,
    graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS,
  ): Promise<SourceWithSecret> {
    const callbackSecret = newWebhookSecret();
    await this.store.transaction(async (tx) => {
      const source = await this.lockSource(tx, key);
      if (!source.callback) throw invalid('This source has no callback; set "callback" on it first.');
      const now = new Date();
      const secrets = this.secretsOf(source);
      const graceEnd = new Date(now.getTime() + graceSeconds * 1000).toISOString();
      const kept = (secrets.callbackSecrets ?? [])
        .filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now)
        .map((s) => ({
          ...s,
          expiresAt: s.expiresAt === null || s.expiresAt > graceEnd ? graceEnd : s.expiresAt,
        }));
      secrets.callbackSecrets = [
        ...kept,
        { secret: callbackSecret, createdAt: now.toISOString(), expiresAt: null },
      ];
      await tx.update(key, { secretsEnc: this.box.sealJson(secrets), updatedAt: now });
      await tx.audit({
        actor,
        action: 'source.rotate-callback-secret',
        target: key,
        details: { previousSignsUntil: graceEnd },
      });
    });
    await this.cache.changed(key);
    return { source: await this.view(key), callbackSecret };
  }

  secretsOf(source: SourceEntity): SourceSecrets {
    return source.secretsEnc ? this.box.openJson<SourceSecrets>(source.secretsEnc) : {};
  }

  webhookSecrets(source: SourceEntity, now = new Date()): string[] {
    let secrets = this.opened.get(source);
    if (!secrets) {
      secrets = this.secretsOf(source);
      this.opened.set(source, secrets);
    }
    return activeWebhookSecrets(secrets, now);
  }

  private async lockSource(
    tx: SourceAdminTx,
    key: string,
    scope: ProvinceScope = NATIONAL,
  ): Promise<SourceEntity> {
    const source = await tx.lock(key, scope);
    if (!source) throw notFound(`Source "${key}"`);
    return source;
  }

  private async insertMappingVersion(
    tx: SourceAdminTx,
    key: string,
    version: number,
    mapping: MappingInput,
    actor: string,
  ): Promise<void> {
    await tx.insertMapping({
      sourceKey: key,
      version,
      language: mapping.language,
      expression: mapping.expression,
      createdBy: actor,
    });
  }

  private splitPoll(poll: PollInput): { poll: PollSettings; secret: SourceSecrets['pollAuth'] } {
    const { visible, secret } = splitPollAuth(poll.auth);
    return {
      poll: {
        ...poll,
        auth: visible as PollSettings['auth'],
        pagination: poll.pagination,
      },
      secret,
    };
  }

  /** https in production unless OUTBOUND_ALLOWLIST names the host (the guard checks again per request). */
  private checkPollUrls(poll: PollInput): void {
    const problems = [
      { path: '/poll/url', message: this.guard.urlProblem(poll.url, 'The poll URL') },
      ...(poll.auth.type === 'oauth2'
        ? [
            {
              path: '/poll/auth/tokenUrl',
              message: this.guard.urlProblem(poll.auth.tokenUrl, 'The token URL'),
            },
          ]
        : []),
    ].filter((p): p is { path: string; message: string } => p.message !== null);
    if (problems.length > 0) throw invalid(problems.map((p) => p.message).join(' '), problems);
  }

  /** Callback URLs obey the outbound rules of poll URLs (the guard checks again at each delivery). */
  private checkCallbackUrl(url: string): void {
    const message = this.guard.urlProblem(url, 'The callback URL');
    if (message) throw invalid(message, [{ path: '/callback/url', message }]);
  }

  private checkSemantics(def: SourceDefinition): void {
    if (!isCurrentProvinceCode(def.provinceCode)) {
      throw invalid(
        `provinceCode "${def.provinceCode}" is not one of the 34 provinces in force since 2025-07-01.`,
        [{ path: '/provinceCode', message: 'unknown province' }],
      );
    }
    if (def.kind === 'poll' && !def.poll)
      throw invalid('A poll source needs a "poll" object.', [
        { path: '/poll', message: 'is required for kind poll' },
      ]);
    if (def.poll) this.checkPollUrls(def.poll);
    if (def.callback) this.checkCallbackUrl(def.callback.url);
    if (def.kind === 'webhook' && def.poll)
      throw invalid('A webhook source takes no "poll" object.', [
        { path: '/poll', message: 'only for kind poll' },
      ]);
    if (!def.mapping && !MAPPINGLESS_FORMATS.has(def.format)) {
      throw invalid(
        `A source of format "${def.format}" needs a mapping (only epcis-json and epcis-xml map themselves).`,
        [{ path: '/mapping', message: 'is required' }],
      );
    }
  }
}

function compileOrRefuse(mapping: MappingInput): void {
  try {
    compileMapping(mapping);
  } catch (error) {
    if (error instanceof MappingCompileError) {
      throw new AppError('mapping_invalid', `The mapping does not compile: ${error.message}`, {
        status: 400,
        details: [
          {
            path: '/mapping/expression',
            message: error.message,
            position: error.position ?? null,
            token: error.token ?? null,
          },
        ],
      });
    }
    throw error;
  }
}

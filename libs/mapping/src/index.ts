// Public API of @txng/mapping: parsing per source format, the JSONata mapping engine and its
// helpers, and the preview the operator API and the workers share. Pure: no NestJS, no I/O.
export * from './errors/payload-parse.error';
export * from './errors/mapping.errors';
export {
  SOURCE_FORMATS,
  type SourceFormat,
  type ParsedPayload,
  isSourceFormat,
  parsePayload,
} from './parsing/parse-payload';
export { type CsvRow, parseCsvPayload, detectDelimiter } from './parsing/csv.parser';
export { PAYLOAD_LIMITS, type PayloadLimitName } from './parsing/payload-limits';
export { epcisXmlEvents } from './parsing/epcis-xml.parser';
export { epcisJsonEvents } from './parsing/epcis-json.parser';
export { decodeUtf8 } from './parsing/utf8-text';
export { type MappingDefinition, type CompiledMapping, compileMapping } from './engine/compile-mapping';
export {
  type EvaluateOptions,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_DEPTH,
  evaluateMapping,
} from './engine/evaluate-mapping';
export { toEnvelope } from './engine/envelope-result';
export {
  type SandboxOptions,
  type SandboxTask,
  type MappedText,
  SANDBOX_DEFAULTS,
  MappingSandbox,
  mappingSandbox,
  closeMappingSandbox,
} from './sandbox/mapping-sandbox';
export {
  type SandboxedEvaluateOptions,
  evaluateSandboxed,
  evaluateSandboxedText,
} from './sandbox/evaluate-sandboxed';
export { MAPPING_HELPERS, type HelperFunction } from './helpers/mapping-helpers';
export { parseVnNumber } from './helpers/vn-number';
export { vnDateToIso, vnDateTimeToRfc3339 } from './helpers/vn-date';
export { epcisToEnvelope, mapPayload, mapPayloadText } from './preview/map-payload';
export { countEnvelopeRecords } from './preview/count-envelope-records';
export { type PreviewRecord, type RecordOptions, envelopeToRecords } from './preview/envelope-to-records';
export {
  type PreviewFinding,
  type PreviewRequest,
  type PreviewResult,
  previewMapping,
  readRecords,
  toPreviewFinding,
} from './preview/preview-mapping';
export {
  type RecordChange,
  type TrialPayload,
  type TrialRecord,
  type TrialRequest,
  type TrialResult,
  tryMapping,
} from './trial/mapping-trial';
export { leafPaths, namesRead, unreadPaths } from './trial/unread-fields';

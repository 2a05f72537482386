import { type SourceFormat } from '@txng/persistence';

/** The media types each format accepts (hub-interface.md, "Webhook ingest"). */
export const ACCEPTED_MEDIA_TYPES: Record<SourceFormat, string[]> = {
  json: ['application/json'],
  xml: ['application/xml', 'text/xml'],
  csv: ['text/csv'],
  'epcis-json': ['application/ld+json', 'application/json'],
  'epcis-xml': ['application/xml', 'text/xml'],
};

export type ContentTypeCheck = { ok: true; mediaType: string } | { ok: false; reason: string };

export function checkContentType(header: string | undefined, format: SourceFormat): ContentTypeCheck {
  const accepted = ACCEPTED_MEDIA_TYPES[format];
  if (!header)
    return { ok: false, reason: `Content-Type is missing; this source takes ${accepted.join(' or ')}.` };
  const [type, ...params] = header.split(';').map((p) => p.trim());
  const mediaType = type.toLowerCase();
  if (!accepted.includes(mediaType)) {
    return {
      ok: false,
      reason: `Content-Type ${mediaType} does not match this source's format "${format}"; send ${accepted.join(' or ')}.`,
    };
  }
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((p) => p.trim());
    if (name.toLowerCase() === 'charset' && !/^"?utf-8"?$/i.test(value)) {
      return { ok: false, reason: `charset ${value} is not accepted; send UTF-8.` };
    }
  }
  return { ok: true, mediaType };
}

import { withCheckDigit } from '../gs1/check-digit';
/**
 * Percent-encoding as the GS1 reference conversion of EPC URNs writes it (and so the Event Hash
 * ID's test vectors): like encodeDlValue, but `'` stays as it is.
 */
function encodeDlValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const DL = 'https://id.gs1.org';

function unescapeEpc(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Company prefix + reference with the indicator/extension digit moved to the front. */
function keyWithIndicator(prefix: string, ref: string, totalDataDigits: number): string | undefined {
  if (!/^\d{6,12}$/.test(prefix) || !/^\d+$/.test(ref) || prefix.length + ref.length !== totalDataDigits)
    return undefined;
  return withCheckDigit(ref[0] + prefix + ref.slice(1));
}

function keyNoIndicator(prefix: string, ref: string, totalDataDigits: number): string | undefined {
  if (!/^\d{6,12}$/.test(prefix) || !/^\d*$/.test(ref) || prefix.length + ref.length !== totalDataDigits)
    return undefined;
  return withCheckDigit(prefix + ref);
}

/**
 * EPC pure-identity URNs (TDS 2.x) → GS1 Digital Link on id.gs1.org. Covers the schemes EPCIS
 * events carry: sgtin, sscc, sgln, grai, giai, gsrn, gsrnp, gdti, cpi, sgcn, ginc, gsin, itip,
 * upui, pgln, the lgtin class and the sgtin/grai/gdti/sgcn/cpi/itip/upui id patterns (which
 * identify a class, e.g. a GTIN). Returns undefined for anything else.
 */
export function epcUrnToDigitalLink(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(urn.trim());
  if (!m) return undefined;
  const [, kind, scheme, body] = m;
  const parts = body.split('.');
  const p = parts[0];
  if (kind === 'class') {
    if (scheme !== 'lgtin' || parts.length < 3) return undefined;
    const gtin = keyWithIndicator(p, parts[1], 13);
    const lot = unescapeEpc(parts.slice(2).join('.'));
    return gtin && lot ? `${DL}/01/${gtin}/10/${encodeDlValue(lot)}` : undefined;
  }
  if (kind === 'idpat') {
    const gtin = () => keyWithIndicator(p, parts[1], 13);
    switch (scheme) {
      case 'sgtin':
      case 'upui':
        return parts[2] === '*' && gtin() ? `${DL}/01/${gtin()}` : undefined;
      case 'grai': {
        const k = keyNoIndicator(p, parts[1], 12);
        return k ? `${DL}/8003/0${k}` : undefined;
      }
      case 'gdti': {
        const k = keyNoIndicator(p, parts[1], 12);
        return k ? `${DL}/253/${k}` : undefined;
      }
      case 'sgcn': {
        const k = keyNoIndicator(p, parts[1], 12);
        return k ? `${DL}/255/${k}` : undefined;
      }
      case 'cpi':
        return `${DL}/8010/${encodeDlValue(unescapeEpc(p + parts[1]))}`;
      case 'itip':
        return gtin() && parts.length >= 5 ? `${DL}/8006/${gtin()}${parts[2]}${parts[3]}` : undefined;
      default:
        return undefined;
    }
  }
  const rest = (from: number) => unescapeEpc(parts.slice(from).join('.'));
  switch (scheme) {
    case 'sgtin': {
      const g = keyWithIndicator(p, parts[1] ?? '', 13);
      return g && parts.length >= 3 ? `${DL}/01/${g}/21/${encodeDlValue(rest(2))}` : undefined;
    }
    case 'upui': {
      const g = keyWithIndicator(p, parts[1] ?? '', 13);
      return g && parts.length >= 3 ? `${DL}/01/${g}/235/${encodeDlValue(rest(2))}` : undefined;
    }
    case 'sscc': {
      const s = keyWithIndicator(p, parts[1] ?? '', 17);
      return s ? `${DL}/00/${s}` : undefined;
    }
    case 'sgln': {
      const g = keyNoIndicator(p, parts[1] ?? '', 12);
      if (!g || parts.length < 3) return undefined;
      const ext = rest(2);
      // Extension "0" is how the SGLN says "no extension".
      return ext === '0' ? `${DL}/414/${g}` : `${DL}/414/${g}/254/${encodeDlValue(ext)}`;
    }
    case 'pgln': {
      const g = keyNoIndicator(p, parts[1] ?? '', 12);
      return g ? `${DL}/417/${g}` : undefined;
    }
    case 'grai': {
      const g = keyNoIndicator(p, parts[1] ?? '', 12);
      return g && parts.length >= 3 ? `${DL}/8003/0${g}${encodeDlValue(rest(2))}` : undefined;
    }
    case 'gdti': {
      const g = keyNoIndicator(p, parts[1] ?? '', 12);
      return g && parts.length >= 3 ? `${DL}/253/${g}${encodeDlValue(rest(2))}` : undefined;
    }
    case 'sgcn': {
      const g = keyNoIndicator(p, parts[1] ?? '', 12);
      return g && parts.length >= 3 ? `${DL}/255/${g}${rest(2)}` : undefined;
    }
    case 'giai':
      return `${DL}/8004/${p}${encodeDlValue(rest(1))}`;
    case 'ginc':
      return `${DL}/401/${p}${encodeDlValue(rest(1))}`;
    case 'gsrn':
    case 'gsrnp': {
      const g = keyNoIndicator(p, parts[1] ?? '', 17);
      return g ? `${DL}/${scheme === 'gsrn' ? '8018' : '8017'}/${g}` : undefined;
    }
    case 'gsin': {
      const g = keyNoIndicator(p, parts[1] ?? '', 16);
      return g ? `${DL}/402/${g}` : undefined;
    }
    case 'cpi': {
      if (parts.length < 3) return undefined;
      const serial = parts[parts.length - 1];
      return `${DL}/8010/${encodeDlValue(unescapeEpc(p + parts.slice(1, -1).join('.')))}/8011/${serial}`;
    }
    case 'itip': {
      const g = keyWithIndicator(p, parts[1] ?? '', 13);
      return g && parts.length >= 5
        ? `${DL}/8006/${g}${parts[2]}${parts[3]}/21/${encodeDlValue(rest(4))}`
        : undefined;
    }
    default:
      return undefined;
  }
}

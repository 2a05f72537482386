import { hasValidCheckDigit } from './check-digit';

/** GLN: 13 digits with a valid GS1 check digit. */
export function isValidGln(value: string): boolean {
  return /^\d{13}$/.test(value) && hasValidCheckDigit(value);
}

/** SSCC: 18 digits with a valid GS1 check digit. */
export function isValidSscc(value: string): boolean {
  return /^\d{18}$/.test(value) && hasValidCheckDigit(value);
}

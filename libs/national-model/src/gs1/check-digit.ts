/** GS1 mod-10 check digit over the data digits (all but the check digit). */
export function computeCheckDigit(dataDigits: string): number {
  let sum = 0;
  // Weights run 3,1,3,… from the rightmost data digit, so the same routine serves every key length.
  for (let i = dataDigits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (dataDigits.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `digits` is all digits and its last digit is the GS1 check digit of the rest. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return computeCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** Appends the check digit to `dataDigits`. */
export function withCheckDigit(dataDigits: string): string {
  return dataDigits + String(computeCheckDigit(dataDigits));
}

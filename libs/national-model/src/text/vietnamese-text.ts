/**
 * NFC, trimmed, internal whitespace runs collapsed to one space. macOS and some Windows tools
 * send NFD Vietnamese; after this "Cần Thơ" is one string whichever way it arrived.
 */
export function normalizeText(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/**
 * A comparison key, never shown to anyone: lower case, no diacritics, đ → d, single spaces.
 * "Thành phố Hồ Chí Minh", "THANH PHO HO CHI MINH" and "thanh  pho ho chi minh" all match.
 */
export function matchKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ')
    .normalize('NFC');
}

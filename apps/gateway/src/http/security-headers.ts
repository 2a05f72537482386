import { type Response } from 'express';

/**
 * Headers for every page the gateway serves to a browser (the admin UI and bull-board): nothing
 * but the hub's own origin may supply scripts, styles, images or be called, and no site may frame
 * the pages (clickjacking), sniff types or receive the referrer.
 */
export function setUiSecurityHeaders(res: Response, options: { allowInline?: boolean } = {}): void {
  // bull-board's page carries an inline configuration script and inline styles; our own UI has none.
  const inline = options.allowInline ? " 'unsafe-inline'" : '';
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self'${inline}`,
      `style-src 'self'${inline}`,
      "img-src 'self' data:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

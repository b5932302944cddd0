import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring URLs for Notion-hosted files, served by the local server itself.
 * Each signing yields a new URL (fresh nonce and expiry), as Notion's S3 URLs do, so a
 * client that keys downloads by URL instead of by file is caught.
 */

export interface SignedFile {
  url: string;
  /** ISO 8601 expiry, as in `{ url, expiry_time }`. */
  expiry_time: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'expired' | 'bad-signature' };

/** Signs and verifies `/files/<fileId>/<name>?expires=<epoch ms>&nonce=…&sig=…` URLs. */
export class FileSigner {
  private readonly secret = randomBytes(32);
  private nonce = 0;

  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    private readonly expirySeconds: number,
  ) {}

  /** A fresh signed URL for a stored file. */
  sign(fileId: string, name: string): SignedFile {
    const expires = this.now() + this.expirySeconds * 1000;
    const nonce = (++this.nonce).toString(36) + randomBytes(4).toString('hex');
    const path = `/files/${fileId}/${encodeURIComponent(name)}`;
    const sig = this.mac(path, expires, nonce);
    return {
      url: `${this.baseUrl()}${path}?expires=${expires}&nonce=${nonce}&sig=${sig}`,
      expiry_time: new Date(expires).toISOString(),
    };
  }

  /** Checks a request path + query against its signature and the clock. */
  verify(path: string, query: URLSearchParams): VerifyResult {
    const expires = Number(query.get('expires'));
    const nonce = query.get('nonce') ?? '';
    const sig = Buffer.from(query.get('sig') ?? '');
    const expected = Buffer.from(this.mac(path, expires, nonce));
    if (!Number.isFinite(expires) || sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    if (this.now() >= expires) return { ok: false, reason: 'expired' };
    return { ok: true };
  }

  private mac(path: string, expires: number, nonce: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}\n${nonce}`).digest('hex');
  }
}

/** The S3-like XML body for a refused download. */
export function s3ErrorXml(reason: 'expired' | 'bad-signature' | 'not-found', resource: string): string {
  const [code, message] =
    reason === 'expired'
      ? ['AccessDenied', 'Request has expired']
      : reason === 'bad-signature'
        ? ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.']
        : ['NoSuchKey', 'The specified key does not exist.'];
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

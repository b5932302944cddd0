/**
 * How an API request travels: one request out, its whole answer back as text. The gateway needs
 * no more of HTTP than that (the SDK reads `ok`, `status`, `headers` and the text), so the real
 * transport is Node's own http client, not WHATWG `fetch`: fetch's streams and header
 * bookkeeping cost about three times the CPU per request (1.4–1.6 ms against 0.4–0.6 ms for a
 * 24 KB block listing, 900 requests in a fresh process), which was most of what the requests of
 * a nightly run cost on the machine. File downloads keep `fetch` (streamed, redirects checked
 * hop by hop).
 *
 * Failures keep fetch's contract, so `classifyError` reads them the same way whichever
 * transport ran: a network failure rejects with `TypeError('fetch failed')` whose `cause` is
 * Node's error (its `code`: ECONNRESET, ENOTFOUND, a certificate error); an aborted request
 * rejects with the signal's reason (a `TimeoutError` for our deadlines).
 */
import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** One API request. */
export interface ApiRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** A JSON text; the API takes no other body here. */
  body?: string;
  /** Aborts the request, its answer included. */
  signal: AbortSignal;
}

/** Header lookup by name, in any case, as `Headers.get`. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** The answer, read whole. */
export interface ApiResponse {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  /** The body as text ('' for a status without one). */
  text: string;
  /** The UTF-8 bytes `text` was decoded from, less a byte-order mark (where the transport has them). */
  bytes?: Buffer;
}

/** Sends one API request and reads its whole answer. */
export type ApiTransport = (request: ApiRequest) => Promise<ApiResponse>;

/** Statuses whose responses have no body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** A transport over any `fetch`: what runs when the effects bring their own fetch (tests do). */
export function transportOverFetch(fetchFn: typeof fetch): ApiTransport {
  return async ({ url, method, headers, body, signal }) => {
    const response = await fetchFn(url, { method, headers, ...(body === undefined ? {} : { body }), signal });
    const text = NULL_BODY_STATUSES.has(response.status) ? '' : await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, text };
  };
}

/** Options of `nodeHttpTransport`. */
export interface NodeHttpTransportOptions {
  /** Certificates trusted besides Node's (tests of the https path). */
  ca?: string | Buffer;
}

/**
 * The real transport: Node's http and https clients with kept-alive connections (idle ones do
 * not keep the process alive). It asks for a compressed answer, as fetch does, and decodes gzip,
 * deflate and brotli.
 */
export function nodeHttpTransport(options: NodeHttpTransportOptions = {}): ApiTransport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, ...(options.ca === undefined ? {} : { ca: options.ca }) }),
  };
  return (request) =>
    new Promise<ApiResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) return reject(signal.reason);
      let url: URL;
      try {
        url = new URL(request.url);
      } catch (err) {
        return reject(new TypeError(`Failed to parse URL from ${request.url}`, { cause: err }));
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        // Not a network failure: waiting will not help.
        return reject(new TypeError(`only http: and https: URLs are sent, not ${url.protocol}`));
      }
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));

      let settled = false;
      const finish = () => {
        settled = true;
        signal.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        finish();
        req.destroy();
        reject(signal.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
      };
      const onAbort = () => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });

      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, { method: request.method, headers, agent: agents[url.protocol] }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('close', () => {
          if (!settled) fail(connectionClosed());
        });
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(connectionClosed());
          const status = res.statusCode ?? 0;
          let body: { text: string; bytes: Buffer } = { text: '', bytes: EMPTY };
          if (!NULL_BODY_STATUSES.has(status)) {
            try {
              body = decode(Buffer.concat(chunks), res.headers['content-encoding']);
            } catch (err) {
              return fail(err);
            }
          }
          finish();
          resolve({ status, statusText: res.statusMessage ?? '', headers: headersOf(res.headers), ...body });
        });
      });
      req.on('error', fail);
      req.end(request.body);
    });
}

function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed before the whole answer came'), { code: 'ECONNRESET' });
}

const EMPTY = Buffer.alloc(0);

/** The body as text, decompressed as its Content-Encoding says; a leading byte-order mark goes, as in fetch's `text()`. */
function decode(body: Buffer, encoding: string | undefined): { text: string; bytes: Buffer } {
  let bytes = body;
  // Listed in the order they were applied: undo them from the last.
  const codings = (encoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') bytes = gunzipSync(bytes);
    else if (coding === 'deflate') bytes = inflateSync(bytes);
    else if (coding === 'br') bytes = brotliDecompressSync(bytes);
    else throw Object.assign(new Error(`unsupported Content-Encoding ${coding}`), { code: 'UNSUPPORTED_ENCODING' });
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  return { text: bytes.toString('utf8'), bytes };
}

function headersOf(raw: http.IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

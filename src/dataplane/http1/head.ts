// Serialising message heads: one string per head, written in one go.
import { STATUS_CODES } from 'node:http';

/** The reason phrase we write for a status (the upstream's own phrase is not forwarded, as Envoy does). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

const STATUS_LINES: string[] = [];

/** "HTTP/1.1 <status> <reason>\r\n", built once per status. */
export function statusLine(status: number): string {
  let line = STATUS_LINES[status];
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
    if (status >= 100 && status <= 999) STATUS_LINES[status] = line;
  }
  return line;
}

/** "name: value\r\n" for each pair of a flat header list. */
export function serializeHeaders(headers: readonly string[]): string {
  let out = '';
  for (let i = 0; i + 1 < headers.length; i += 2) out += `${headers[i] as string}: ${headers[i + 1] as string}\r\n`;
  return out;
}

/** True when a value could split a head if written raw (CR, LF or NUL). */
export function unsafeHeaderValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x0d || code === 0x0a || code === 0) return true;
  }
  return false;
}

/** Drops header lines whose name or value could split a head (config values are not trusted to be clean). */
export function withoutUnsafeHeaders(headers: string[]): string[] {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (unsafeHeaderValue(headers[i] as string) || unsafeHeaderValue(headers[i + 1] as string)) {
      const clean: string[] = [];
      for (let j = 0; j + 1 < headers.length; j += 2) {
        const name = headers[j] as string;
        const value = headers[j + 1] as string;
        if (!unsafeHeaderValue(name) && !unsafeHeaderValue(value)) clean.push(name, value);
      }
      return clean;
    }
  }
  return headers;
}

const CHUNK_END = Buffer.from('\r\n');

/** The size line of a chunk (RFC 9112 §7.1). */
export function chunkSizeLine(size: number): string {
  return `${size.toString(16)}\r\n`;
}

export { CHUNK_END };

/** The last chunk and the trailer section. */
export function lastChunk(trailers: readonly string[]): string {
  return trailers.length === 0 ? '0\r\n\r\n' : `0\r\n${serializeHeaders(trailers)}\r\n`;
}

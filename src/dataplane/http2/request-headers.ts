// An HTTP/2 request's header block as the proxy pipeline reads requests:
// :method, :path and :authority (the Host, RFC 9113 §8.3.1) taken out, the
// regular fields in order as a flat list. Connection-specific fields are
// dropped (RFC 9113 §8.2.2: nghttp2 already refuses most of them as
// malformed; this keeps TE to "trailers"), and the Cookie crumbs HTTP/2 lets a
// client split are joined into one field with "; " (§8.2.3) before they reach
// an HTTP/1.1 backend.
export interface Http2RequestHead {
  method: string;
  path: string;
  authority: string | undefined;
  /** Extended CONNECT (RFC 8441): the :protocol pseudo-header. */
  protocol: string | undefined;
  headers: string[];
  contentType: string | undefined;
  hasContentLength: boolean;
  /** The client said it accepts trailers (TE: trailers; every gRPC client does). */
  trailers: boolean;
  /** The header list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 §6.5.2: name + value + 32 per field). */
  size: number;
}

export function readRequestHead(raw: readonly string[]): Http2RequestHead {
  const head: Http2RequestHead = {
    method: '', path: '', authority: undefined, protocol: undefined, headers: [],
    contentType: undefined, hasContentLength: false, trailers: false, size: 0,
  };
  let host: string | undefined;
  let cookie: string | undefined;
  const headers = head.headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    head.size += name.length + value.length + 32;
    if (name.charCodeAt(0) === 58 /* ':' */) {
      if (name === ':method') head.method = value;
      else if (name === ':path') head.path = value;
      else if (name === ':authority') head.authority = value;
      else if (name === ':protocol') head.protocol = value;
      continue;
    }
    switch (name) {
      case 'host':
        host ??= value;
        break;
      case 'cookie':
        cookie = cookie === undefined ? value : `${cookie}; ${value}`;
        break;
      case 'te':
        if (value.toLowerCase() === 'trailers') {
          head.trailers = true;
          headers.push(name, value);
        }
        break;
      case 'connection':
      case 'keep-alive':
      case 'proxy-connection':
      case 'transfer-encoding':
      case 'upgrade':
      case 'http2-settings':
        break;
      case 'content-type':
        head.contentType ??= value;
        headers.push(name, value);
        break;
      case 'content-length':
        head.hasContentLength = true;
        headers.push(name, value);
        break;
      default:
        headers.push(name, value);
    }
  }
  if (cookie !== undefined) headers.push('cookie', cookie);
  head.authority ??= host;
  return head;
}

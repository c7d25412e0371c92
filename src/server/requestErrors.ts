/**
 * What went wrong with a request the routes never saw, in the `{"detail": ...}` shape: a malformed multipart body
 * (from @fastify/multipart and busboy), and the errors Node's HTTP parser raises before Fastify (header too large,
 * bad Content-Length, URL too long).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Limits of the multipart parser (`@fastify/multipart` options), named in the messages. */
export interface MultipartLimits {
  files: number;
  fields: number;
  parts: number;
  fieldSize: number;
  headerPairs: number;
}

const END =
  'The multipart body ended before it was complete: the file part is truncated, the closing boundary ("--BOUNDARY--") is missing, or no part uses the boundary named in Content-Type.';

/** Status and message for an error of the multipart parser, or null when `error` is not one. */
export function multipartProblem(error: { code?: string; message?: unknown }, limits: MultipartLimits): { status: number; detail: string } | null {
  switch (error.code) {
    case 'FST_PARTS_LIMIT':
      return { status: 413, detail: `Too many parts in the multipart body: the limit is ${limits.parts} (one file part named "file" is all an upload needs).` };
    case 'FST_FILES_LIMIT':
      return { status: 400, detail: `Too many file parts: send one dataset per upload, in one part named "file".` };
    case 'FST_FIELDS_LIMIT':
      return { status: 413, detail: `Too many form fields in the multipart body: the limit is ${limits.fields}.` };
    case 'FST_PROTO_VIOLATION':
      return { status: 400, detail: 'A multipart field name is not allowed ("__proto__", "constructor" or "prototype").' };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { status: 400, detail: 'Expected a multipart/form-data body with a file field named "file".' };
    case 'FST_MP_PREMATURE_CLOSE':
      return { status: 400, detail: END };
    default:
      break;
  }
  // Some errors reaching the handler are plain objects (the rate limiter's), without a message.
  const m = typeof error.message === 'string' ? error.message : '';
  if (m === 'Multipart: Boundary not found' || m === 'Boundary required') {
    return { status: 400, detail: 'The Content-Type header names no multipart boundary: expected "multipart/form-data; boundary=...".' };
  }
  if (m === 'The needle cannot be an empty String/Buffer.' || m === 'The needle cannot have a length bigger than 256.') {
    return { status: 400, detail: 'The multipart boundary in Content-Type must be 1 to 70 characters long.' };
  }
  if (m === 'Unexpected end of multipart data' || m.endsWith('terminated early due to unexpected end of multipart data')) {
    return { status: 400, detail: END };
  }
  if (m === 'Malformed part header') return { status: 400, detail: 'A multipart part header is malformed.' };
  return null;
}

function clientErrorDetail(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'Request headers (URL included) are too large.' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'Bad Content-Length header: it must be one non-negative integer, without Transfer-Encoding.' };
    case 'HPE_URI_TOO_LONG':
      return { status: 414, detail: 'The URL is too long.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request took too long to arrive.' };
    default:
      return { status: 400, detail: 'Malformed HTTP request.' };
  }
}

/** Fastify's `clientErrorHandler`: Node's HTTP parser failed, so answer on the socket itself. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = clientErrorDetail(error.code);
  const body = JSON.stringify({ detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

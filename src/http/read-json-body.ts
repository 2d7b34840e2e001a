/// <reference lib="dom" />
import { TicketError } from '../core/errors/ticket-error.js'
import { HttpProblem } from './problem.js'

/** The default cap on a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** `application/json`, or any `application/<something>+json`, with optional parameters. */
function isJsonContentType(header: string | null): boolean {
  if (header === null) return false
  const mediaType = header.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType)
}

function tooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem({
    title: 'Payload too large',
    status: 413,
    detail: `The request body is larger than ${maxBytes} bytes.`,
    code: 'PAYLOAD_TOO_LARGE',
  })
}

function malformed(message: string): TicketError {
  return new TicketError('VALIDATION', `Malformed JSON body: ${message}`, {
    issues: [{ path: [], message, code: 'invalid_json' }],
  })
}

/**
 * Reads a request body as JSON, refusing what it should not parse:
 * a non-JSON `Content-Type` (415), a `Content-Length` over `maxBytes` (413, before
 * reading anything), a body that turns out longer than `maxBytes` while streaming
 * (413: `Content-Length` can be absent with chunked transfer, so the bytes read are
 * counted too and reading stops at the limit), invalid UTF-8 or JSON (400).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new HttpProblem({
      title: 'Unsupported media type',
      status: 415,
      detail: 'Send the request body as application/json.',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    })
  }
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes)

  const bytes = await readLimited(request, maxBytes)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw malformed('the body is not valid UTF-8')
  }
  if (text.trim() === '') throw malformed('the body is empty')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw malformed(error instanceof SyntaxError ? error.message : 'the body is not valid JSON')
  }
}

/** Collects the body's bytes, cancelling the stream as soon as it passes `maxBytes`. */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      // Stop the upload here rather than buffering an attacker's gigabytes.
      await reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

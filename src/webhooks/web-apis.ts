/**
 * Typed access to the few Web APIs the webhooks entry needs (`TextEncoder`,
 * `crypto.subtle`, `crypto.getRandomValues`, `crypto.randomUUID`, `atob`, `btoa`).
 *
 * The library compiles without the DOM lib so that its declarations never drag DOM
 * types into a user's project; these structural types describe just what we call.
 * Every runtime we support (Node ≥ 20, Deno, Bun, browsers, edge workers) provides
 * them as globals.
 *
 * @internal
 * @module
 */

/** The part of `SubtleCrypto` used for HMAC-SHA256. */
interface SubtleCryptoLike {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: { readonly name: 'HMAC'; readonly hash: 'SHA-256' },
    extractable: false,
    keyUsages: readonly 'sign'[],
  ): Promise<unknown>
  sign(algorithm: 'HMAC', key: unknown, data: Uint8Array): Promise<ArrayBuffer>
}

interface WebGlobals {
  readonly TextEncoder: new () => { encode(input: string): Uint8Array }
  readonly TextDecoder: new (label?: string, options?: { readonly fatal?: boolean }) => { decode(input: Uint8Array): string }
  readonly crypto: {
    readonly subtle: SubtleCryptoLike
    getRandomValues<T extends Uint8Array>(array: T): T
    randomUUID(): string
  }
  atob(data: string): string
  btoa(data: string): string
}

const web = globalThis as unknown as WebGlobals

let encoder: { encode(input: string): Uint8Array } | undefined

/** Encodes text as UTF-8 bytes. */
export function utf8Encode(text: string): Uint8Array {
  encoder ??= new web.TextEncoder()
  return encoder.encode(text)
}

/** Decodes UTF-8 bytes, replacing malformed sequences (as HTTP bodies are read). */
export function utf8Decode(bytes: Uint8Array): string {
  return new web.TextDecoder('utf-8').decode(bytes)
}

/** Computes HMAC-SHA256 of `data` with `key`, through Web Crypto. */
export async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await web.crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await web.crypto.subtle.sign('HMAC', cryptoKey, data))
}

/** Fills a new array with `length` cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return web.crypto.getRandomValues(new Uint8Array(length))
}

/** A random UUID (v4), used as an opaque claim token. */
export function randomToken(): string {
  return web.crypto.randomUUID()
}

/** Standard base64 (with padding) of bytes. */
export function base64Encode(bytes: Uint8Array): string {
  // Chunked so that large inputs never hit the engine's argument-count limit.
  let binary = ''
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  }
  return web.btoa(binary)
}

/** Decodes standard base64; returns `null` for text that is not base64. */
export function base64Decode(text: string): Uint8Array | null {
  let binary: string
  try {
    binary = web.atob(text)
  } catch {
    return null
  }
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

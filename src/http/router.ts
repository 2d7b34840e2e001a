/** The methods the ticket routes use. */
export type RouteMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** One route: a method, a path pattern with `{name}` parameters, and whether it takes a JSON body. */
export interface Route<Context> {
  readonly method: RouteMethod
  readonly path: string
  readonly hasBody: boolean
  readonly handle: (context: Context) => Promise<Response>
}

/** What {@link matchRoute} found: a route and its decoded parameters, or the methods the path allows. */
export type RouteMatch<Context> =
  | { readonly kind: 'found'; readonly route: Route<Context>; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' }

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '')
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string
    const actual = segments[index] as string
    if (expected.startsWith('{') && expected.endsWith('}')) {
      params[expected.slice(1, -1)] = actual
    } else if (expected !== actual) {
      return null
    }
  }
  return params
}

/**
 * Finds the route for a method and path (a trailing slash is ignored). Parameters are
 * percent-decoded; a segment that does not decode matches nothing.
 */
export function matchRoute<Context>(routes: readonly Route<Context>[], method: string, pathname: string): RouteMatch<Context> {
  let segments: string[]
  try {
    segments = splitPath(pathname).map((segment) => decodeURIComponent(segment))
  } catch {
    return { kind: 'not-found' }
  }
  const allow: string[] = []
  for (const route of routes) {
    const params = matchPattern(splitPath(route.path), segments)
    if (params === null) continue
    if (route.method === method) return { kind: 'found', route, params }
    allow.push(route.method)
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' }
}

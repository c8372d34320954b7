/**
 * The `cors` settings of the governance config file: the origins every consumer may be called from
 * (top level), and each consumer's own (`consumers[].cors.origins`). Only schemas and their types
 * live here; governance-config.ts places them in the file's schema.
 */
import { z } from 'zod';

/**
 * An origin as a browser sends it in `Origin`: scheme, host and port, nothing else
 * (`https://shop.example.com`, `http://localhost:5173`). Stored as the URL parser writes it
 * (lowercase host, default port left out), so a comparison with the header is a string match.
 * Wildcards are refused: each origin a consumer's pages are served from is listed.
 */
export const corsOriginSchema = z.string().transform((text, ctx) => {
  const origin = text.includes('*') ? null : originOf(text);
  if (origin === null) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an origin such as https://shop.example.com (http or https, host and port, no path and no wildcard), not ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return origin;
});

/** The top-level `cors` section; every key has its default here. */
export const corsConfigSchema = z
  .strictObject({
    /** Origins any consumer may be called from (an explorer host, the company's own sites). Default none. */
    origins: z.array(corsOriginSchema).default([]),
    /** How long a browser may keep a preflight's answer, in seconds (Access-Control-Max-Age). Default 600. */
    maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
    /**
     * Answer credentialed requests (cookies, TLS client certificates) with Access-Control-Allow-Credentials.
     * The gateway authenticates by header, never by cookie, so this is for a proxy in front of it
     * that does. Default false.
     */
    allowCredentials: z.boolean().default(false),
  })
  .default({ origins: [], maxAgeSeconds: 600, allowCredentials: false });

/** A consumer's `cors` section: the origins of its own web pages, in addition to the top-level ones. */
export const consumerCorsSchema = z
  .strictObject({ origins: z.array(corsOriginSchema).min(1) })
  .optional();

export type CorsConfig = z.output<typeof corsConfigSchema>;

/** `scheme://host[:port]` of an http(s) URL without path, query, fragment or user info; null otherwise. */
function originOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return null;
  return url.origin;
}

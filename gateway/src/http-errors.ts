import type { FastifyError } from 'fastify';

/** Transport-level failures (bad JSON, oversized body) answered in GraphQL's error shape with a stable code. */
export function httpErrorBody(error: FastifyError): {
  status: number;
  body: { errors: { message: string; extensions: { code: string } }[] };
} {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const code =
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? 'PAYLOAD_TOO_LARGE'
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : status < 500
          ? 'BAD_REQUEST'
          : 'INTERNAL_SERVER_ERROR';
  const message = status < 500 ? error.message : 'Internal server error';
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}
